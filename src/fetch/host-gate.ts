import type { Clock, OnWait } from '../clock.ts';

export interface HostGateOptions {
  clock: Clock;
  /** Requests to one host at once. */
  concurrency?: number;
  /** Least time between the starts of two requests to one host. */
  delayMs?: number;
  /** Told of each wait for a host's turn that spacing imposes. */
  onWait?: OnWait;
}

interface HostState {
  active: number;
  /** When the next request to this host may start. */
  nextStart: number;
  /** A robots.txt Crawl-delay, when longer than the default delay. */
  delayMs: number | undefined;
  /** The Crawl-delay that set `nextStart` (undefined: the default delay did), to say why a turn waits. */
  spacedBy: number | undefined;
  waiters: (() => void)[];
}

/**
 * Politeness per host, across every source of a run: at most `concurrency` requests in flight
 * and starts spaced by `delayMs` (or the host's Crawl-delay when longer). Waiters are served in
 * arrival order; a waiter whose signal aborts leaves the queue without taking a turn.
 */
export class HostGate {
  private readonly hosts = new Map<string, HostState>();
  private readonly concurrency: number;
  private readonly delayMs: number;

  constructor(private readonly options: HostGateOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.delayMs = Math.max(0, options.delayMs ?? 0);
  }

  /** Spaces requests to `host` by at least `ms` (a Crawl-delay); never below the run's delay. */
  setDelay(host: string, ms: number): void {
    this.state(host).delayMs = ms > this.delayMs ? ms : undefined;
  }

  async run<T>(url: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const host = new URL(url).host;
    const state = this.state(host);
    await this.acquire(state, signal);
    try {
      // The start is reserved before sleeping, so concurrent turns on one host never share it.
      const now = this.options.clock.now();
      const start = Math.max(now, state.nextStart);
      const spacedBy = state.spacedBy;
      state.nextStart = start + (state.delayMs ?? this.delayMs);
      state.spacedBy = state.delayMs;
      if (start > now) {
        // The reason is worded only when someone listens: this runs for every request.
        if (this.options.onWait) this.options.onWait({ ms: start - now, reason: this.spacing(host, spacedBy) });
        await this.options.clock.sleep(start - now, signal);
      }
      return await task();
    } finally {
      this.release(state);
    }
  }

  private spacing(host: string, crawlDelayMs: number | undefined): string {
    return crawlDelayMs === undefined
      ? `next request to ${host} (--host-delay ${this.delayMs / 1000} s)`
      : `next request to ${host} (its robots.txt Crawl-delay: ${crawlDelayMs / 1000} s)`;
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, nextStart: 0, delayMs: undefined, spacedBy: undefined, waiters: [] };
      this.hosts.set(host, state);
    }
    return state;
  }

  private acquire(state: HostState, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (state.active < this.concurrency && state.waiters.length === 0) {
      state.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        state.waiters = state.waiters.filter((w) => w !== turn);
        reject(signal?.reason as Error);
      };
      const turn = () => {
        signal?.removeEventListener('abort', onAbort);
        state.active++;
        resolve();
      };
      state.waiters.push(turn);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(state: HostState): void {
    state.active--;
    const next = state.waiters.shift();
    if (next) next();
  }
}
