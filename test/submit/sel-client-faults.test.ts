import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import type { EventInput } from '../../src/normalize/event-input.ts';
import { RateLimiter } from '../../src/submit/rate-limiter.ts';
import { FakeSelServer, type FakeSelOptions } from '../helpers/fake-sel-server.ts';
import { localSelClient } from '../helpers/local-sel-client.ts';

// The SEL client against the fake server on 127.0.0.1 with faults injected, in real (short) time.
const KEY = 'agent-key-0123456789';
const event: EventInput = { name: 'A', description: 'd', startDate: '2027-01-01T20:00:00-05:00', location: { name: 'Hall' }, source: { url: 'https://a.test/', eventId: 'a' } };
let server: FakeSelServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function setup(options: FakeSelOptions, client: { maxRetryAfterMs?: number; ratePerMinute?: number } = {}) {
  server = await new FakeSelServer({ keys: { [KEY]: 'agent' }, processingMs: 5, ...options }).start();
  const limiter = new RateLimiter(client.ratePerMinute ?? 0, systemClock);
  const sel = localSelClient(server.url, KEY, { limiter, retry: { attempts: 4, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: client.maxRetryAfterMs ?? 5_000 } });
  return { sel, limiter, server };
}

describe('SelClient under faults', () => {
  it('slows every request after a 429, not only the refused one', async () => {
    const { sel, server } = await setup({ rateLimitPerMinute: 120, rateLimitBurst: 2, retryAfterSeconds: 1 });
    await sel.batchStatus('x1');
    await sel.batchStatus('x2');
    const refused = sel.batchStatus('refused');
    await vi.waitFor(() => expect(server.counts.rateLimited).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = sel.batchStatus('other');
    await Promise.all([refused, other]);
    const refusedAt = server.requests.find((r) => r.path.endsWith('/refused'))!.at;
    const otherAt = server.requests.find((r) => r.path.endsWith('/other'))!.at;
    expect(otherAt - refusedAt).toBeGreaterThanOrEqual(950);
    expect(server.counts.rateLimited).toBe(1);
  });

  it('waits the Retry-After of a 503 before posting the batch again', async () => {
    const { sel, server } = await setup({ failPost: (n) => n === 0, failPostRetryAfterSeconds: 1 });
    await expect(sel.submitBatch([event])).resolves.toMatchObject({ kind: 'accepted' });
    const posts = server.requests.filter((r) => r.path === '/api/v1/events:batch');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('flags an accepted batch when an earlier, unanswered attempt may also have queued it', async () => {
    const { sel } = await setup({ dropAfterQueue: (n) => n === 0 });
    await expect(sel.submitBatch([event])).resolves.toEqual({ kind: 'accepted', batchId: expect.any(String), maybeQueuedBefore: true });
  });

  it('does not flag an accepted batch whose earlier attempts were refused before being queued', async () => {
    const { sel } = await setup({ failPost: (n) => n === 0 });
    await expect(sel.submitBatch([event])).resolves.toEqual({ kind: 'accepted', batchId: expect.any(String) });
  });

  it('retries a dropped connection, and counts the batch as possibly queued when every attempt was dropped (the client cannot tell)', async () => {
    const { sel, server } = await setup({ dropConnection: () => true });
    await expect(sel.submitBatch([event])).resolves.toMatchObject({ kind: 'gave-up', maybeQueued: true });
    expect(server.counts.dropped).toBe(4);
    expect(server.counts.acceptedBatches).toBe(0);
  });

  it('never holds the client longer than --max-retry-after, whatever Retry-After the server sends', async () => {
    const { sel } = await setup({ rateLimitPerMinute: 1, retryAfterSeconds: 3600 }, { maxRetryAfterMs: 300 });
    await sel.batchStatus('x1');
    const started = Date.now();
    await expect(sel.submitBatch([event])).resolves.toMatchObject({ kind: 'gave-up', reason: expect.stringContaining('longer than --max-retry-after') });
    const next = Date.now();
    await sel.batchStatus('x2');
    expect(Date.now() - next).toBeLessThan(2_000);
    expect(next - started).toBeLessThan(2_000);
  });

  it('ends a request waiting for a token when the run is aborted, without throwing', async () => {
    const { sel, limiter } = await setup({});
    limiter.pause(60_000);
    const controller = new AbortController();
    const pending = Promise.all([sel.submitBatch([event], controller.signal), sel.batchStatus('x', controller.signal)]);
    controller.abort(new Error('interrupted'));
    await expect(pending).resolves.toEqual([{ kind: 'gave-up', reason: 'interrupted', maybeQueued: false }, { kind: 'pending' }]);
  });

  it('reports a preflight cut short by Ctrl-C as an interruption, not an unreachable server', async () => {
    const { sel, limiter } = await setup({});
    limiter.pause(60_000);
    const controller = new AbortController();
    const preflight = sel.preflight(controller.signal);
    controller.abort(new Error('interrupted'));
    await expect(preflight).rejects.toMatchObject({ code: 'ERR_INTERRUPTED' });
  });
});
