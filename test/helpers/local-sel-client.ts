import { systemClock } from '../../src/clock.ts';
import { RateLimiter } from '../../src/submit/rate-limiter.ts';
import type { RetryOptions } from '../../src/fetch/retry-policy.ts';
import { SelClient } from '../../src/submit/sel-client.ts';

/**
 * A SEL client for a fake server on 127.0.0.1: real clock, global fetch, short retries so
 * fault tests finish fast. `limiter` defaults to none (0 requests a minute = unlimited).
 */
export function localSelClient(url: string, key: string, options: { retry?: Partial<RetryOptions>; limiter?: RateLimiter } = {}): SelClient {
  return new SelClient({
    baseUrl: url,
    apiKey: key,
    fetch: (u, init) => fetch(u, init),
    clock: systemClock,
    limiter: options.limiter ?? new RateLimiter(0, systemClock),
    retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 1_000, ...options.retry },
    userAgent: 'test',
  });
}
