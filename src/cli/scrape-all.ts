import path from 'node:path';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Clock, OnWait } from '../clock.ts';
import { defaultTimezone, resolveServerSettings, type Env, type ServerSettings } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { createHeadlessBrowser } from '../fetch/browser.ts';
import { createSourceFetching } from '../fetch/source-fetching.ts';
import { describeKey, escapeControl } from '../keys/redact.ts';
import { recordHistory } from '../health/history-file.ts';
import { EXIT, exitCodeForError } from '../report/exit-codes.ts';
import { createProgressView, type ProgressMode, type ProgressView } from '../report/progress-view.ts';
import { renderSummary } from '../report/render.ts';
import { emptyRunReport, type Counters } from '../report/run-report.ts';
import type { RunDefinition } from '../run/journal.ts';
import { systemLockDeps } from '../run/run-lock.ts';
import { claimRun, type ClaimedRun } from '../run/run-state.ts';
import { runScrape } from '../run/scrape-run.ts';
import { batchSettings } from '../submit/batch-submitter.ts';
import { RateLimiter } from '../submit/rate-limiter.ts';
import { DEFAULT_RETRY } from '../submit/retry-policy.ts';
import { SelClient, type FetchLike } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import { asInvoked, PROGRAM } from './command-name.ts';
import type { CliDeps } from './io.ts';
import type { ScrapeAllFlags } from './scrape.ts';
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
      const stopped = error instanceof SelScraperError ? { exitCode: exitCodeForError(error.code), hint: error.hint ? asInvoked(error.hint, command) : null } : { exitCode: EXIT.internal, hint: null };
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
  const claim = dryRun ? undefined : claimRun(stateDir, flags.resume, { lock: systemLockDeps(() => deps.clock.now()), notice: (line) => deps.stderr.write(line + '\n') });
  known.runId = claim?.runId ?? null;
  try {
    const complete = claim?.resume?.complete;
    if (claim?.resume && complete) return alreadyComplete(claim.resume.runId, complete, flags, deps, known);
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
  if (resume && settings && normalizedUrl(settings.serverUrl) !== normalizedUrl(resume.run.serverUrl)) {
    throw new SelScraperError('ERR_USAGE', `run ${resume.runId} was sent to ${resume.run.serverUrl}, not ${settings.serverUrl}`, {
      hint: 'resume a run against the server it started with (set SEL_SERVER_URL or --server), or start a new run',
    });
  }
  const definition: RunDefinition = resume?.run ?? {
    sourcesDir: path.resolve(deps.cwd, flags.sources),
    only: flags.source ?? [],
    fixtures: flags.fixtures ? path.resolve(deps.cwd, flags.fixtures) : null,
    serverUrl: settings?.serverUrl ?? '',
    keyLabel: settings ? describeKey(settings.apiKey) : '',
    batchSize: flags.batchSize,
    defaultTimezone: defaultTimezone(env),
  };
  if (resume) deps.stderr.write(`resuming run ${resume.runId}: sources from ${definition.sourcesDir}${definition.fixtures ? `, fixtures from ${definition.fixtures}` : ''}\n`);

  const view = progressView(flags, deps);
  const network: Dispatcher = deps.dispatcher ?? new Agent({ connections: 8 });
  const fetching = await createSourceFetching({
    network,
    fixturesDir: definition.fixtures,
    clock: deps.clock,
    maxRetryAfterMs: flags.maxRetryAfter * 1000,
    hostDelayMs: flags.hostDelay * 1000,
    realNetwork: !deps.dispatcher,
    onWait: view.onWait,
  });
  // A browser can neither replay fixtures nor go through an injected dispatcher: those runs read tier 2 pages as fetched.
  const browser = definition.fixtures || deps.dispatcher ? undefined : createHeadlessBrowser(env);
  const human = flags.json ? deps.stderr : deps.stdout;
  try {
    const client = settings ? createSelClient(settings, flags, deps.clock, network, view.onWait) : undefined;
    const report = await runScrape(
      {
        sourcesDir: definition.sourcesDir,
        only: definition.only,
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
        http: fetching.http,
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
    human.write(renderSummary(report, { command: deps.command ?? PROGRAM, verbose: flags.verbose ?? false }) + '\n');
    if (flags.json) deps.stdout.write(JSON.stringify(report) + '\n');
    return report.exitCode;
  } finally {
    view.close();
    await browser?.close();
    await fetching.close();
    if (!deps.dispatcher) await network.close();
  }
}

/** The SEL client of a live run: one rate limiter for every request, retries with a cap on Retry-After. */
export function createSelClient(settings: ServerSettings, flags: { rateLimit: number; maxRetryAfter: number }, clock: Clock, network: Dispatcher, onWait?: OnWait): SelClient {
  return new SelClient({
    ...(onWait ? { onWait } : {}),
    baseUrl: settings.serverUrl,
    apiKey: settings.apiKey,
    fetch: ((url, init) => undiciFetch(url, { ...(init as object), dispatcher: network }) as unknown as Promise<Response>) as FetchLike,
    clock,
    limiter: new RateLimiter(flags.rateLimit, clock, flags.rateLimit, onWait),
    retry: { ...DEFAULT_RETRY, maxRetryAfterMs: flags.maxRetryAfter * 1000 },
    userAgent: USER_AGENT,
  });
}

/** --resume of a run that left nothing to do: said so, and nothing is fetched or sent. */
function alreadyComplete(runId: string, complete: { at: string; exitCode: number; totals: Counters }, flags: ScrapeAllFlags, deps: CliDeps, known: Known): number {
  const command = deps.command ?? PROGRAM;
  const { created, duplicates, failed } = complete.totals;
  const human = flags.json ? deps.stderr : deps.stdout;
  human.write(
    `run ${runId} is already complete (finished ${complete.at}, exit code ${complete.exitCode}: ${created} created, ${duplicates} duplicates, ${failed} failed); nothing to resume\n` +
      (failed > 0 ? `its failed events can be re-submitted with: ${command} scrape replay ${runId}\n` : '') +
      `start a new run with: ${command} scrape all\n`,
  );
  if (flags.json) deps.stdout.write(JSON.stringify(emptyRunReport({ ...known, dryRun: false, startedAt: deps.clock.now(), exitCode: EXIT.ok, error: null, hint: null, resumed: true, totals: complete.totals })) + '\n');
  return EXIT.ok;
}

/** Live on a terminal, timestamped lines elsewhere (a log, CI), nothing but notices with --quiet. */
function progressView(flags: ScrapeAllFlags, deps: CliDeps): ProgressView {
  const dumb = deps.env.TERM === 'dumb';
  const mode: ProgressMode = flags.quiet ? 'quiet' : deps.terminal && !dumb ? 'live' : 'lines';
  return createProgressView({
    mode,
    verbose: flags.verbose ?? false,
    clock: deps.clock,
    lines: deps.stderr,
    ...(deps.terminal ? { terminal: deps.terminal } : {}),
    // https://no-color.org: present and not empty.
    color: !dumb && !deps.env.NO_COLOR,
    sanitize: (text) => deps.redactor?.redact(escapeControl(text)) ?? escapeControl(text),
  });
}

function normalizedUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
