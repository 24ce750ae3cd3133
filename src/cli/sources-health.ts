import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultTimezone, loadEnvironment } from '../config/run-config.ts';
import { historyPath, readHistory } from '../health/history-file.ts';
import { renderHealthPage } from '../health/html.ts';
import { renderHealthTable, summarizeHealth } from '../health/summary.ts';
import { DEFAULT_THRESHOLDS, type SourceIdentity } from '../health/verdict.ts';
import { parseHttpUrl } from '../http-url.ts';
import { EXIT } from '../report/exit-codes.ts';
import { loadSourceDirectory } from '../sources/load.ts';
import type { CliDeps } from './io.ts';
import type { HealthFlags } from './sources.ts';

/** `sources health`: each source's verdict from the history, as a table, JSON and/or an HTML page. */
export async function sourcesHealth(flags: HealthFlags, deps: CliDeps): Promise<number> {
  const stateDir = path.resolve(deps.cwd, flags.stateDir);
  const history = readHistory(stateDir);
  if (history.skipped > 0) deps.stderr.write(`warning: ${history.skipped} line(s) of ${historyPath(stateDir)} are not history entries and were left out\n`);
  const configs = await configuredSources(path.resolve(deps.cwd, flags.sources), deps);
  const { brokenAfter, window, dropRatio, minMedian, staleDays } = flags;
  const thresholds = { ...DEFAULT_THRESHOLDS, brokenAfter, window, dropRatio, minMedian, staleDays };
  const summary = summarizeHealth(configs, history.entries, thresholds, deps.clock.now());
  if (history.entries.length === 0)
    deps.stderr.write(`no run history in ${stateDir} yet: \`scrape all\` adds to it after every run, \`health import <report.json>\` from reports\n`);

  if (flags.html) {
    const file = path.resolve(deps.cwd, flags.html);
    writeFileSync(file, renderHealthPage(summary));
    deps.stderr.write(`wrote ${file}\n`);
  }
  if (flags.json) deps.stdout.write(JSON.stringify(summary) + '\n');
  else deps.stdout.write(renderHealthTable(summary) + '\n');

  const failing = flags.failOn ? summary.sources.filter((s) => flags.failOn?.includes(s.verdict)) : [];
  if (failing.length > 0) {
    deps.stderr.write(
      `${failing.length} source(s) are ${[...new Set(failing.map((s) => s.verdict))].join(' or ')}: ${failing.map((s) => s.name).join(', ')}\n`,
    );
    return EXIT.partial;
  }
  return EXIT.ok;
}

/**
 * The sources to judge: those of the folder, broken configs included (they are enabled, and a
 * config that no longer loads is exactly what health should show). Without the folder (the
 * default one absent on a host that only imports reports), the history's own sources.
 */
async function configuredSources(dir: string, deps: CliDeps): Promise<SourceIdentity[] | undefined> {
  if (!existsSync(dir)) return undefined;
  const env = loadEnvironment(deps.env, deps.cwd);
  const loaded = await loadSourceDirectory(dir, { defaultTimezone: defaultTimezone(env) });
  return [
    ...loaded.sources.map((s) => ({ name: s.name, enabled: s.enabled, url: publishableLink(s.url ?? s.urls?.[0]) })),
    ...loaded.broken.map((b) => ({ name: b.name, enabled: true, url: null })),
  ];
}

/** A link fit for a published page: http(s) only, and never with the user:password a config may carry. */
function publishableLink(url: string | undefined): string | null {
  if (!url) return null;
  const parsed = parseHttpUrl(url);
  if (!parsed) return null;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}
