import type { Clock } from '../clock.ts';
import { SelScraperError } from '../errors.ts';

export interface RunStopOptions {
  clock: Clock;
  /** The user's interrupt (Ctrl-C). */
  signal?: AbortSignal;
  /** --timeout: the whole run. */
  timeoutMs?: number;
  /** After a stop, how long batches already posted may still be confirmed. */
  drainMs: number;
  /** When the run began (clock time): --timeout counts from there, config loading included. */
  startedAt?: number;
}

/** A source being read: its signal, and the timer of its --source-timeout. */
interface SourceReading {
  controller: AbortController;
  timer: AbortController;
}

/**
 * A run's deadlines as signals, so every wait can be bounded by passing one along. `stop` fires
 * on Ctrl-C or at --timeout: no new page, source or batch starts. `hard` fires `drainMs` later:
 * the remaining waits end, and batches still unconfirmed are reported unknown.
 */
export class RunStop {
  private readonly stopController = new AbortController();
  private readonly hardController = new AbortController();
  /** Cancels the timers when the run is over. */
  private readonly timers = new AbortController();
  /** Stopped one by one, not through a listener each on `stop`: a run reads dozens at once. */
  private readonly reading = new Set<SourceReading>();
  private reachedTimeout = false;
  private readonly interrupted = () => this.halt(new SelScraperError('ERR_INTERRUPTED', 'the run was interrupted'));

  constructor(private readonly options: RunStopOptions) {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) this.interrupted();
    else signal?.addEventListener('abort', this.interrupted, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0) {
      const elapsed = options.startedAt === undefined ? 0 : Math.max(0, options.clock.now() - options.startedAt);
      this.after(timeoutMs - elapsed, this.timers.signal, () => {
        this.reachedTimeout = true;
        this.halt(new SelScraperError('ERR_TIMEOUT', `the run reached --timeout (${Math.round(timeoutMs / 1000)} s)`));
      });
    }
  }

  get stop(): AbortSignal {
    return this.stopController.signal;
  }

  get hard(): AbortSignal {
    return this.hardController.signal;
  }

  get timedOut(): boolean {
    return this.reachedTimeout;
  }

  /** Why the run stopped early, for reports; undefined while it runs. */
  get reason(): string | undefined {
    const reason: unknown = this.stop.reason;
    return this.stop.aborted && reason instanceof Error ? reason.message : undefined;
  }

  /**
   * A signal for reading one source: the run's stop, or the source's own deadline
   * (--source-timeout). `dispose` when the source is done, so its timer does not linger.
   */
  forSource(timeoutMs: number | undefined): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
    const source: SourceReading = { controller: new AbortController(), timer: new AbortController() };
    let timedOut = false;
    if (this.stop.aborted) source.controller.abort(this.stop.reason);
    else this.reading.add(source);
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.after(timeoutMs, source.timer.signal, () => {
        timedOut = true;
        source.controller.abort(new SelScraperError('ERR_TIMEOUT', `source timed out after ${Math.round(timeoutMs / 1000)} s (--source-timeout)`));
      });
    }
    return {
      signal: source.controller.signal,
      timedOut: () => timedOut,
      dispose: () => {
        source.timer.abort();
        this.reading.delete(source);
      },
    };
  }

  /** Ends the timers; call once the run is over. */
  dispose(): void {
    this.timers.abort();
    for (const source of this.reading) source.timer.abort();
    this.options.signal?.removeEventListener('abort', this.interrupted);
  }

  private halt(reason: SelScraperError): void {
    if (this.stop.aborted) return;
    this.stopController.abort(reason);
    for (const source of this.reading) source.controller.abort(reason);
    this.after(this.options.drainMs, this.timers.signal, () => this.hardController.abort(reason));
  }

  private after(ms: number, cancel: AbortSignal, then: () => void): void {
    this.options.clock.sleep(ms, cancel).then(then, () => undefined);
  }
}
