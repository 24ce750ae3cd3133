import path from 'node:path';
import { defaultTimezone, resolveServerSettings, type Env, type ServerSettings } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { createNetwork } from '../fetch/network.ts';
import { describeKey } from '../keys/redact.ts';
import { recordHistory } from '../health/history-file.ts';
import { EXIT, exitCodeForError } from '../report/exit-codes.ts';
import { renderSummary } from '../report/render.ts';
import { emptyRunReport, type Counters } from '../report/run-report.ts';
import type { RunDefinition } from '../run/journal.ts';
import { runDefinition } from '../run/run-definition.ts';
import { systemLockDeps } from '../process-lock.ts';
import { claimRun, type ClaimedRun } from '../run/run-state.ts';
import { runScrape } from '../run/scrape-run.ts';
import { formatShard } from '../sources/shard.ts';
import { batchSettings } from '../submit/batch-submitter.ts';
import { asInvoked, PROGRAM } from './command-name.ts';
import type { CliDeps } from './io.ts';
import { deliveryClient, progressView } from './run-client.ts';
import type { ScrapeAllFlags } from './scrape.ts';
import { recorderFor, saveRecording } from './recording.ts';
import { commandEnvironment, keyFromFlags } from './secrets.ts';

/** What is known of a run when it stops before it starts, for the JSON report it still prints. */
interface Known {
  runId: string | null;
  server: string | null;
  key: string | null;
}

/** `scrape all`, loaded only when that command runs. */
export async function scrapeAll(flags: ScrapeAllFlags, deps: CliDeps): Promise<number> {
  const startedAt = deps.clock.now();
  const known: Known = { runId: null, server: null, key: null };
  try {
    return await scrapeAllSteps(flags, deps, known);
  } catch (error) {
    // A cron job's `--json > run.json` holds a report whatever happened; the error itself goes to stderr.
    if (flags.json) {
      const command = deps.command ?? PROGRAM;
      const stopped =
        error instanceof SelScraperError
          ? { exitCode: exitCodeForError(error.code), hint: error.hint ? asInvoked(error.hint, command) : null }
          : { exitCode: EXIT.internal, hint: null };
      const message = asInvoked(error instanceof Error ? error.message : String(error), command);
      deps.stdout.write(JSON.stringify(emptyRunReport({ ...known, dryRun: flags.dryRun ?? false, startedAt, error: message, ...stopped })) + '\n');
    }
    throw error;
  }
}

async function scrapeAllSteps(flags: ScrapeAllFlags, deps: CliDeps, known: Known): Promise<number> {
  const env = commandEnvironment(deps);
  const key = await keyFromFlags(flags, deps);
  const dryRun = flags.dryRun ?? false;
  const stateDir = path.resolve(deps.cwd, flags.stateDir);
  if (dryRun && flags.resume !== undefined) throw new SelScraperError('ERR_USAGE', '--resume continues a live run; it cannot be combined with --dry-run');
  const settings = dryRun ? undefined : resolveServerSettings({ server: flags.server, key }, env);
  if (settings) Object.assign(known, { server: settings.serverUrl, key: describeKey(settings.apiKey) });
  // Before anything is fetched or sent: a run that another process is running stops here.
  const claim = dryRun
    ? undefined
    : claimRun(stateDir, flags.resume, { lock: systemLockDeps(() => deps.clock.now()), notice: (line) => deps.stderr.write(line + '\n') });
  known.runId = claim?.runId ?? null;
  try {
    return await scrapeClaimed(flags, deps, known, { env, dryRun, stateDir, settings, claim });
  } finally {
    claim?.release();
  }
}

async function scrapeClaimed(
  flags: ScrapeAllFlags,
  deps: CliDeps,
  known: Known,
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
  // Checked after the server and the scope: a resume that contradicts its run is a mistake even when there is nothing left to do.
  if (resume?.complete) return alreadyComplete(resume.runId, resume.complete, flags, deps, known);
  if (resume)
    deps.stderr.write(
      `resuming run ${resume.runId}: sources from ${definition.sourcesDir}${definition.fixtures ? `, fixtures from ${definition.fixtures}` : ''}\n`,
    );

  const view = progressView(flags, deps);
  const network = createNetwork({ dispatcher: deps.dispatcher, connections: 8 });
  const recorder = recorderFor({ record: flags.record, fixtures: definition.fixtures }, deps);
  const human = flags.json ? deps.stderr : deps.stdout;
  try {
    const { http, gate, noSiteReached } = await network.sources({
      fixturesDir: definition.fixtures,
      clock: deps.clock,
      maxRetryAfterMs: flags.maxRetryAfter * 1000,
      hostDelayMs: flags.hostDelay * 1000,
      record: recorder?.interceptor,
      onWait: view.onWait,
    });
    // A recorded run reads tier 2 pages the way its replay will: without the browser.
    const browser = network.browser(env, { fixtures: definition.fixtures !== null || recorder !== undefined, gate, pages: flags.browserPages });
    const client = settings ? deliveryClient(settings, flags, network.selFetch, deps, view.onWait) : undefined;
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
        batches: batchSettings({
          concurrency: flags.concurrency,
          batchSize: definition.batchSize,
          pollTimeoutSeconds: flags.pollTimeout,
          ratePerMinute: flags.rateLimit,
        }),
        serverUrl: settings?.serverUrl,
        timeoutMs: flags.timeout > 0 ? flags.timeout * 1000 : undefined,
        sourceTimeoutMs: flags.sourceTimeout > 0 ? flags.sourceTimeout * 1000 : undefined,
        state: claim && {
          dir: stateDir,
          runId: claim.runId,
          unsaved: claim.unsaved,
          definition,
          resume,
          failuresFile: flags.failures ? path.resolve(deps.cwd, flags.failures) : undefined,
        },
      },
      {
        http,
        noSiteReached,
        env,
        client,
        clock: deps.clock,
        log: (line) => view.notice(asInvoked(line, deps.command ?? PROGRAM)),
        progress: view.sink,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.redactor ? { redactor: deps.redactor } : {}),
        browser,
      },
    );
    view.close();
    await recordHistory(stateDir, report, deps);
    if (recorder) await saveRecording(recorder, deps.stderr, deps.cwd);
    human.write(renderSummary(report, { command: deps.command ?? PROGRAM, verbose: flags.verbose ?? false }) + '\n');
    if (flags.json) deps.stdout.write(JSON.stringify(report) + '\n');
    return report.exitCode;
  } finally {
    view.close();
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
      const how =
        started === undefined
          ? `without --${name}`
          : `with --${name}${started === true ? '' : ` ${typeof started === 'object' ? formatShard(started) : started}`}`;
      throw new SelScraperError('ERR_USAGE', `run ${runId} was started ${how}; --resume continues it as it started`, {
        hint: `drop --${name}, or start a new run`,
      });
    }
  }
}

/** --resume of a run that left nothing to do: said so, and nothing is fetched or sent. */
function alreadyComplete(
  runId: string,
  complete: { at: string; exitCode: number; totals: Counters },
  flags: ScrapeAllFlags,
  deps: CliDeps,
  known: Known,
): number {
  const command = deps.command ?? PROGRAM;
  const { created, duplicates, failed } = complete.totals;
  const human = flags.json ? deps.stderr : deps.stdout;
  human.write(
    `run ${runId} is already complete (finished ${complete.at}, exit code ${complete.exitCode}: ${created} created, ${duplicates} duplicates, ${failed} failed); nothing to resume\n` +
      (failed > 0 ? `its failed events can be re-submitted with: ${command} scrape replay ${runId}\n` : '') +
      `start a new run with: ${command} scrape all\n`,
  );
  if (flags.json)
    deps.stdout.write(
      JSON.stringify(
        emptyRunReport({
          ...known,
          dryRun: false,
          startedAt: deps.clock.now(),
          exitCode: EXIT.ok,
          error: null,
          hint: null,
          resumed: true,
          totals: complete.totals,
        }),
      ) + '\n',
    );
  return EXIT.ok;
}
