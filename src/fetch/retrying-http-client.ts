import type { Clock, OnWait } from '../clock.ts';
import { describeError, HttpStatusError, SelScraperError } from '../errors.ts';
import { failedRetryAfter, failedStatus } from './failed-status.ts';
import type { FetchRequest, HttpClient } from './http-client.ts';
import { backoffDelay, parseRetryAfter, RETRYABLE_STATUSES, type RetryOptions } from './retry-policy.ts';

/** Three tries in all: a flaky page gets two more chances without holding a run for long. */
export const DEFAULT_SOURCE_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000, maxRetryAfterMs: 120_000 };

export interface RetryingHttpClientOptions {
  retry: RetryOptions;
  clock: Clock;
  random?: () => number;
  /** Told of each wait before a retry. */
  onWait?: OnWait;
}

/** Network failures that may pass on their own (undici and Node socket codes). */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * Retries source fetches that failed for a reason that may pass: a network error, a timeout, or
 * 408/425/429/5xx, with full-jitter backoff and the server's Retry-After (up to a cap). Only GET
 * is retried: a source's POST (REST, GraphQL) may not be safe to send twice. Robots refusals,
 * 4xx, oversize bodies and missing fixtures fail at once.
 */
export function createRetryingHttpClient(inner: HttpClient, options: RetryingHttpClientOptions): HttpClient {
  const { retry, clock } = options;
  const random = options.random ?? Math.random;
  return {
    async fetchDocument(req: FetchRequest) {
      const attempts = (req.method ?? 'GET') === 'GET' ? retry.attempts : 1;
      for (let attempt = 1; ; attempt++) {
        try {
          return await inner.fetchDocument(req);
        } catch (error) {
          const next = attempt < attempts && !req.signal?.aborted ? nextTry(error, attempt, options, random) : undefined;
          if (!next) throw error;
          if (next.retryAfterMs !== undefined && next.retryAfterMs > retry.maxRetryAfterMs) {
            throw new HttpStatusError(
              failedStatus(error) ?? 0,
              `${describeError(error)}, and the site asks to wait ${Math.round(next.retryAfterMs / 1000)} s (Retry-After), longer than --max-retry-after`,
              {
                hint: 'the site is rate limiting us; try again later or raise --max-retry-after',
                cause: error,
              },
            );
          }
          options.onWait?.({ ms: next.waitMs, reason: retryReason(req.url, error, next.retryAfterMs !== undefined, attempt, attempts) });
          await clock.sleep(next.waitMs, req.signal);
        }
      }
    },
  };
}

/** How long to wait before the next try, or undefined when the failure is not worth another. */
function nextTry(
  error: unknown,
  attempt: number,
  options: RetryingHttpClientOptions,
  random: () => number,
): { waitMs: number; retryAfterMs?: number } | undefined {
  if (!(error instanceof SelScraperError)) return undefined;
  const backoff = backoffDelay(attempt, options.retry, random);
  const networkFailure = error.code === 'ERR_FETCH' || error.code === 'ERR_SITE_UNREACHABLE';
  if (error.code === 'ERR_FETCH_TIMEOUT' || (networkFailure && isTransientNetworkError(error.cause))) return { waitMs: backoff };
  const status = failedStatus(error);
  if (status === undefined || !RETRYABLE_STATUSES.has(status)) return undefined;
  const retryAfterMs = parseRetryAfter(failedRetryAfter(error), options.clock.now());
  return retryAfterMs === undefined ? { waitMs: backoff } : { waitMs: Math.max(retryAfterMs, backoff), retryAfterMs };
}

/** "example.org asked (Retry-After): HTTP 429 fetching …; then try 2 of 3" */
function retryReason(url: string, error: unknown, asked: boolean, attempt: number, attempts: number): string {
  const next = `then try ${attempt + 1} of ${attempts}`;
  return asked ? `${new URL(url).host} asked (Retry-After): ${describeError(error)}; ${next}` : `${describeError(error)}; backing off, ${next}`;
}

/** A reset, refusal or network timeout somewhere in the cause chain (not a bad redirect or body). */
function isTransientNetworkError(cause: unknown): boolean {
  for (let current = cause, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
