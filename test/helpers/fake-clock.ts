import type { Clock } from '../../src/clock.ts';

/** A clock whose sleeps return at once and advance time, recording each wait. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = Date.parse('2026-11-25T12:00:00Z')) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.current += Math.max(0, ms);
    await Promise.resolve();
  }
}
