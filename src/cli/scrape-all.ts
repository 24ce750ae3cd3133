import path from 'node:path';
import { defaultTimezone, resolveServerSettings, type Env, type ServerSettings } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { createNetwork } from '../fetch/network.ts';
import { recordHistory } from '../health/history-file.ts';
import { renderSummary } from '../report/render.ts';
import type { RunDefinition } from '../run/journal.ts';
import { runDefinition } from '../run/run-definition.ts';
import { systemLockDeps } from '../run/run-lock.ts';
import { claimRun, type ClaimedRun } from '../run/run-state.ts';
import { runScrape } from '../run/scrape-run.ts';
import { formatShard } from '../sources/shard.ts';
import { batchSettings } from '../submit/batch-submitter.ts';
import { runSelClient } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import type { CliDeps } from './io.ts';
import type { ScrapeAllFlags } from './scrape.ts';
import { recorderFor, saveRecording } from './recording.ts';
import { commandEnvironment, keyFromFlags } from './secrets.ts';

/** `scrape all`, loaded only when that command runs. */
export async function scrapeAll(flags: ScrapeAllFlags, deps: CliDeps): Promise<number> {
  const env = commandEnvironment(deps);
  const key = await keyFromFlags(flags, deps);
  const dryRun = flags.dryRun ?? false;
  const stateDir = path.resolve(deps.cwd, flags.stateDir);
  if (dryRun && flags.resume !== undefined) throw new SelScraperError('ERR_USAGE', '--resume continues a live run; it cannot be combined with --dry-run');
  const settings = dryRun ? undefined : resolveServerSettings({ server: flags.server, key }, env);
  // Before anything is fetched or sent: a run that another process is running stops here.
  const claim = dryRun ? undefined : claimRun(stateDir, flags.resume, { lock: systemLockDeps(() => deps.clock.now()), notice: (line) => deps.stderr.write(line + '\n') });
  try {
    return await scrapeClaimed(flags, deps, { env, dryRun, stateDir, settings, claim });
  } finally {
    claim?.release();
  }
}

async function scrapeClaimed(
  flags: ScrapeAllFlags,
  deps: CliDeps,
  run: { env: Env; dryRun: boolean; stateDir: string; settings: ServerSettings | undefined; claim: ClaimedRun | undefined },
): Promise<number> {
  const { env, dryRun, stateDir, settings, claim } = run;
  const resume = claim?.resume;
  const definition = runDefinition(resume, settings, {
    sourcesDir: path.resolve(deps.cwd, flags.sources),
    only: flags.source ?? [],
    fixtures: flags.fixtures ? path.resolve(deps.cwd, flags.fixtures) : null,
    batchSize: flags.batchSize,
    defaultTimezone: defaultTimezone(env),
    scope: runScope(flags),
  });
  if (resume) checkSameScope(resume.runId, resume.run, flags);
  if (resume) deps.stderr.write(`resuming run ${resume.runId}: sources from ${definition.sourcesDir}${definition.fixtures ? `, fixtures from ${definition.fixtures}` : ''}\n`);

  const network = createNetwork({ dispatcher: deps.dispatcher, connections: 8 });
  const recorder = recorderFor({ record: flags.record, fixtures: definition.fixtures }, deps);
  const human = flags.json ? deps.stderr : deps.stdout;
  try {
    const { http, admit, noSiteReached } = await network.sources({ fixturesDir: definition.fixtures, clock: deps.clock, maxRetryAfterMs: flags.maxRetryAfter * 1000, hostDelayMs: flags.hostDelay * 1000, record: recorder?.interceptor });
    // A recorded run reads tier 2 pages the way its replay will: without the browser.
    const browser = network.browser(env, { fixtures: definition.fixtures !== null || recorder !== undefined, admit, pages: flags.browserPages });
    const client = settings
      ? runSelClient({ baseUrl: settings.serverUrl, apiKey: settings.apiKey, fetch: network.selFetch, clock: deps.clock, userAgent: USER_AGENT, ratePerMinute: flags.rateLimit, maxRetryAfterMs: flags.maxRetryAfter * 1000 })
      : undefined;
    const report = await runScrape(
      {
        sourcesDir: definition.sourcesDir,
        only: definition.only,
        filter: { tier: definition.tier, shard: definition.shard },
        limit: definition.limit,
        dryRun,
        outFile: flags.out ? path.resolve(deps.cwd, flags.out) : undefined,
        allowAdminKey: flags.allowAdminKey ?? false,
        defaultTimezone: definition.defaultTimezone,
        sourceConcurrency: flags.sourceConcurrency,
        batches: batchSettings({ concurrency: flags.concurrency, batchSize: definition.batchSize, pollTimeoutSeconds: flags.pollTimeout, ratePerMinute: flags.rateLimit }),
        serverUrl: settings?.serverUrl,
        timeoutMs: flags.timeout > 0 ? flags.timeout * 1000 : undefined,
        sourceTimeoutMs: flags.sourceTimeout > 0 ? flags.sourceTimeout * 1000 : undefined,
        state: claim && { dir: stateDir, runId: claim.runId, unsaved: claim.unsaved, definition, resume, failuresFile: flags.failures ? path.resolve(deps.cwd, flags.failures) : undefined },
      },
      {
        http,
        noSiteReached,
        env,
        client,
        clock: deps.clock,
        log: (line) => deps.stderr.write(line + '\n'),
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.redactor ? { redactor: deps.redactor } : {}),
        browser,
      },
    );
    await recordHistory(stateDir, report, deps);
    if (recorder) await saveRecording(recorder, deps.stderr, deps.cwd);
    human.write(renderSummary(report) + '\n');
    if (flags.json) deps.stdout.write(JSON.stringify(report) + '\n');
    return report.exitCode;
  } finally {
    await network.close();
  }
}

/** --tier, --shard, --limit and --full, as the journal keeps them: only those given. */
function runScope(flags: ScrapeAllFlags): Pick<RunDefinition, 'tier' | 'shard' | 'limit' | 'full'> {
  return {
    ...(flags.tier !== undefined ? { tier: flags.tier } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
    ...(flags.limit ? { limit: flags.limit } : {}),
    ...(flags.full ? { full: true } : {}),
  };
}

/** A resumed run covers what it covered when it started; flags that say otherwise are a mistake, not a wish. */
function checkSameScope(runId: string, run: RunDefinition, flags: ScrapeAllFlags): void {
  const given = runScope(flags);
  for (const name of ['tier', 'shard', 'limit', 'full'] as const) {
    const started = run[name];
    if (given[name] !== undefined && JSON.stringify(given[name]) !== JSON.stringify(started)) {
      const how = started === undefined ? `without --${name}` : `with --${name}${started === true ? '' : ` ${typeof started === 'object' ? formatShard(started) : started}`}`;
      throw new SelScraperError('ERR_USAGE', `run ${runId} was started ${how}; --resume continues it as it started`, { hint: `drop --${name}, or start a new run` });
    }
  }
}
