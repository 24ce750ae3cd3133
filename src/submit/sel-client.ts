import type { Clock, OnWait } from '../clock.ts';
import { describeError, SelScraperError } from '../errors.ts';
import type { FetchAnswer, FetchLike } from '../fetch/fetch-like.ts';
import { backoffDelay, parseRetryAfter, RETRYABLE_STATUSES, type RetryOptions } from '../fetch/retry-policy.ts';
import { describeKey } from '../keys/redact.ts';
import type { EventInput } from '../normalize/event-input.ts';
import { RateLimiter } from './rate-limiter.ts';
import { exchangeWithServer } from '../fetch/server-answer.ts';

/** A scrape's retries: patient, since its batches wait for the server's confirmation anyway. */
export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/** An admin at a terminal waits for a few quick retries, not for a scrape's patient backoff. */
const INTERACTIVE_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 500, maxDelayMs: 2_000, maxRetryAfterMs: 10_000 };

export interface SelClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch: FetchLike;
  clock: Clock;
  limiter: RateLimiter;
  retry: RetryOptions;
  userAgent: string;
  random?: () => number;
  /** Per request, so a hung connection cannot hold a batch forever. */
  requestTimeoutMs?: number;
  /** Told of each wait before a retry. */
  onWait?: OnWait;
}

export type PreflightResult = { role: 'agent' } | { role: 'admin'; token: string; expiresAt: string | undefined };

export interface ItemResult {
  index: number;
  status: 'created' | 'duplicate' | 'failed';
  eventId?: string;
  error?: string;
}

export type SubmitResult =
  /** `maybeQueuedBefore`: an earlier, unanswered attempt may also have queued these events. */
  | { kind: 'accepted'; batchId: string; maybeQueuedBefore?: true }
  /** The server refused the batch as a whole (400): nothing in it was queued. */
  | { kind: 'rejected'; reason: string }
  /** Retries ran out. `maybeQueued` when an attempt may have reached the server unanswered. */
  | { kind: 'gave-up'; reason: string; maybeQueued: boolean };

export type BatchStatus = { kind: 'pending' } | { kind: 'completed'; results: ItemResult[] };

interface Answer {
  status: number;
  body: unknown;
  headers: FetchAnswer['headers'];
}

type Failure = { ok: false; reason: string; reachedServer: boolean };
type Attempt = { ok: true; answer: Answer } | Failure;
/** An answer, and whether an earlier attempt of the same request may have reached the server. */
type Outcome = { ok: true; answer: Answer; earlierReachedServer: boolean } | Failure;

/**
 * Client for the SEL server's scraper-facing contract (sel-api-contract.md): token exchange as
 * a key preflight, batch submission, batch-status polling. Every request goes through the rate
 * limiter and retries transient failures with backoff; the key never appears in an error.
 */
export class SelClient {
  private readonly base: string;

  constructor(private readonly options: SelClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  get keyLabel(): string {
    return describeKey(this.options.apiKey);
  }

  async preflight(signal?: AbortSignal): Promise<PreflightResult> {
    const result = await this.request('POST', '/api/v1/auth/token', undefined, signal);
    if (!result.ok && signal?.aborted) {
      // The run's stop says why: Ctrl-C, or --timeout reached before the server answered.
      const why = signal.reason instanceof SelScraperError ? signal.reason : undefined;
      throw new SelScraperError(
        why?.code ?? 'ERR_INTERRUPTED',
        `${why?.message ?? 'interrupted'} before the SEL server answered the key preflight; nothing was fetched or sent`,
      );
    }
    if (!result.ok) {
      throw new SelScraperError('ERR_SERVER_UNREACHABLE', `cannot reach the SEL server at ${this.base}: ${result.reason}`, {
        hint: 'check SEL_SERVER_URL (or --server) and your network; nothing was fetched',
      });
    }
    const { status, body } = result.answer;
    if (status === 401) {
      throw new SelScraperError('ERR_KEY_REJECTED', `the SEL server rejected API key ${this.keyLabel} (401)`, {
        hint: 'the key is unknown, revoked, expired or mistyped; check it with `sel-scraper api-key check` or ask an admin for a new agent key',
      });
    }
    if (status === 403 && problemTitle(body) === 'Admin API key required') return { role: 'agent' };
    if (status === 200 && isObject(body) && typeof body.token === 'string') {
      return { role: 'admin', token: body.token, expiresAt: typeof body.expires_at === 'string' ? body.expires_at : undefined };
    }
    throw new SelScraperError('ERR_SERVER_RESPONSE', `unexpected answer ${status} from ${this.base}/api/v1/auth/token`, {
      hint: 'is SEL_SERVER_URL the base URL of a SEL server (for example https://toronto.togather.foundation)?',
    });
  }

  async submitBatch(events: readonly EventInput[], signal?: AbortSignal): Promise<SubmitResult> {
    const result = await this.request('POST', '/api/v1/events:batch', { events }, signal);
    if (!result.ok) return { kind: 'gave-up', reason: result.reason, maybeQueued: result.reachedServer };
    const { status, body } = result.answer;
    if (status === 202 && isObject(body) && typeof body.batch_id === 'string' && body.batch_id !== '') {
      return { kind: 'accepted', batchId: body.batch_id, ...(result.earlierReachedServer ? { maybeQueuedBefore: true as const } : {}) };
    }
    if (status === 401) {
      throw new SelScraperError('ERR_KEY_REJECTED', `the SEL server rejected API key ${this.keyLabel} during submission (401)`, {
        hint: 'the key was revoked or expired while the run was going; unsent events are listed as failed',
      });
    }
    if (status === 400 || status === 413) return { kind: 'rejected', reason: problemText(status, body) };
    return { kind: 'gave-up', reason: `unexpected answer ${problemText(status, body)}`, maybeQueued: status >= 200 && status < 300 };
  }

  async batchStatus(batchId: string, signal?: AbortSignal): Promise<BatchStatus> {
    const result = await this.request('GET', `/api/v1/batch-status/${encodeURIComponent(batchId)}`, undefined, signal);
    if (!result.ok || result.answer.status === 404) return { kind: 'pending' };
    const { status, body } = result.answer;
    if (status === 200 && isObject(body) && body.status === 'completed' && Array.isArray(body.results)) {
      return { kind: 'completed', results: body.results.filter(isObject).map(toItemResult) };
    }
    return { kind: 'pending' };
  }

  /**
   * One request with retries. An abort while waiting (for a token, a backoff) ends the request as
   * not answered, so callers account for it instead of losing it; it throws only for an answer
   * no retry would make readable (larger than the cap).
   */
  private async request(method: 'GET' | 'POST', path: string, payload: unknown, signal?: AbortSignal): Promise<Outcome> {
    const { retry, clock, limiter } = this.options;
    const random = this.options.random ?? Math.random;
    let reachedServer = false;
    let reason = 'not attempted';
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      if (!(await settles(limiter.take(signal)))) return { ok: false, reason: 'interrupted', reachedServer };
      const earlierReachedServer = reachedServer;
      const last = await this.once(method, path, payload, signal);
      if (!last.ok) {
        reachedServer ||= last.reachedServer;
        reason = last.reason;
        if (signal?.aborted) break;
        if (
          attempt < retry.attempts &&
          !(await settles(
            this.wait(
              backoffDelay(attempt, retry, random),
              `${method} ${path}: ${last.reason}; backing off, then try ${attempt + 1} of ${retry.attempts}`,
              signal,
            ),
          ))
        )
          break;
        continue;
      }
      const { status, headers } = last.answer;
      if (!RETRYABLE_STATUSES.has(status)) return { ...last, earlierReachedServer };
      // A proxy's 502/504 may come after the SEL server behind it queued the batch.
      if (status === 502 || status === 504) reachedServer = true;
      const retryAfter = parseRetryAfter(headers.get('retry-after'), clock.now());
      const tooLong = retryAfter !== undefined && retryAfter > retry.maxRetryAfterMs;
      // The server limits per IP, so a 429 or 503 slows every request of this client, not only
      // this one; never for longer than the cap, so nothing queued waits past it.
      if (status === 429 || status === 503) {
        const why = retryAfter === undefined ? `the SEL server answered ${status}; backing off` : `the SEL server asked (Retry-After after HTTP ${status})`;
        limiter.pause(Math.min(retryAfter ?? backoffDelay(attempt, retry, random), retry.maxRetryAfterMs), why);
      }
      if (tooLong) {
        return { ok: false, reason: `HTTP ${status} with Retry-After ${Math.round(retryAfter / 1000)} s, longer than --max-retry-after`, reachedServer };
      }
      reason = `HTTP ${status} after ${attempt} attempt(s)`;
      if (attempt < retry.attempts && !(status === 429 || status === 503)) {
        const why =
          retryAfter === undefined
            ? `${method} ${path}: HTTP ${status}; backing off`
            : `the SEL server asked (Retry-After after HTTP ${status} to ${method} ${path})`;
        if (
          !(await settles(
            this.wait(Math.max(retryAfter ?? 0, backoffDelay(attempt, retry, random)), `${why}, then try ${attempt + 1} of ${retry.attempts}`, signal),
          ))
        )
          break;
      }
    }
    return { ok: false, reason: signal?.aborted ? 'interrupted' : reason, reachedServer };
  }

  private wait(ms: number, reason: string, signal?: AbortSignal): Promise<void> {
    this.options.onWait?.({ ms, reason });
    return this.options.clock.sleep(ms, signal);
  }

  private async once(method: 'GET' | 'POST', path: string, payload: unknown, signal?: AbortSignal): Promise<Attempt> {
    const { fetch, apiKey, userAgent, requestTimeoutMs } = this.options;
    const url = this.base + path;
    const exchange = await exchangeWithServer({ fetch, method, url, bearer: apiKey, userAgent, payload, timeoutMs: requestTimeoutMs ?? 30_000, signal });
    if (exchange.ok) {
      // A non-JSON answer (a proxy's error page) is kept short for the report.
      const body = exchange.body === undefined && exchange.text.trim() ? exchange.text.slice(0, 200) : exchange.body;
      return { ok: true, answer: { status: exchange.status, body, headers: exchange.headers } };
    }
    const { error, stage, timedOut, aborted } = exchange;
    // An abort rejects with its reason, which may be a SelScraperError too (the run's stop).
    if (error instanceof SelScraperError && !aborted) throw error;
    // A timeout or a reset after the request left us may still have reached the server.
    const reason = timedOut ? 'timed out' : errorReason(error);
    return { ok: false, reason, reachedServer: stage === 'read' || timedOut || /reset|socket|closed/i.test(reason) };
  }
}

/** The client of `scrape all` and `scrape replay`: one rate limiter for every request, retries with a cap on Retry-After. */
export function runSelClient(
  options: Pick<SelClientOptions, 'baseUrl' | 'apiKey' | 'fetch' | 'clock' | 'userAgent' | 'onWait'> & { ratePerMinute: number; maxRetryAfterMs: number },
): SelClient {
  const { ratePerMinute, maxRetryAfterMs, ...rest } = options;
  return new SelClient({
    ...rest,
    limiter: new RateLimiter(ratePerMinute, options.clock, ratePerMinute, options.onWait),
    retry: { ...DEFAULT_RETRY, maxRetryAfterMs },
  });
}

/** The client of a command an admin runs at a terminal: no rate limit, a few quick retries, 10 s per request. */
export function interactiveSelClient(options: Pick<SelClientOptions, 'baseUrl' | 'apiKey' | 'fetch' | 'clock' | 'userAgent'>): SelClient {
  return new SelClient({ ...options, limiter: new RateLimiter(0, options.clock), retry: INTERACTIVE_RETRY, requestTimeoutMs: 10_000 });
}

/** Whether a wait finished (false: it was aborted). */
async function settles(wait: Promise<void>): Promise<boolean> {
  try {
    await wait;
    return true;
  } catch {
    return false;
  }
}

function toItemResult(item: Record<string, unknown>): ItemResult {
  const status = item.status === 'created' || item.status === 'duplicate' ? item.status : 'failed';
  return {
    index: typeof item.index === 'number' ? item.index : -1,
    status,
    ...(typeof item.event_id === 'string' ? { eventId: item.event_id } : {}),
    ...(typeof item.error === 'string' ? { error: item.error } : status === 'failed' ? { error: `status "${String(item.status)}"` } : {}),
  };
}

function errorReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? describeError(error);
}

function problemTitle(body: unknown): string | undefined {
  return isObject(body) && typeof body.title === 'string' ? body.title : undefined;
}

function problemText(status: number, body: unknown): string {
  if (!isObject(body)) return `HTTP ${status}`;
  const title = typeof body.title === 'string' ? body.title : '';
  const detail = typeof body.detail === 'string' && body.detail !== title ? `: ${body.detail}` : '';
  return `HTTP ${status} ${title}${detail}`.trim();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
