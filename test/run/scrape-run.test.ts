import { describe, expect, it } from 'vitest';
import { eventSite, type EventSite } from '../helpers/delivery-fixtures.ts';
import type { FakeSelOptions } from '../helpers/fake-sel-server.ts';
import { runWorld, scrapeIn } from '../helpers/in-process-run.ts';

// runScrape as `scrape all` wires it, in-process on a MemoryNetwork and a VirtualClock.

async function setup(spec: EventSite, options: FakeSelOptions = {}) {
  const world = await runWorld(spec.pages, options);
  await spec.writeSources(world.dir, world.site.origin);
  return world;
}

describe('runScrape', () => {
  it('reports re-sent events as duplicates on a second run', async () => {
    const world = await setup(eventSite({ sources: 1, pages: 1, perPage: 2 }));
    await scrapeIn(world);
    const { report } = await scrapeIn(world);
    expect(report.sources[0]).toMatchObject({ created: 0, duplicates: 2, submitted: 2 });
    expect(report.exitCode).toBe(0);
  });

  it('counts a batch the server never confirms as unknown, not created, after --poll-timeout (exit 3)', async () => {
    const world = await setup(eventSite({ sources: 1, pages: 1, perPage: 2 }), { neverComplete: () => true });
    const started = world.clock.now();
    const { report } = await scrapeIn(world, { pollTimeoutSeconds: 2 });
    expect(report.sources[0]).toMatchObject({ created: 0, unknown: 2, status: 'partial' });
    expect(report.exitCode).toBe(3);
    // Polled at 1 s, then gave up at the 2 s timeout.
    expect(world.clock.now() - started).toBe(2_000);
    expect(world.sel.counts.statusPolls).toBe(2);
  });

  it('sends nothing in a dry run, and needs neither key nor server', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 3 });
    const world = await setup(spec);
    const { report } = await scrapeIn(world, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, server: null, key: null, journal: null, exitCode: 0, totals: { extracted: 6, submitted: 6, created: 0 } });
    expect(world.sel.requests).toEqual([]);
  });

  it('on an interrupt starts no new batch, confirms the batch in flight and exits 130; --resume delivers the rest', async () => {
    const spec = eventSite({ sources: 3, pages: 1, perPage: 50 });
    const interrupt = new AbortController();
    // Ctrl-C while the server is taking the first batch (failPost is asked about every POST; it fails none).
    const failPost = (n: number) => {
      if (n === 0) interrupt.abort(new Error('interrupted'));
      return false;
    };
    const world = await setup(spec, { processingMs: 800, failPost });
    const { report } = await scrapeIn(world, { batchSize: 25, concurrency: 1, ratePerMinute: 0, signal: interrupt.signal });
    expect(report.exitCode).toBe(130);
    expect(report.totals).toMatchObject({ created: 25, unknown: 0 });
    expect(world.sel.counts.acceptedBatches).toBe(1);
    expect(world.sel.events.size).toBe(25);

    const resumed = await scrapeIn(world, { resume: report.runId, ratePerMinute: 0 });
    expect(resumed.report.exitCode).toBe(0);
    expect(resumed.report.totals).toMatchObject({ created: spec.valid, duplicates: 0, failed: 0, unknown: 0 });
    expect(world.sel.events.size).toBe(spec.valid);
  });
});
