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
/** Where a VirtualClock starts unless told otherwise. */
export const VIRTUAL_START = Date.parse('2026-11-25T12:00:00Z');

export class VirtualClock implements Clock {
  /** Every wait asked for, in order. */
  readonly sleeps: number[] = [];
  private timers: Timer[] = [];
  private order = 0;
  private activity = 0;

  constructor(private current = VIRTUAL_START) {}

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

  /** Whether a sleep is pending. */
  get waiting(): boolean {
    return this.timers.length > 0;
  }

  /** Activity counter: changes whenever a sleep starts or ends. */
  get ticks(): number {
    return this.activity;
  }

  private watch(): void {
    clocks.add(this);
    idleWatch.start();
  }

  /** Moves to the earliest deadline and ends every sleep due then, in the order they began. */
  fireNext(): void {
    const at = Math.min(...this.timers.map((t) => t.at));
    const due = this.timers.filter((t) => t.at === at).sort((a, b) => a.order - b.order);
    this.timers = this.timers.filter((t) => t.at !== at);
    this.current = Math.max(this.current, at);
    this.activity++;
    for (const timer of due) timer.resolve();
  }
}

/** Every clock with a sleep pending: one watch serves them all, so no clock mistakes another's watch for work. */
const clocks = new Set<VirtualClock>();

const idleWatch = {
  running: false,
  start(): void {
    if (this.running) return;
    this.running = true;
    let quiet = 0;
    let seen = -1;
    const turn = () => {
      for (const clock of clocks) if (!clock.waiting) clocks.delete(clock);
      if (clocks.size === 0) {
        this.running = false;
        return;
      }
      const ticks = [...clocks].reduce((sum, clock) => sum + clock.ticks, 0);
      const busy = process.getActiveResourcesInfo().some((resource) => BUSY.test(resource));
      quiet = busy || ticks !== seen ? 0 : quiet + 1;
      seen = ticks;
      if (quiet >= QUIET_TURNS) {
        quiet = 0;
        // Every clock moves on: runs in one process on separate clocks are independent.
        for (const clock of clocks) clock.fireNext();
      }
      setImmediate(turn);
    };
    setImmediate(turn);
  },
};
