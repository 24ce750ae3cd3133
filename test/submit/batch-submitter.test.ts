import { describe, expect, it } from 'vitest';
import type { EventInput } from '../../src/normalize/event-input.ts';
import { BatchSubmitter, MAX_BATCH_BYTES, type DeliveryResult } from '../../src/submit/batch-submitter.ts';
import type { FakeSelOptions, FakeSelServer } from '../helpers/fake-sel-server.ts';
import { memorySel } from '../helpers/memory-sel.ts';

const KEY = 'agent-key-0123456789';
let server: FakeSelServer | undefined;

function event(n: number, extra: Partial<EventInput> = {}): EventInput {
  return {
    name: `Event ${n}`,
    description: 'd',
    startDate: '2027-01-01T20:00:00-05:00',
    location: { name: 'Hall' },
    source: { url: 'https://v.test/', eventId: `e${n}` },
    ...extra,
  };
}

async function deliver(events: EventInput[], options: FakeSelOptions = {}, submitter: { batchSize?: number; pollTimeoutMs?: number } = {}) {
  const sel = memorySel({ keys: { [KEY]: 'agent' }, processingMs: 5, ...options }, KEY, { retry: { attempts: 3, maxDelayMs: 20 } });
  server = sel.server;
  const results: DeliveryResult[] = [];
  const batcher = new BatchSubmitter({
    client: sel.client,
    clock: sel.clock,
    concurrency: 2,
    batchSize: submitter.batchSize ?? 100,
    maxBatchBytes: MAX_BATCH_BYTES,
    pollTimeoutMs: submitter.pollTimeoutMs ?? 2_000,
    pollInitialMs: 5,
    pollMaxMs: 20,
    onResult: (r) => results.push(r),
  });
  for (const e of events) await batcher.add({ sourceName: 'src', event: e });
  await batcher.finish();
  return results;
}

function tally(results: DeliveryResult[]) {
  return results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
}

describe('BatchSubmitter', () => {
  it('splits events into batches of at most batchSize and joins every result back', async () => {
    const results = await deliver(Array.from({ length: 250 }, (_, i) => event(i)));
    expect(server?.counts.acceptedBatches).toBe(3);
    expect(tally(results)).toEqual({ created: 250 });
    expect(new Set(results.map((r) => r.event.source.eventId)).size).toBe(250);
  });

  it('reports per-item server failures with the server’s reason', async () => {
    const results = await deliver([event(1), event(2, { name: '' })]);
    expect(results.find((r) => r.event.source.eventId === 'e2')).toMatchObject({ status: 'failed', reason: 'invalid name: required' });
    expect(results.find((r) => r.event.source.eventId === 'e1')).toMatchObject({ status: 'created', selEventId: expect.any(String) });
  });

  it('isolates the one event that makes the server refuse a whole batch, and delivers the rest', async () => {
    const bad = event(3, { offers: { price: 12 as unknown as string } });
    const results = await deliver([event(1), event(2), bad, event(4)]);
    expect(tally(results)).toEqual({ created: 3, failed: 1 });
    expect(results.find((r) => r.event === bad)).toMatchObject({ status: 'failed', reason: expect.stringContaining('Invalid request') });
  });

  it('counts a batch that is never confirmed as unknown, never created', async () => {
    const results = await deliver([event(1), event(2)], { neverComplete: () => true }, { pollTimeoutMs: 100 });
    expect(tally(results)).toEqual({ unknown: 2 });
    expect(results[0]?.reason).toMatch(/accepted, no result within/);
  });

  it('re-sends a batch whose POST failed and counts re-sent events only once', async () => {
    const results = await deliver([event(1), event(2)], { failPost: (n) => n === 0 });
    expect(tally(results)).toEqual({ created: 2 });
  });

  it('marks a batch whose POST may have reached the server but was never answered as unknown', async () => {
    const results = await deliver([event(1)], { dropAfterQueue: () => true });
    expect(tally(results)).toEqual({ unknown: 1 });
  });
});
