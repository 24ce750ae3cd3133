import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '../../src/normalize/event-input.ts';
import { BatchSubmitter, MAX_BATCH_BYTES, pollIntervals, type BatchSubmitterOptions, type DeliveryResult } from '../../src/submit/batch-submitter.ts';
import type { FakeSelOptions } from '../helpers/fake-sel-server.ts';
import { memorySel } from '../helpers/memory-sel.ts';
import { VIRTUAL_START } from '../helpers/virtual-clock.ts';

const KEY = 'agent-key-0123456789';
/** One server (and clock) per test, shared by the submitters a test makes. */
let sel: ReturnType<typeof memorySel> | undefined;

afterEach(() => {
  sel = undefined;
});

const event = (n: number): EventInput => ({
  name: `Event ${n}`,
  description: 'd',
  startDate: '2027-01-01T20:00:00-05:00',
  location: { name: 'Hall' },
  source: { url: 'https://v.test/', eventId: `e${n}` },
});

async function submitter(options: FakeSelOptions, extra: Partial<BatchSubmitterOptions> = {}) {
  sel ??= memorySel({ keys: { [KEY]: 'agent' }, processingMs: 5, ...options }, KEY);
  const { client, clock, server } = sel;
  const results: DeliveryResult[] = [];
  const batcher = new BatchSubmitter({
    client,
    clock,
    concurrency: 1,
    batchSize: 2,
    maxBatchBytes: MAX_BATCH_BYTES,
    pollTimeoutMs: 2_000,
    pollInitialMs: 5,
    pollMaxMs: 20,
    onResult: (r) => results.push(r),
    ...extra,
  });
  return { batcher, results, server, clock };
}

async function deliverAll(batcher: BatchSubmitter, events: EventInput[]) {
  for (const e of events) await batcher.add({ sourceName: 'src', event: e });
  await batcher.finish();
}

function tally(results: DeliveryResult[]) {
  return results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
}

describe('BatchSubmitter under faults', () => {
  it('queues a batch it gave up on again, so a server failing every attempt for a while loses nothing', async () => {
    const { batcher, results, server } = await submitter({ failPost: (n) => n < 3 }, { resendRounds: 2 });
    await deliverAll(batcher, [event(1), event(2)]);
    expect(tally(results)).toEqual({ created: 2 });
    expect(server.events.size).toBe(2);
  });

  it('counts a re-sent event that comes back "duplicate" as created when this run’s own unanswered attempt created it', async () => {
    const { batcher, results, server } = await submitter({ dropAfterQueue: (n) => n === 0, processingMs: 1 }, { ownEventsSince: VIRTUAL_START });
    await deliverAll(batcher, [event(1), event(2)]);
    expect(server.counts.acceptedBatches).toBe(2);
    expect(tally(results)).toEqual({ created: 2 });
    expect(server.events.size).toBe(2);
  });

  it('still counts a re-sent event that existed before the run as a duplicate', async () => {
    const first = await submitter({ dropAfterQueue: (n) => n === 1, processingMs: 1 });
    await deliverAll(first.batcher, [event(1), event(2)]);
    await first.clock.sleep(5);
    const second = await submitter({}, { ownEventsSince: first.clock.now() });
    await deliverAll(second.batcher, [event(1), event(2)]);
    expect(second.server.counts.acceptedBatches).toBe(3);
    expect(tally(second.results)).toEqual({ duplicate: 2 });
  });

  it('posts no new batch once stopped, but still confirms the batch already posted', async () => {
    const stop = new AbortController();
    const { batcher, results, server } = await submitter(
      { processingMs: 50 },
      { stop: stop.signal, journal: { sending: () => undefined, posted: () => stop.abort(new Error('interrupted')), settled: () => undefined } },
    );
    await deliverAll(batcher, [event(1), event(2), event(3), event(4)]);
    expect(server.counts.acceptedBatches).toBe(1);
    expect(results.filter((r) => r.status === 'created').map((r) => r.event.source.eventId)).toEqual(['e1', 'e2']);
    expect(results.filter((r) => r.status === 'failed').map((r) => r.reason)).toEqual([
      'not sent: the run was interrupted',
      'not sent: the run was interrupted',
    ]);
  });

  it('reports a posted batch as unknown when the hard stop comes before its confirmation', async () => {
    const hard = new AbortController();
    sel = memorySel({ keys: { [KEY]: 'agent' }, neverComplete: () => true }, KEY);
    const later = () => void sel!.clock.sleep(20).then(() => hard.abort(new Error('x')));
    const { batcher, results } = await submitter({}, { signal: hard.signal, journal: { sending: () => undefined, posted: later, settled: () => undefined } });
    await deliverAll(batcher, [event(1)]);
    expect(results).toEqual([
      expect.objectContaining({ status: 'unknown', reason: expect.stringMatching(/accepted, the run was interrupted before the server confirmed it/) }),
    ]);
  });

  it('journals each batch’s keys before its POST, its id once accepted, and its results as final', async () => {
    const log: string[] = [];
    const { batcher } = await submitter(
      {},
      {
        journal: {
          sending: (keys) => log.push(`sending ${keys.join(',')}`),
          posted: (id, keys) => log.push(`posted ${keys.join(',')}`),
          settled: (results, id) => log.push(`settled ${id ? 'batch' : '-'} ${results.map((r) => `${r.status}${r.final ? '!' : ''}`).join(',')}`),
        },
      },
    );
    await deliverAll(batcher, [event(1), event(2), { ...event(3), name: '' }]);
    expect(log).toEqual([
      'sending https://v.test|e1,https://v.test|e2',
      'posted https://v.test|e1,https://v.test|e2',
      'settled batch created!,created!',
      'sending https://v.test|e3',
      'posted https://v.test|e3',
      'settled batch failed!',
    ]);
  });
});

describe('pollIntervals', () => {
  it('polls from 1 s up to 10 s at the public tier with two batches in flight', () => {
    expect(pollIntervals(60, 2)).toEqual({ pollInitialMs: 1_000, pollMaxMs: 10_000 });
  });

  it('spaces polls so that in-flight batches spend at most half of a small budget', () => {
    // 16 batches polling every 64 s spend 15 requests a minute: half of 30.
    expect(pollIntervals(30, 16)).toEqual({ pollInitialMs: 1_000, pollMaxMs: 60_000 });
    expect(pollIntervals(30, 4)).toEqual({ pollInitialMs: 1_000, pollMaxMs: 16_000 });
  });

  it('keeps the 10 s ceiling without a rate limit', () => {
    expect(pollIntervals(0, 16).pollMaxMs).toBe(10_000);
  });
});
