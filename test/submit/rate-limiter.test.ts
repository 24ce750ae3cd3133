import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/submit/rate-limiter.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

describe('RateLimiter', () => {
  it('lets a full bucket through at once, then spaces requests at the refill rate', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(60, clock, 2);
    const start = clock.now();
    for (let i = 0; i < 5; i++) await limiter.take();
    expect(clock.now() - start).toBe(3_000);
  });

  it('matches the server’s bucket: a burst of its capacity, then one request per refill interval', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(30, clock);
    const times: number[] = [];
    for (let i = 0; i < 90; i++) {
      await limiter.take();
      times.push(clock.now());
    }
    expect(times[29]).toBe(times[0]);
    for (let i = 30; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(2_000);
  });

  it('holds every caller after a pause (a 429 slows the whole client)', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(600, clock);
    limiter.pause(60_000);
    const start = clock.now();
    await limiter.take();
    expect(clock.now() - start).toBeGreaterThanOrEqual(60_000);
  });

  it('honours a pause even with no rate limit configured', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(0, clock);
    limiter.pause(5_000);
    const start = clock.now();
    await limiter.take();
    expect(clock.now() - start).toBe(5_000);
  });
});
