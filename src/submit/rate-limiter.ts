import type { Clock, OnWait } from '../clock.ts';

/**
 * A token bucket shared by every request to the SEL server. The server limits each client IP
 * to N requests a minute with a bucket of the same shape, so staying inside ours means meeting
 * no 429; when one comes anyway, `pause` holds every request, not only the one refused.
 */
export class RateLimiter {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;
  private pauseReason = 'the SEL server asked to slow down';
  private queue: Promise<void> = Promise.resolve();
  private readonly perMs: number;

  constructor(
    private readonly requestsPerMinute: number,
    private readonly clock: Clock,
    burst = requestsPerMinute,
    /** Told of each wait: for the server's pause, or for a token. */
    private readonly onWait?: OnWait,
  ) {
    this.capacity = Math.max(1, burst);
    this.tokens = this.capacity;
    this.updatedAt = clock.now();
    this.perMs = requestsPerMinute / 60_000;
  }

  private readonly capacity: number;

  /** Waits for a token; calls are served in order. */
  take(signal?: AbortSignal): Promise<void> {
    if (this.requestsPerMinute <= 0 && this.clock.now() >= this.pausedUntil) return Promise.resolve();
    const turn = this.queue.then(() => this.waitForToken(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Holds all requests for `ms` (a Retry-After) and empties the bucket; `reason` is what waits are told. */
  pause(ms: number, reason?: string): void {
    if (reason) this.pauseReason = reason;
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
    this.tokens = 0;
    this.updatedAt = this.pausedUntil;
  }

  private async waitForToken(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        this.onWait?.({ ms: this.pausedUntil - now, reason: this.pauseReason });
        await this.clock.sleep(this.pausedUntil - now, signal);
        continue;
      }
      if (this.requestsPerMinute <= 0) return;
      if (now > this.updatedAt) {
        this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
        this.updatedAt = now;
      }
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const wait = Math.ceil((1 - this.tokens) / this.perMs);
      this.onWait?.({ ms: wait, reason: `the SEL request budget (--rate-limit ${this.requestsPerMinute}/min)` });
      await this.clock.sleep(wait, signal);
    }
  }
}
