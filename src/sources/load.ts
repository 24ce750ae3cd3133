import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { describeError, SelScraperError } from '../errors.ts';
import { sourceFileSchema } from './schema.ts';
import { closestMatch } from './suggest.ts';
import type { ConfigIssue, SourceConfig } from './types.ts';
import { applyDefaults, checkSourceRules, type ConfigPath } from './validate.ts';
import { checkYamlDocument, MAX_CONFIG_BYTES } from './yaml-guards.ts';

export interface LoadedSources {
  /** Valid configs in file-name order, enabled or not. */
  sources: SourceConfig[];
  /** Files that could not be used, by the name they would have had. */
  broken: { name: string; file: string; issues: ConfigIssue[] }[];
  /** Every error and warning, in file order. */
  issues: ConfigIssue[];
}

export interface LoadOptions {
  defaultTimezone: string;
}

/**
 * Loads a directory the way SEL does (non-recursive, `*.yaml`, files starting with `_` skipped),
 * but strictly: unknown keys and wrong types are errors with file:line:col and a hint. One broken
 * file does not hide the others: it is returned in `broken` for the caller to report.
 */
export async function loadSourceDirectory(dir: string, options: LoadOptions): Promise<LoadedSources> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (error) {
    throw new SelScraperError('ERR_CONFIG_NOT_FOUND', `cannot read sources directory ${dir}: ${describeError(error)}`, {
      hint: 'pass --sources <dir> pointing at a folder of SEL source YAML files',
      cause: error,
    });
  }
  const result: LoadedSources = { sources: [], broken: [], issues: [] };
  const firstFileByName = new Map<string, string>();
  for (const entry of entries) {
    if (entry.startsWith('_')) continue;
    const file = path.join(dir, entry);
    if (entry.endsWith('.yml')) {
      result.issues.push({
        file,
        line: 1,
        col: 1,
        severity: 'warning',
        message: 'ignored: SEL reads only files ending in .yaml',
        hint: `rename it to ${entry.slice(0, -4)}.yaml`,
      });
      continue;
    }
    if (!entry.endsWith('.yaml')) continue;
    const read = await readSourceFile(file);
    if ('problem' in read) {
      const issue: ConfigIssue = { file, line: 1, col: 1, severity: 'error', ...read.problem };
      result.issues.push(issue);
      result.broken.push({ name: path.basename(entry, '.yaml'), file, issues: [issue] });
      continue;
    }
    const loaded = parseSourceFile(file, read.text, options);
    if (loaded.config) {
      const previous = firstFileByName.get(loaded.config.name.toLowerCase());
      if (previous) {
        loaded.issues.push({
          ...loaded.positionOf(['name']),
          severity: 'error',
          message: `duplicate source name "${loaded.config.name}" (already defined in ${previous})`,
          hint: 'source names must be unique across the directory',
        });
      } else {
        firstFileByName.set(loaded.config.name.toLowerCase(), file);
      }
    }
    result.issues.push(...loaded.issues);
    if (loaded.config && !loaded.issues.some((i) => i.severity === 'error')) result.sources.push(loaded.config);
    else result.broken.push({ name: loaded.config?.name || path.basename(entry, '.yaml'), file, issues: loaded.issues.filter((i) => i.severity === 'error') });
  }
  return result;
}

/** The file's text, or why it is not read: over the size cap (checked before reading), not a file, unreadable. */
async function readSourceFile(file: string): Promise<{ text: string } | { problem: { message: string; hint?: string } }> {
  try {
    const stats = await stat(file);
    if (!stats.isFile()) return { problem: { message: 'not a regular file' } };
    if (stats.size > MAX_CONFIG_BYTES) {
      return {
        problem: {
          message: `file is ${stats.size} bytes, over the ${MAX_CONFIG_BYTES}-byte (1 MiB) limit for a source config; not read`,
          hint: 'a source config is a few KB; check that this is the right file',
        },
      };
    }
    return { text: await readFile(file, 'utf8') };
  } catch (error) {
    return { problem: { message: `cannot read: ${describeError(error)}` } };
  }
}

interface ParsedFile {
  config: SourceConfig | undefined;
  issues: ConfigIssue[];
  positionOf(path: ConfigPath): { file: string; line: number; col: number };
}

export function parseSourceFile(file: string, text: string, options: LoadOptions): ParsedFile {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by checkYamlDocument in one pass; yaml's own check is quadratic.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const positionAt = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const positionOf = (configPath: ConfigPath) => positionAt(nodeOffset(doc, configPath));
  const issues = new FileIssues();
  const failed = () => ({ config: undefined, issues: issues.list(), positionOf });

  for (const error of doc.errors) issues.add('error', () => ({ ...positionAt(error.pos[0]), message: `YAML: ${firstLine(error.message)}` }));
  if (issues.count > 0) return failed();
  for (const problem of checkYamlDocument(doc, (offset) => lineCounter.linePos(offset).line)) {
    issues.add('error', () => ({ ...positionAt(problem.offset), message: problem.message, ...(problem.hint ? { hint: problem.hint } : {}) }));
  }
  if (issues.count > 0) return failed();

  // Aliases were bounded above, in linear time; yaml's own count re-walks the document per alias.
  const data: unknown = doc.toJS({ maxAliasCount: -1 }) ?? {};
  const parsed = sourceFileSchema.safeParse(data);
  if (!parsed.success) {
    const reported = new Set<string>();
    for (const issue of parsed.error.issues) {
      // A value can break two checks (not a safe integer, and too big): one message is enough.
      const where = issue.path.map(String).join('.');
      if (issue.code !== 'unrecognized_keys' && reported.has(where)) continue;
      reported.add(where);
      addSchemaIssue(issue, doc, positionOf, positionAt, issues);
    }
    return failed();
  }
  for (const rule of checkSourceRules(parsed.data)) {
    issues.add(rule.severity, () => ({ ...positionOf(rule.path), message: rule.message, ...(rule.hint ? { hint: rule.hint } : {}) }));
  }
  return { config: applyDefaults(parsed.data, file, options.defaultTimezone), issues: issues.list(), positionOf };
}

/** Enough to fix a file by; a hostile file could otherwise print a line for each key of a 1 MiB map. */
const MAX_ISSUES_PER_FILE = 20;

/**
 * The issues of one file, the first MAX_ISSUES_PER_FILE in full and the rest counted. Each is
 * built only when shown, since finding a key's position scans its mapping.
 */
class FileIssues {
  private readonly shown: ConfigIssue[] = [];
  private hidden: { first: Omit<ConfigIssue, 'severity'>; errors: number; total: number } | undefined;

  get count(): number {
    return this.shown.length + (this.hidden?.total ?? 0);
  }

  add(severity: ConfigIssue['severity'], build: () => Omit<ConfigIssue, 'severity'>): void {
    if (this.shown.length < MAX_ISSUES_PER_FILE) {
      this.shown.push({ ...build(), severity });
      return;
    }
    this.hidden ??= { first: build(), errors: 0, total: 0 };
    this.hidden.total++;
    if (severity === 'error') this.hidden.errors++;
  }

  list(): ConfigIssue[] {
    if (!this.hidden) return this.shown;
    const { first, errors, total } = this.hidden;
    return [
      ...this.shown,
      {
        file: first.file,
        line: first.line,
        col: first.col,
        severity: errors > 0 ? 'error' : 'warning',
        message: `${total} more issue(s) in this file (${errors} error(s)) not shown`,
        hint: 'fix the ones above and validate again',
      },
    ];
  }
}

function addSchemaIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  positionOf: (p: ConfigPath) => { file: string; line: number; col: number },
  positionAt: (offset: number) => { file: string; line: number; col: number },
  issues: FileIssues,
): void {
  const dotted = (p: readonly PropertyKey[]) => p.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    for (const key of issue.keys) {
      issues.add('error', () => {
        const suggestion = closestMatch(key, known);
        const where = issue.path.length ? `${dotted(issue.path)}.${key}` : key;
        return {
          ...positionAt(keyOffset(doc, issue.path as ConfigPath, key)),
          message: `unknown key "${where}"`,
          hint: suggestion ? `did you mean \`${suggestion}\`?` : `known keys here: ${known.join(', ')}`,
        };
      });
    }
    return;
  }
  const where = dotted(issue.path) || '(top level)';
  let message = `${where}: ${issue.message}`;
  if (issue.code === 'invalid_type') {
    const got = describeValue(doc.getIn(issue.path as ConfigPath));
    message = `${where}: expected ${issue.expected}, got ${got}`;
  }
  issues.add('error', () => ({ ...positionOf(issue.path as ConfigPath), message }));
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return `number ${value}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Keys the schema accepts at a path, for "did you mean" hints. */
function knownKeysAt(configPath: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = sourceFileSchema;
  for (const segment of configPath) {
    const def = unwrap(schema);
    if (typeof segment === 'number') {
      const element = (def as { element?: z.ZodType }).element;
      if (!element) return [];
      schema = element;
      continue;
    }
    const shape = (def as { shape?: Record<string, z.ZodType> }).shape;
    const next = shape?.[String(segment)];
    if (!next) return [];
    schema = next;
  }
  const shape = (unwrap(schema) as { shape?: Record<string, z.ZodType> }).shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    const inner = (current as unknown as { unwrap?: () => z.ZodType }).unwrap;
    if (typeof inner !== 'function') return current;
    current = inner.call(current);
  }
}

function nodeOffset(doc: Document, configPath: ConfigPath): number {
  for (let depth = configPath.length; depth >= 0; depth--) {
    const node = (depth === 0 ? doc.contents : doc.getIn(configPath.slice(0, depth), true)) as Node | null | undefined;
    if (node && node.range) return node.range[0];
  }
  return 0;
}

function keyOffset(doc: Document, mapPath: ConfigPath, key: string): number {
  const map = mapPath.length === 0 ? doc.contents : doc.getIn(mapPath, true);
  if (isMap(map)) {
    for (const pair of map.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return pair.key.range[0];
    }
  }
  return nodeOffset(doc, mapPath);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
