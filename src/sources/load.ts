import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { describeError, SelScraperError } from '../errors.ts';
import { sourceFileSchema } from './schema.ts';
import { closestMatch } from './suggest.ts';
import type { ConfigIssue, SourceConfig } from './types.ts';
import { applyDefaults, checkSourceRules, type ConfigPath } from './validate.ts';

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
      result.issues.push({ file, line: 1, col: 1, severity: 'warning', message: 'ignored: SEL reads only files ending in .yaml', hint: `rename it to ${entry.slice(0, -4)}.yaml` });
      continue;
    }
    if (!entry.endsWith('.yaml')) continue;
    const loaded = parseSourceFile(file, await readFile(file, 'utf8'), options);
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

interface ParsedFile {
  config: SourceConfig | undefined;
  issues: ConfigIssue[];
  positionOf(path: ConfigPath): { file: string; line: number; col: number };
}

export function parseSourceFile(file: string, text: string, options: LoadOptions): ParsedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positionAt = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const positionOf = (configPath: ConfigPath) => positionAt(nodeOffset(doc, configPath));
  const issues: ConfigIssue[] = [];

  for (const error of doc.errors) {
    issues.push({ ...positionAt(error.pos[0]), severity: 'error', message: `YAML: ${firstLine(error.message)}` });
  }
  if (issues.length > 0) return { config: undefined, issues, positionOf };

  const data: unknown = doc.toJS() ?? {};
  const parsed = sourceFileSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(...describeSchemaIssue(issue, doc, positionOf, positionAt));
    return { config: undefined, issues, positionOf };
  }
  for (const rule of checkSourceRules(parsed.data)) {
    issues.push({ ...positionOf(rule.path), severity: rule.severity, message: rule.message, ...(rule.hint ? { hint: rule.hint } : {}) });
  }
  return { config: applyDefaults(parsed.data, file, options.defaultTimezone), issues, positionOf };
}

function describeSchemaIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  positionOf: (p: ConfigPath) => { file: string; line: number; col: number },
  positionAt: (offset: number) => { file: string; line: number; col: number },
): ConfigIssue[] {
  const dotted = (p: readonly PropertyKey[]) => p.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    return issue.keys.map((key) => {
      const suggestion = closestMatch(key, known);
      const where = issue.path.length ? `${dotted(issue.path)}.${key}` : key;
      return {
        ...positionAt(keyOffset(doc, issue.path as ConfigPath, key)),
        severity: 'error' as const,
        message: `unknown key "${where}"`,
        hint: suggestion ? `did you mean \`${suggestion}\`?` : `known keys here: ${known.join(', ')}`,
      };
    });
  }
  const where = dotted(issue.path) || '(top level)';
  let message = `${where}: ${issue.message}`;
  if (issue.code === 'invalid_type') {
    const got = describeValue(doc.getIn(issue.path as ConfigPath));
    message = `${where}: expected ${issue.expected}, got ${got}`;
  }
  return [{ ...positionOf(issue.path as ConfigPath), severity: 'error', message }];
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
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
