import { SelScraperError } from '../errors.ts';

/**
 * One page's hard deadline in the browser. Every Playwright call of the page runs through
 * `run`, so none can outlive it (`page.content()` on a page whose script never yields has no
 * timeout of its own). The timer is kept and cleared in `dispose`: an unreferenced
 * AbortSignal.timeout can be collected before it fires on Node 20 (nodejs/node#57736).
 */
export class PageDeadline {
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private readonly ended: Promise<never>;
  private fail!: (reason: Error) => void;
  private failure: Error | undefined;
  private readonly onAbort: () => void;

  /** `onExpire` runs once when the time is up (it closes the browser context); `signal` ends the page early too. */
  constructor(
    private readonly ms: number,
    what: string,
    onExpire: () => void,
    private readonly signal?: AbortSignal,
  ) {
    this.ended = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    // Nobody may be racing at the moment it fires; the rejection is read through `run`.
    this.ended.catch(() => undefined);
    this.timer = setTimeout(() => {
      this.end(new SelScraperError('ERR_TIMEOUT', `${what} did not finish within ${formatSeconds(ms)} s in the browser; its browser context was closed`));
      onExpire();
    }, ms);
    this.onAbort = () => this.end(signal?.reason instanceof Error ? signal.reason : new SelScraperError('ERR_INTERRUPTED', 'stopped'));
    if (signal?.aborted) this.onAbort();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Why the page ended early (deadline or abort), once it has. */
  get reason(): Error | undefined {
    return this.failure;
  }

  /** Waits for `work`, or rejects as soon as the deadline passes or the signal aborts. */
  run<T>(work: Promise<T>): Promise<T> {
    if (this.failure) {
      work.catch(() => undefined);
      return Promise.reject(this.failure);
    }
    return Promise.race([work, this.ended]);
  }

  /** A wait that may fail on its own (a soft wait): false when it did, the deadline's error when that passed. */
  async soft(work: Promise<unknown>): Promise<boolean> {
    try {
      await this.run(work);
      return true;
    } catch {
      if (this.failure) throw this.failure;
      return false;
    }
  }

  /**
   * A soft wait's own timeout: at most `ms`, ending early enough to leave part of the deadline
   * for reading the page (never 0, which Playwright reads as "no timeout").
   */
  softTimeout(ms: number): number {
    const left = this.ms - (Date.now() - this.startedAt);
    const reserve = Math.min(2_000, this.ms / 4);
    return Math.max(1, Math.min(ms, Math.floor(left - reserve)));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private end(reason: Error): void {
    if (this.failure) return;
    this.failure = reason;
    this.fail(reason);
  }
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
