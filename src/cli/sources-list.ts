import path from 'node:path';
import { defaultTimezone, loadEnvironment } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { EXIT } from '../report/exit-codes.ts';
import { loadSourceDirectory } from '../sources/load.ts';
import { filterSources } from '../sources/selection.ts';
import { formatShard } from '../sources/shard.ts';
import { formatConfigIssue, type SourceConfig } from '../sources/types.ts';
import type { CliDeps } from './io.ts';
import type { ListFlags } from './sources.ts';

/** One row of `sources list`; a broken config has only its name and file. */
export interface ListedSource {
  name: string;
  file: string;
  url: string | null;
  tier: number | null;
  method: string | null;
  enabled: boolean;
  schedule: string | null;
  broken: boolean;
}

const URL_WIDTH = 44;

/**
 * `sources list`: the sources of a folder (SEL's `scrape list`), or exactly those that
 * `scrape all --tier n --shard i/n` would run. Broken configs are listed (a run reports them
 * failed) and their errors go to stderr; `sources validate` is the check that fails on them.
 */
export async function listSources(flags: ListFlags, deps: CliDeps): Promise<number> {
  const env = loadEnvironment(deps.env, deps.cwd);
  const dir = path.resolve(deps.cwd, flags.sources);
  const loaded = await loadSourceDirectory(dir, { defaultTimezone: defaultTimezone(env) });
  for (const source of loaded.sources) deps.redactor?.addSource(source);
  if (loaded.sources.length === 0 && loaded.broken.length === 0) {
    throw new SelScraperError('ERR_USAGE', `no source configs in ${dir}`, { hint: 'point --sources at a folder of SEL source YAML files (*.yaml)' });
  }
  const rows: ListedSource[] = [...loaded.sources.map(rowOf), ...loaded.broken.map((b) => brokenRow(b))].sort((a, b) => a.file.localeCompare(b.file));
  const listed = filterSources(rows, { tier: flags.tier, shard: flags.shard }, (row) => row.broken);
  const files = new Set(listed.map((row) => row.file));
  for (const issue of loaded.issues) if (issue.severity === 'error' && files.has(issue.file)) deps.stderr.write(formatConfigIssue(issue) + '\n');
  if (flags.json) {
    deps.stdout.write(JSON.stringify({ sources: listed, shard: flags.shard ?? null, tier: flags.tier ?? null }) + '\n');
    return EXIT.ok;
  }
  const header = ['NAME', 'URL', 'TIER', 'METHOD', 'ENABLED', 'SCHEDULE'];
  const table = [header, ...listed.map(cellsOf)];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]?.length ?? 0)));
  for (const row of table)
    deps.stdout.write(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd() + '\n',
    );
  const enabled = listed.filter((r) => r.enabled && !r.broken).length;
  const scope = [flags.tier !== undefined ? `tier ${flags.tier}` : '', flags.shard ? `shard ${formatShard(flags.shard)}` : ''].filter(Boolean).join(', ');
  const broken = listed.length - listed.filter((r) => !r.broken).length;
  deps.stdout.write(
    `\n${listed.length} source(s)${scope ? ` in ${scope}` : ''}: ${enabled} enabled, ${listed.length - enabled - broken} disabled${broken ? `, ${broken} broken` : ''}\n`,
  );
  return EXIT.ok;
}

function rowOf(source: SourceConfig): ListedSource {
  return {
    name: source.name,
    file: source.file,
    url: source.url ?? source.urls?.[0] ?? source.sitemap?.url ?? source.rest?.endpoint ?? source.graphql?.endpoint ?? null,
    tier: source.tier,
    method: source.sitemap && source.method !== 'ics' ? `sitemap+${source.method}` : source.method,
    enabled: source.enabled,
    schedule: source.schedule,
    broken: false,
  };
}

/** Broken configs run (and fail) in every run, so they count as enabled when shards are cut. */
function brokenRow(broken: { name: string; file: string }): ListedSource {
  return { name: broken.name, file: broken.file, url: null, tier: null, method: null, enabled: true, schedule: null, broken: true };
}

function cellsOf(row: ListedSource): string[] {
  const url = row.url ?? '-';
  return [
    row.name,
    url.length > URL_WIDTH ? `${url.slice(0, URL_WIDTH - 1)}…` : url,
    row.tier === null ? '-' : String(row.tier),
    row.method ?? '-',
    row.broken ? 'BROKEN' : row.enabled ? 'yes' : 'no',
    row.schedule ?? '-',
  ];
}
