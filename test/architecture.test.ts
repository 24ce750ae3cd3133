import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');

interface ImportEdge {
  /** The module specifier as written. */
  specifier: string;
  /** `import type` / `export type`: erased at compile time, so no edge at run time. */
  typeOnly: boolean;
}

const parsed = new Map<string, ImportEdge[]>();

/** Every import, re-export and dynamic import() of a module, as the compiler parses them. */
function importsOf(file: string): ImportEdge[] {
  const known = parsed.get(file);
  if (known) return known;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      edges.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly ?? false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      edges.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) edges.push({ specifier: argument.text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  parsed.set(file, edges);
  return edges;
}

const sourceFiles = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => path.join(SRC, file))
  .sort();

/** src/ file → the src/ files it imports at run time. */
function valueGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles) {
    const targets = importsOf(file)
      .filter((edge) => !edge.typeOnly && edge.specifier.startsWith('.'))
      .map((edge) => path.resolve(path.dirname(file), edge.specifier));
    graph.set(file, targets);
  }
  return graph;
}

/** Each cycle once, as the files along it, found by depth-first search. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const walk = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) walk(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) walk(file);
  return found;
}

const relative = (file: string) => path.relative(ROOT, file);

/** Files outside `allowed` folders of src/ that import `pkg` (a type import counts: the layer still knows the package). */
function importersOutside(pkg: string, allowed: readonly string[]): string[] {
  return sourceFiles
    .filter((file) => !allowed.some((folder) => file.startsWith(path.join(SRC, folder) + path.sep)))
    .filter((file) => importsOf(file).some((edge) => edge.specifier === pkg || edge.specifier.startsWith(`${pkg}/`)))
    .map(relative);
}

describe('the shape of src/', () => {
  it('finds the imports of a module, telling type-only ones apart', () => {
    const edges = importsOf(path.join(SRC, 'read', 'source-pages.ts'));
    expect(edges).toContainEqual({ specifier: '../sources/types.ts', typeOnly: true });
    expect(edges).toContainEqual({ specifier: './css.ts', typeOnly: false });
  });

  it('finds a cycle when there is one', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('has no import cycle among its files (value imports, dynamic import() included)', () => {
    expect(cycles(valueGraph()).map((cycle) => cycle.map(relative).join(' → '))).toEqual([]);
  });

  it('imports undici only in fetch/ and submit/', () => {
    expect(importersOutside('undici', ['fetch', 'submit'])).toEqual([]);
  });

  // authoring/ reads a page in the browser for `scrape inspect --render`, as read/ does for tier 2.
  it('imports playwright-core only in fetch/, read/ and authoring/', () => {
    expect(importersOutside('playwright-core', ['fetch', 'read', 'authoring'])).toEqual([]);
  });
});

/** Folders that exist on one machine only; built from parts so this file does not name them itself. */
const MACHINE_PATHS = new RegExp(['work', 'home/[a-z]', 'Users', 'root'].map((folder) => `(?:^|[\\s'"\`(=:])/${folder}/`).join('|'));

function trackedFiles(): string[] | undefined {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

const tracked = trackedFiles();

describe('the repository', () => {
  // An unpacked npm tarball has no git history to list its files from.
  it.skipIf(tracked === undefined)('names no absolute path of one machine in any tracked file (find shared data relative to the repository)', () => {
    const offenders = (tracked ?? []).flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(path.join(ROOT, file), 'utf8');
      } catch {
        return []; // deleted in the working tree, not yet committed
      }
      if (text.includes('\0')) return [];
      return text.split('\n').flatMap((line, index) => (MACHINE_PATHS.test(line) ? [`${file}:${index + 1}: ${line.trim().slice(0, 120)}`] : []));
    });
    expect(offenders).toEqual([]);
  });

  it('catches a machine path when there is one', () => {
    expect(MACHINE_PATHS.test(`const CORPUS = '${'/work'}/shared/reference';`)).toBe(true);
    expect(MACHINE_PATHS.test("const CORPUS = path.resolve(import.meta.dirname, '../../../shared/reference');")).toBe(false);
    expect(MACHINE_PATHS.test("const CHROMIUM = ['/usr/bin/chromium'];")).toBe(false);
  });
});
