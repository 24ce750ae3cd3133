import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/render.ts';
import type { RunReport } from '../../src/report/run-report.ts';
import { eventSite, outsideBoundary, type EventSite } from '../helpers/delivery-fixtures.ts';
import { chance, type FakeSelOptions, type FakeSelServer } from '../helpers/fake-sel-server.ts';
import type { SitePage } from '../helpers/fixture-site.ts';
import { replayIn, runWorld, scrapeIn } from '../helpers/in-process-run.ts';

// The delivery path of `scrape all` (runScrape) against a SEL server that misbehaves, on simulated
// time: every Retry-After, backoff, poll and timeout is waited for in full, in no time. Every
// test checks the exact final counts and that the counts reported are the server's.

async function setup(spec: EventSite, options: FakeSelOptions, extraPages: Record<string, SitePage> = {}) {
  const world = await runWorld({ ...spec.pages, ...extraPages }, { processingMs: 20, rejectItem: outsideBoundary, ...options });
  await spec.writeSources(world.dir, world.site.origin);
  return world;
}

/** What the server holds, in the report's terms: one created per stored event, one failed per rejected one. */
function serverCounts(server: FakeSelServer) {
  return { created: server.events.size, duplicates: 0, failed: server.rejected.size, unknown: 0 };
}

function printed(report: RunReport) {
  const { created, duplicates, failed, unknown } = report.totals;
  return { created, duplicates, failed, unknown };
}

describe('runScrape against a misbehaving SEL server', () => {
  it('creates every valid event exactly once when a third of batch posts fail (503 + Retry-After) and a tenth of connections drop', async () => {
    const spec = eventSite({ sources: 3, pages: 2, perPage: 50, rejectEvery: 25 });
    const world = await setup(spec, { failPost: chance(1, 1 / 3), failPostRetryAfterSeconds: 1, dropConnection: chance(6, 0.1), rateLimitPerMinute: 600 });
    const { report } = await scrapeIn(world, { ratePerMinute: 600, batchSize: 50 });
    expect(printed(report)).toEqual({ created: spec.valid, duplicates: 0, failed: spec.rejected, unknown: 0 });
    expect(printed(report)).toEqual(serverCounts(world.sel));
    expect(world.sel.counts.failedPosts).toBeGreaterThan(0);
    expect(world.sel.counts.dropped).toBeGreaterThan(0);
    expect(world.sel.counts.rateLimited).toBe(0);
    // The client waited out each Retry-After of 1 s.
    expect(world.clock.sleeps.filter((ms) => ms === 1_000).length).toBeGreaterThanOrEqual(world.sel.counts.failedPosts);
    expect(report.exitCode).toBe(3);
  });

  it('counts events as created, not duplicate, when the server queued a batch whose answer was lost', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 50 });
    const world = await setup(spec, { dropAfterQueue: chance(3, 0.4) });
    const { report } = await scrapeIn(world, { batchSize: 25 });
    expect(world.sel.counts.acceptedBatches).toBeGreaterThan(4);
    expect(printed(report)).toEqual({ created: spec.valid, duplicates: 0, failed: 0, unknown: 0 });
    expect(printed(report)).toEqual(serverCounts(world.sel));
    expect(report.exitCode).toBe(0);
  });

  it('slows the whole client on 429 Retry-After from a server stricter than the client, and still delivers everything', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 50 });
    const world = await setup(spec, { rateLimitPerMinute: 120, rateLimitBurst: 3, retryAfterSeconds: 1 });
    const { report } = await scrapeIn(world, { ratePerMinute: 6000, batchSize: 25 });
    expect(world.sel.counts.rateLimited).toBeGreaterThan(0);
    expect(printed(report)).toEqual({ created: spec.valid, duplicates: 0, failed: 0, unknown: 0 });
    expect(printed(report)).toEqual(serverCounts(world.sel));
    expect(report.exitCode).toBe(0);
  });

  it('reports a batch a slow server never completes as unknown, writes it to the failures file, and delivers it on --resume', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 50, rejectEvery: 20 });
    const world = await setup(spec, { neverComplete: (n) => n === 1, latencyMs: 50 });
    const first = await scrapeIn(world, { batchSize: 50, pollTimeoutSeconds: 2 });
    expect(first.report.exitCode).toBe(3);
    const failures = (await readFile(first.report.failures!.file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string; reason: string; event: { name: string } });
    const unknown = failures.filter((f) => f.status === 'unknown');
    const outsideInUnknown = unknown.filter((f) => f.event.name.includes('(Ottawa)')).length;
    expect(unknown).toHaveLength(50);
    expect(unknown[0]?.reason).toMatch(/no result within 2 s \(--poll-timeout\)/);
    expect(printed(first.report)).toEqual({
      created: spec.valid - (50 - outsideInUnknown),
      duplicates: 0,
      failed: spec.rejected - outsideInUnknown,
      unknown: 50,
    });
    expect(printed(first.report)).toEqual({ ...serverCounts(world.sel), unknown: 50 });
    expect(failures.filter((f) => f.status === 'failed').map((f) => f.reason)).toEqual(
      Array(spec.rejected - outsideInUnknown).fill('event locality "Ottawa" outside geographic boundary; allowed: [Toronto]'),
    );
    expect(renderSummary(first.report)).toContain(`--resume ${first.report.runId}`);

    const pagesRead = world.site.hits.filter((h) => h !== '/robots.txt').length;
    const resumed = await scrapeIn(world, { batchSize: 50, pollTimeoutSeconds: 2, resume: true });
    expect(resumed.report).toMatchObject({ runId: first.report.runId, resumed: true });
    expect(printed(resumed.report)).toEqual({ created: spec.valid, duplicates: 0, failed: spec.rejected, unknown: 0 });
    expect(printed(resumed.report)).toEqual(serverCounts(world.sel));
    expect(world.site.hits.filter((h) => h !== '/robots.txt')).toHaveLength(pagesRead);
    expect(resumed.report.exitCode).toBe(3);
  });

  it('replays a failures file after the server-side fix, with its own report and exit code', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 30, rejectEvery: 10 });
    let fixed = false;
    const world = await setup(spec, { rejectItem: (event) => (fixed ? undefined : outsideBoundary(event)) });
    const first = await scrapeIn(world);
    expect(printed(first.report)).toEqual({ created: spec.valid, duplicates: 0, failed: spec.rejected, unknown: 0 });
    const file = first.report.failures!.file;
    expect(path.dirname(file)).toBe(path.join(world.dir, '.sel-scraper', 'runs'));

    // The fix: the server's boundary now includes Ottawa.
    fixed = true;
    const { report: replay } = await replayIn(world, file);
    expect(replay.exitCode).toBe(0);
    expect(printed(replay)).toEqual({ created: spec.rejected, duplicates: 0, failed: 0, unknown: 0 });
    expect(replay.sources.map((s) => s.name).sort()).toEqual(['s1', 's2']);
    expect(world.sel.events.size).toBe(spec.valid + spec.rejected);
    expect(replay.failures).toBeNull();
  });

  it('stops at --timeout: nothing new is sent, the reason is printed (exit 3), and --resume finishes the job', async () => {
    const spec = eventSite({ sources: 1, pages: 1, perPage: 20 });
    const world = await setup(spec, {}, { '/slow': { body: '<html></html>', delayMs: 4_000 } });
    await writeFile(path.join(world.dir, 'sources', 'slow.yaml'), `name: slow\nurl: "${world.site.origin}/slow"\n`);
    const started = world.clock.now();
    const first = await scrapeIn(world, { timeoutMs: 1_000 });
    // The run ended at its timeout, not when the slow page would have answered.
    expect(world.clock.now() - started).toBeLessThan(4_000);
    expect(first.report.exitCode).toBe(3);
    expect(first.report.error).toMatch(/the run reached --timeout \(1 s\)/);
    expect(first.report.sources.find((s) => s.name === 'slow')).toMatchObject({
      status: 'failed',
      error: 'stopped while reading: the run reached --timeout (1 s)',
    });
    // s1 was read, but its batch had not started: not sent, so failed, and journalled for --resume.
    expect(printed(first.report)).toEqual({ created: 0, duplicates: 0, failed: spec.valid, unknown: 0 });
    expect(world.sel.events.size).toBe(0);

    const resumed = await scrapeIn(world, { resume: first.report.runId });
    expect(resumed.report.exitCode).toBe(0);
    expect(printed(resumed.report)).toEqual({ created: spec.valid, duplicates: 0, failed: 0, unknown: 0 });
    expect(printed(resumed.report)).toEqual(serverCounts(world.sel));
  });

  it('cuts one slow source at --source-timeout and delivers the others (exit 3)', async () => {
    const spec = eventSite({ sources: 1, pages: 1, perPage: 20 });
    const world = await setup(spec, {}, { '/slow': { body: '<html></html>', delayMs: 5_000 } });
    await writeFile(path.join(world.dir, 'sources', 'slow.yaml'), `name: slow\nurl: "${world.site.origin}/slow"\n`);
    const { report } = await scrapeIn(world, { sourceTimeoutMs: 1_000 });
    expect(report.exitCode).toBe(3);
    expect(report.sources.find((s) => s.name === 'slow')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^source timed out after 1 s \(--source-timeout\)/),
    });
    expect(report.sources.find((s) => s.name === 's1')).toMatchObject({ status: 'ok', created: spec.valid });
  });
});
