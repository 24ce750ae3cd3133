import { describe, expect, it } from 'vitest';
import type { EventInput } from '../../src/normalize/event-input.ts';
import type { FakeSelOptions } from '../helpers/fake-sel-server.ts';
import { memorySel } from '../helpers/memory-sel.ts';

// The SEL client against the fake server with faults injected, on simulated time: the waits are
// stated exactly, and none of them is spent.
const KEY = 'agent-key-0123456789';
const event: EventInput = {
  name: 'A',
  description: 'd',
  startDate: '2027-01-01T20:00:00-05:00',
  location: { name: 'Hall' },
  source: { url: 'https://a.test/', eventId: 'a' },
};

function setup(options: FakeSelOptions, client: { maxRetryAfterMs?: number; ratePerMinute?: number } = {}) {
  return memorySel({ keys: { [KEY]: 'agent' }, processingMs: 5, ...options }, KEY, {
    ratePerMinute: client.ratePerMinute ?? 0,
    retry: { attempts: 4, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: client.maxRetryAfterMs ?? 5_000 },
  });
}

/** Lets the event loop turn until `condition` holds (no wall-clock wait); a bounded number of turns. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn > 10_000) throw new Error('the condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('SelClient under faults', () => {
  it('slows every request after a 429, not only the refused one', async () => {
    const { client: sel, server } = setup({ rateLimitPerMinute: 120, rateLimitBurst: 2, retryAfterSeconds: 1 });
    await sel.batchStatus('x1');
    await sel.batchStatus('x2');
    const refused = sel.batchStatus('refused');
    await until(() => server.counts.rateLimited >= 1);
    const other = sel.batchStatus('other');
    await Promise.all([refused, other]);
    const refusedAt = server.requests.find((r) => r.path.endsWith('/refused'))!.at;
    const otherAt = server.requests.find((r) => r.path.endsWith('/other'))!.at;
    expect(otherAt - refusedAt).toBeGreaterThanOrEqual(1_000);
    expect(server.counts.rateLimited).toBe(1);
  });

  it('waits the Retry-After of a 503 before posting the batch again', async () => {
    const { client: sel, server } = setup({ failPost: (n) => n === 0, failPostRetryAfterSeconds: 1 });
    await expect(sel.submitBatch([event])).resolves.toMatchObject({ kind: 'accepted' });
    const posts = server.requests.filter((r) => r.path === '/api/v1/events:batch');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBe(1_000);
  });

  it('flags an accepted batch when an earlier, unanswered attempt may also have queued it', async () => {
    const { client: sel } = setup({ dropAfterQueue: (n) => n === 0 });
    await expect(sel.submitBatch([event])).resolves.toEqual({ kind: 'accepted', batchId: expect.any(String), maybeQueuedBefore: true });
  });

  it('does not flag an accepted batch whose earlier attempts were refused before being queued', async () => {
    const { client: sel } = setup({ failPost: (n) => n === 0 });
    await expect(sel.submitBatch([event])).resolves.toEqual({ kind: 'accepted', batchId: expect.any(String) });
  });

  it('retries a dropped connection, and counts the batch as possibly queued when every attempt was dropped (the client cannot tell)', async () => {
    const { client: sel, server } = setup({ dropConnection: () => true });
    await expect(sel.submitBatch([event])).resolves.toMatchObject({ kind: 'gave-up', maybeQueued: true });
    expect(server.counts.dropped).toBe(4);
    expect(server.counts.acceptedBatches).toBe(0);
  });

  it('never holds the client longer than --max-retry-after, whatever Retry-After the server sends', async () => {
    const { client: sel, clock } = setup({ rateLimitPerMinute: 1, retryAfterSeconds: 3600 }, { maxRetryAfterMs: 300 });
    await sel.batchStatus('x1');
    const started = clock.now();
    await expect(sel.submitBatch([event])).resolves.toMatchObject({ kind: 'gave-up', reason: expect.stringContaining('longer than --max-retry-after') });
    const next = clock.now();
    await sel.batchStatus('x2');
    expect(clock.now() - next).toBeLessThanOrEqual(300);
    expect(next - started).toBeLessThanOrEqual(300);
  });

  it('ends a request waiting for a token when the run is aborted, without throwing', async () => {
    const { client: sel, limiter } = setup({});
    limiter.pause(60_000);
    const controller = new AbortController();
    const pending = Promise.all([sel.submitBatch([event], controller.signal), sel.batchStatus('x', controller.signal)]);
    controller.abort(new Error('interrupted'));
    await expect(pending).resolves.toEqual([{ kind: 'gave-up', reason: 'interrupted', maybeQueued: false }, { kind: 'pending' }]);
  });

  it('reports a preflight cut short by Ctrl-C as an interruption, not an unreachable server', async () => {
    const { client: sel, limiter } = setup({});
    limiter.pause(60_000);
    const controller = new AbortController();
    const preflight = sel.preflight(controller.signal);
    controller.abort(new Error('interrupted'));
    await expect(preflight).rejects.toMatchObject({ code: 'ERR_INTERRUPTED' });
  });
});
