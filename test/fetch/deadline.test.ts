import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDeadline } from '../../src/fetch/deadline.ts';
import { exposedGc } from '../helpers/force-gc.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('startDeadline', () => {
  it('aborts with a TimeoutError once the time is up, and says it expired', () => {
    vi.useFakeTimers();
    const deadline = startDeadline(1_000);
    vi.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.reason).toMatchObject({ name: 'TimeoutError' });
    expect(deadline.expired).toBe(true);
  });

  it('aborts with the parent’s reason when the parent aborts first, through one listener on the parent whatever their number', () => {
    vi.useFakeTimers();
    const parent = new AbortController();
    const deadlines = Array.from({ length: 20 }, () => startDeadline(1_000, parent.signal));
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    const reason = new Error('the run was stopped');
    parent.abort(reason);
    expect(deadlines.map((d) => d.signal.reason as unknown)).toEqual(Array(20).fill(reason));
    expect(deadlines.some((d) => d.expired)).toBe(false);
    for (const d of deadlines) d.dispose();
  });

  it('is no longer aborted by its parent once disposed, and one started under an aborted parent is aborted at once', () => {
    const parent = new AbortController();
    const done = startDeadline(1_000, parent.signal);
    done.dispose();
    const reason = new Error('stopped');
    parent.abort(reason);
    expect(done.signal.aborted).toBe(false);
    const late = startDeadline(1_000, parent.signal);
    expect(late.signal.reason).toBe(reason);
    late.dispose();
  });

  it('leaves no timer behind once disposed', () => {
    vi.useFakeTimers();
    startDeadline(1_000, new AbortController().signal).dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires when nothing but a listener holds its signal and the garbage collector has run', async () => {
    const gc = exposedGc();
    let fired = false;
    (() => {
      startDeadline(30, new AbortController().signal).signal.addEventListener('abort', () => (fired = true));
    })();
    // Collected from a later turn of the event loop, as a real run's collections happen.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await vi.waitFor(() => expect(fired).toBe(true), { timeout: 2_000, interval: 10 });
  });
});
