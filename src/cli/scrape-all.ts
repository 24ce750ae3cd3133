import path from 'node:path';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { defaultTimezone, loadEnvironment, resolveServerSettings } from '../config/run-config.ts';
import { createFixtureDispatcher } from '../fetch/fixtures.ts';
import { createHttpClient } from '../fetch/http-client.ts';
import { renderSummary } from '../report/render.ts';
import { runScrape } from '../run/scrape-run.ts';
import { RateLimiter } from '../submit/rate-limiter.ts';
import { DEFAULT_RETRY } from '../submit/retry-policy.ts';
import { SelClient, type FetchLike } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import type { CliDeps } from './io.ts';
import type { ScrapeAllFlags } from './scrape.ts';

/** `scrape all`, loaded only when that command runs. */
export async function scrapeAll(flags: ScrapeAllFlags, deps: CliDeps): Promise<number> {
  const env = loadEnvironment(deps.env, deps.cwd);
  const dryRun = flags.dryRun ?? false;
  const settings = dryRun ? undefined : resolveServerSettings({ server: flags.server, key: flags.key }, env);
  const network: Dispatcher = deps.dispatcher ?? new Agent({ connections: 8 });
  const sourceDispatcher = flags.fixtures ? await createFixtureDispatcher(path.resolve(deps.cwd, flags.fixtures)) : network;
  const human = flags.json ? deps.stderr : deps.stdout;
  try {
    const client = settings
      ? new SelClient({
          baseUrl: settings.serverUrl,
          apiKey: settings.apiKey,
          fetch: ((url, init) => undiciFetch(url, { ...(init as object), dispatcher: network }) as unknown as Promise<Response>) as FetchLike,
          clock: deps.clock,
          limiter: new RateLimiter(flags.rateLimit, deps.clock),
          retry: { ...DEFAULT_RETRY, maxRetryAfterMs: flags.maxRetryAfter * 1000 },
          userAgent: USER_AGENT,
        })
      : undefined;
    const report = await runScrape(
      {
        sourcesDir: path.resolve(deps.cwd, flags.sources),
        only: flags.source ?? [],
        dryRun,
        outFile: flags.out ? path.resolve(deps.cwd, flags.out) : undefined,
        allowAdminKey: flags.allowAdminKey ?? false,
        defaultTimezone: defaultTimezone(env),
        sourceConcurrency: flags.sourceConcurrency,
        concurrency: flags.concurrency,
        batchSize: flags.batchSize,
        maxBatchBytes: 2 * 1024 * 1024,
        pollTimeoutMs: flags.pollTimeout * 1000,
        serverUrl: settings?.serverUrl,
      },
      {
        http: createHttpClient({ dispatcher: sourceDispatcher, userAgent: USER_AGENT }),
        client,
        clock: deps.clock,
        log: (line) => deps.stderr.write(line + '\n'),
        ...(deps.signal ? { signal: deps.signal } : {}),
      },
    );
    human.write(renderSummary(report) + '\n');
    if (flags.json) deps.stdout.write(JSON.stringify(report) + '\n');
    return report.exitCode;
  } finally {
    if (sourceDispatcher !== network) await sourceDispatcher.close();
    if (!deps.dispatcher) await network.close();
  }
}
