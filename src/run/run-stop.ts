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
  private reachedTimeout = false;
  private readonly interrupted = () => this.halt(new SelScraperError('ERR_INTERRUPTED', 'the run was interrupted'));

  constructor(private readonly options: RunStopOptions) {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) this.interrupted();
    else signal?.addEventListener('abort', this.interrupted, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.after(timeoutMs, this.timers.signal, () => {
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
    const controller = new AbortController();
    const timer = new AbortController();
    let timedOut = false;
    const onStop = () => controller.abort(this.stop.reason);
    if (this.stop.aborted) onStop();
    else this.stop.addEventListener('abort', onStop, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.after(timeoutMs, AbortSignal.any([timer.signal, this.timers.signal]), () => {
        timedOut = true;
        controller.abort(new SelScraperError('ERR_TIMEOUT', `source timed out after ${Math.round(timeoutMs / 1000)} s (--source-timeout)`));
      });
    }
    return {
      signal: controller.signal,
      timedOut: () => timedOut,
      dispose: () => {
        timer.abort();
        this.stop.removeEventListener('abort', onStop);
      },
    };
  }

  /** Ends the timers; call once the run is over. */
  dispose(): void {
    this.timers.abort();
    this.options.signal?.removeEventListener('abort', this.interrupted);
  }

  private halt(reason: SelScraperError): void {
    if (this.stop.aborted) return;
    this.stopController.abort(reason);
    this.after(this.options.drainMs, this.timers.signal, () => this.hardController.abort(reason));
  }

  private after(ms: number, cancel: AbortSignal, then: () => void): void {
    this.options.clock.sleep(ms, cancel).then(then, () => undefined);
  }
}
