import type { OnWait } from '../clock.ts';
import type { ServerSettings } from '../config/run-config.ts';
import type { FetchLike } from '../fetch/fetch-like.ts';
import { runSelClient, type SelClient } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import type { CliDeps } from './io.ts';

/** The SEL client `scrape all` and `scrape replay` deliver with, built from their shared flags. */
export function deliveryClient(
  settings: ServerSettings,
  flags: { rateLimit: number; maxRetryAfter: number },
  selFetch: FetchLike,
  deps: Pick<CliDeps, 'clock'>,
  onWait?: OnWait,
): SelClient {
  return runSelClient({
    baseUrl: settings.serverUrl,
    apiKey: settings.apiKey,
    fetch: selFetch,
    clock: deps.clock,
    userAgent: USER_AGENT,
    ratePerMinute: flags.rateLimit,
    maxRetryAfterMs: flags.maxRetryAfter * 1000,
    ...(onWait ? { onWait } : {}),
  });
}
