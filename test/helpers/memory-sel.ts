import { fetch as undiciFetch } from 'undici';
import type { Clock } from '../../src/clock.ts';
import { RateLimiter } from '../../src/submit/rate-limiter.ts';
import type { FetchLike } from '../../src/fetch/fetch-like.ts';
import type { RetryOptions } from '../../src/fetch/retry-policy.ts';
import { SelClient } from '../../src/submit/sel-client.ts';
import { FakeSelServer, type FakeSelOptions } from './fake-sel-server.ts';
import { MemoryNetwork } from './memory-network.ts';
import { VirtualClock } from './virtual-clock.ts';

interface LocalClientOptions {
  retry?: Partial<RetryOptions>;
  limiter: RateLimiter;
  clock: Clock;
  fetch: FetchLike;
}

/** A SEL client with short retries and fixed jitter. */
function localSelClient(url: string, key: string, options: LocalClientOptions): SelClient {
  return new SelClient({
    baseUrl: url,
    apiKey: key,
    fetch: options.fetch,
    clock: options.clock,
    limiter: options.limiter,
    retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 1_000, ...options.retry },
    userAgent: 'test',
    random: () => 0.5,
  });
}

/**
 * A fake SEL server on a MemoryNetwork and a client for it, both on one VirtualClock: retries,
 * Retry-After pauses, processing and polls take simulated time only, so tests can state exactly
 * how long the client waited.
 */
export function memorySel(options: FakeSelOptions, key: string, client: { retry?: Partial<RetryOptions>; limiter?: RateLimiter; ratePerMinute?: number } = {}) {
  const clock = new VirtualClock();
  const network = new MemoryNetwork();
  const server = new FakeSelServer(options, clock).serveOn(network);
  const limiter = client.limiter ?? new RateLimiter(client.ratePerMinute ?? 0, clock);
  const fetch: FetchLike = (url, init) => undiciFetch(url, { ...init, dispatcher: network });
  return { clock, server, limiter, client: localSelClient(server.url, key, { ...client, limiter, clock, fetch }) };
}
