import path from 'node:path';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Clock } from '../clock.ts';
import { defaultTimezone, resolveServerSettings, type Env, type ServerSettings } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { createHeadlessBrowser } from '../fetch/browser.ts';
import { createSourceFetching } from '../fetch/source-fetching.ts';
import { describeKey } from '../keys/redact.ts';
import { recordHistory } from '../health/history-file.ts';
import { renderSummary } from '../report/render.ts';
import type { RunDefinition } from '../run/journal.ts';
import { systemLockDeps } from '../run/run-lock.ts';
import { claimRun, type ClaimedRun } from '../run/run-state.ts';
import { runScrape } from '../run/scrape-run.ts';
import { batchSettings } from '../submit/batch-submitter.ts';
import { RateLimiter } from '../submit/rate-limiter.ts';
import { DEFAULT_RETRY } from '../submit/retry-policy.ts';
import { SelClient, type FetchLike } from '../submit/sel-client.ts';
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

  const network: Dispatcher = deps.dispatcher ?? new Agent({ connections: 8 });
  const recorder = recorderFor({ record: flags.record, fixtures: definition.fixtures }, deps);
  const fetching = await createSourceFetching({
    network,
    fixturesDir: definition.fixtures,
    clock: deps.clock,
    maxRetryAfterMs: flags.maxRetryAfter * 1000,
    hostDelayMs: flags.hostDelay * 1000,
    realNetwork: !deps.dispatcher,
    record: recorder?.interceptor,
  });
  // A browser can neither replay fixtures nor go through an injected dispatcher: those runs read tier 2 pages as fetched.
  // A recorded run reads them the way its replay will.
  const browser = definition.fixtures || deps.dispatcher || recorder ? undefined : createHeadlessBrowser(env, { admit: fetching.admit, pages: flags.browserPages });
  const human = flags.json ? deps.stderr : deps.stdout;
  try {
    const client = settings ? createSelClient(settings, flags, deps.clock, network) : undefined;
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
    await browser?.close();
    await fetching.close();
    if (!deps.dispatcher) await network.close();
  }
}

/** The SEL client of a live run: one rate limiter for every request, retries with a cap on Retry-After. */
export function createSelClient(settings: ServerSettings, flags: { rateLimit: number; maxRetryAfter: number }, clock: Clock, network: Dispatcher): SelClient {
  return new SelClient({
    baseUrl: settings.serverUrl,
    apiKey: settings.apiKey,
    fetch: ((url, init) => undiciFetch(url, { ...(init as object), dispatcher: network }) as unknown as Promise<Response>) as FetchLike,
    clock,
    limiter: new RateLimiter(flags.rateLimit, clock),
    retry: { ...DEFAULT_RETRY, maxRetryAfterMs: flags.maxRetryAfter * 1000 },
    userAgent: USER_AGENT,
  });
}

function normalizedUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
