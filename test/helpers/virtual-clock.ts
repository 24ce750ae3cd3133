import type { Clock } from '../../src/clock.ts';

interface Timer {
  at: number;
  order: number;
  resolve: () => void;
}

/**
 * Work in flight that simulated time must wait for (process.getActiveResourcesInfo names):
 * queued immediates, file system requests (CloseReq is a FileHandle closing), compression,
 * DNS, socket writes and connects. Open handles (pipes, listening servers, timers) are not work.
 */
const BUSY = /^(Immediate|FSReq|FileHandle|CloseReq|Zlib|GetAddrInfo|WriteWrap|ShutdownWrap|ConnectWrap)/;
/** Event-loop turns with nothing happening before the clock jumps to the next wake-up. */
const QUIET_TURNS = 3;

/**
 * Simulated time for whole runs. A sleep ends when the clock reaches its deadline; the clock
 * jumps to the next deadline only once the process is idle (no immediate queued, no file
 * operation in flight, a few event-loop turns without a sleep starting or ending). Concurrent
 * waits overlap as they would on the wall clock (a 1 s --timeout fires before a page that takes
 * 4 s answers; a 2 s poll timeout ends a poll loop of 1 s steps), yet hours of retries,
 * Retry-After pauses and polls pass in milliseconds. Needs a network without sockets (see
 * MemoryNetwork), and modules the run imports lazily loaded beforehand: socket traffic and
 * module loading are work it cannot see.
 */
export class VirtualClock implements Clock {
  /** Every wait asked for, in order. */
  readonly sleeps: number[] = [];
  private timers: Timer[] = [];
  private order = 0;
  private activity = 0;
  private watching = false;

  constructor(private current = Date.parse('2026-11-25T12:00:00Z')) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    this.sleeps.push(ms);
    this.activity++;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        this.activity++;
        reject(signal?.reason as Error);
      };
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        order: this.order++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.watch();
    });
  }

  /** Starts watching for idleness, once, while any sleep is pending. */
  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    let quiet = 0;
    let seen = this.activity;
    const turn = () => {
      if (this.timers.length === 0) {
        this.watching = false;
        return;
      }
      const busy = process.getActiveResourcesInfo().some((resource) => BUSY.test(resource));
      quiet = busy || seen !== this.activity ? 0 : quiet + 1;
      seen = this.activity;
      if (quiet >= QUIET_TURNS) {
        quiet = 0;
        this.fireNext();
      }
      setImmediate(turn);
    };
    setImmediate(turn);
  }

  /** Moves to the earliest deadline and ends every sleep due then, in the order they began. */
  private fireNext(): void {
    const at = Math.min(...this.timers.map((t) => t.at));
    const due = this.timers.filter((t) => t.at === at).sort((a, b) => a.order - b.order);
    this.timers = this.timers.filter((t) => t.at !== at);
    this.current = Math.max(this.current, at);
    this.activity++;
    for (const timer of due) timer.resolve();
  }
}
