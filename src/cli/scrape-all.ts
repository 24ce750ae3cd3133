import { existsSync } from 'node:fs';
import path from 'node:path';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Clock } from '../clock.ts';
import { defaultTimezone, loadEnvironment, resolveServerSettings, type ServerSettings } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { createHeadlessBrowser } from '../fetch/browser.ts';
import type { FetchLike } from '../fetch/fetch-like.ts';
import { createSourceFetching } from '../fetch/source-fetching.ts';
import { describeKey } from '../keys/redact.ts';
import { renderSummary } from '../report/render.ts';
import { journalPath, latestRunId, runsDirectory, type RunDefinition } from '../run/journal.ts';
import { loadResumeState, type ResumeState } from '../run/resume.ts';
import { runScrape } from '../run/scrape-run.ts';
import { batchSettings } from '../submit/batch-submitter.ts';
import { RateLimiter } from '../submit/rate-limiter.ts';
import { DEFAULT_RETRY, SelClient } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import type { CliDeps } from './io.ts';
import type { ScrapeAllFlags } from './scrape.ts';

/** `scrape all`, loaded only when that command runs. */
export async function scrapeAll(flags: ScrapeAllFlags, deps: CliDeps): Promise<number> {
  const env = loadEnvironment(deps.env, deps.cwd);
  const dryRun = flags.dryRun ?? false;
  const stateDir = path.resolve(deps.cwd, flags.stateDir);
  const resume = flags.resume === undefined ? undefined : findRunToResume(flags.resume, stateDir, dryRun);
  const settings = dryRun ? undefined : resolveServerSettings({ server: flags.server, key: flags.key }, env);
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
  const fetching = await createSourceFetching({
    network,
    fixturesDir: definition.fixtures,
    clock: deps.clock,
    maxRetryAfterMs: flags.maxRetryAfter * 1000,
    hostDelayMs: flags.hostDelay * 1000,
    realNetwork: !deps.dispatcher,
  });
  // A browser can neither replay fixtures nor go through an injected dispatcher: those runs read tier 2 pages as fetched.
  const browser = definition.fixtures || deps.dispatcher ? undefined : createHeadlessBrowser(env);
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
        state: dryRun ? undefined : { dir: stateDir, definition, resume, failuresFile: flags.failures ? path.resolve(deps.cwd, flags.failures) : undefined },
      },
      {
        http: fetching.http,
        env,
        client,
        clock: deps.clock,
        log: (line) => deps.stderr.write(line + '\n'),
        ...(deps.signal ? { signal: deps.signal } : {}),
        browser,
      },
    );
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

/** The journal of the run `--resume` names, or of the latest run when it names none. */
function findRunToResume(resume: string | true, stateDir: string, dryRun: boolean): ResumeState {
  if (dryRun) throw new SelScraperError('ERR_USAGE', '--resume continues a live run; it cannot be combined with --dry-run');
  const runId = resume === true ? latestRunId(stateDir) : resume;
  if (!runId) {
    throw new SelScraperError('ERR_USAGE', `no run to resume in ${runsDirectory(stateDir)}`, { hint: 'runs are journalled under --state-dir (default .sel-scraper in the working directory)' });
  }
  const file = journalPath(stateDir, runId);
  if (!existsSync(file)) {
    throw new SelScraperError('ERR_USAGE', `no journal for run ${runId} in ${runsDirectory(stateDir)}`, { hint: 'the run id is printed in the last line of a run summary; --state-dir must match the run’s' });
  }
  return loadResumeState(file);
}

function normalizedUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
