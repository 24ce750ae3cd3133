import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

/** A source config is a few KB; anything this large is a mistake or an attack, refused unread. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Real configs use no aliases at all; a few are fine, thousands are an attack. */
const MAX_ALIASES = 100;
/** How many nodes aliases may add to a document once expanded (a billion laughs adds 10^9). */
const MAX_ALIAS_EXPANSION = 10_000;
/** Real configs nest 4 levels; the limit keeps every later recursive walk (toJS, zod) off the stack's end. */
const MAX_DEPTH = 64;

export interface YamlProblem {
  /** Character offset of the node at fault. */
  offset: number;
  message: string;
  hint?: string;
}

/** Thrown inside the walk to stop at the first alias or nesting problem, caught in checkYamlDocument. */
class WalkProblem extends Error {
  constructor(readonly problem: YamlProblem) {
    super(problem.message);
  }
}

/**
 * What the `yaml` package checks too slowly or too late, in one pass over a parsed document:
 * duplicate keys (its own check compares each key with every earlier one: a 4 MB map took
 * minutes), keys that are not plain values, and aliases that expand the document (a billion
 * laughs) or point at themselves, and nesting deeper than any config needs. Aliases are followed through a table of anchors built on the
 * way, not with Alias.resolve(), which searches the whole document for every alias.
 *
 * Returns the duplicate keys (all of them) or the first alias or nesting problem.
 */
export function checkYamlDocument(doc: Document, lineAt: (offset: number) => number): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let aliases = 0;
  let expansion = 0;

  const offsetOf = (node: Node) => node.range?.[0] ?? 0;
  /** The node count of `node` with aliases expanded; anchors are recorded as they are met. */
  const size = (node: unknown, depth: number): number => {
    if (isAlias(node)) {
      aliases++;
      const at = offsetOf(node);
      if (aliases > MAX_ALIASES) {
        throw new WalkProblem({
          offset: at,
          message: `YAML: more than ${MAX_ALIASES} aliases`,
          hint: 'a source config needs few aliases or none; write the values out',
        });
      }
      const target = anchors.get(node.source);
      if (!target)
        throw new WalkProblem({
          offset: at,
          message: `YAML: unknown anchor "${node.source}" referenced`,
          hint: 'an anchor (&name) must come before its alias (*name)',
        });
      if (open.has(target)) throw new WalkProblem({ offset: at, message: `YAML: anchor "${node.source}" value contains itself` });
      const added = sizes.get(target) ?? 1;
      expansion += added;
      if (expansion > MAX_ALIAS_EXPANSION) {
        throw new WalkProblem({
          offset: at,
          message: 'YAML: document contains excessive aliasing',
          hint: `its aliases expand to more than ${MAX_ALIAS_EXPANSION} values; a source config needs few aliases or none`,
        });
      }
      return added;
    }
    if (!isMap(node) && !isSeq(node) && !isScalar(node)) return 1;
    if (node.anchor) anchors.set(node.anchor, node);
    if (isScalar(node)) {
      sizes.set(node, 1);
      return 1;
    }
    if (depth > MAX_DEPTH) throw new WalkProblem({ offset: offsetOf(node), message: `YAML: nested more than ${MAX_DEPTH} levels deep` });
    open.add(node);
    let total = 1;
    if (isMap(node)) checkKeys(node.items, problems, lineAt);
    for (const item of node.items) total += isPair(item) ? size(item.key, depth + 1) + size(item.value, depth + 1) : size(item, depth + 1);
    open.delete(node);
    sizes.set(node, total);
    return total;
  };

  try {
    size(doc.contents, 0);
  } catch (error) {
    if (error instanceof WalkProblem) return [error.problem];
    throw error;
  }
  return problems;
}

/** SEL's yaml.v3 wording: `mapping key "name" already defined at line 1`. */
function checkKeys(pairs: readonly unknown[], problems: YamlProblem[], lineAt: (offset: number) => number): void {
  const seen = new Map<unknown, number>();
  for (const pair of pairs) {
    if (!isPair(pair)) continue;
    const key = pair.key;
    if (isAlias(key) || key === null) continue;
    const offset = (key as Node).range?.[0] ?? 0;
    if (!isScalar(key)) {
      problems.push({ offset, message: 'YAML: a mapping key must be a plain value, not a list or a mapping' });
      continue;
    }
    const first = seen.get(key.value);
    if (first === undefined) seen.set(key.value, offset);
    else problems.push({ offset, message: `YAML: mapping key ${JSON.stringify(String(key.value))} already defined at line ${lineAt(first)}` });
  }
}
