import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { systemClock } from '../../src/clock.ts';
import { eventSite, outsideBoundary, workDir, type EventSite, type PrintedReport } from '../helpers/delivery-fixtures.ts';
import { chance, FakeSelServer, type FakeSelOptions } from '../helpers/fake-sel-server.ts';
import { FixtureSite, type SitePage } from '../helpers/fixture-site.ts';

// The delivery path of `scrape all` run in-process (the whole CLI, real sockets on 127.0.0.1)
// against a fake SEL server that misbehaves. Every test checks the exact final counts and that
// the printed counts are the server's.
const KEY = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';

let site: FixtureSite | undefined;
let sel: FakeSelServer | undefined;

afterEach(async () => {
  await site?.stop();
  await sel?.stop();
  site = undefined;
  sel = undefined;
});

async function setup(spec: EventSite, options: FakeSelOptions, extraPages: Record<string, SitePage> = {}) {
  site = await new FixtureSite({ ...spec.pages, ...extraPages }).start();
  sel = await new FakeSelServer({ keys: { [KEY]: 'agent' }, processingMs: 20, rejectItem: outsideBoundary, ...options }).start();
  const dir = await workDir('sel-faults-');
  await spec.writeSources(dir, site.origin);
  return { dir, site, sel };
}

async function scrape(dir: string, args: string[]): Promise<{ code: number; report: PrintedReport; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['scrape', 'all', '--sources', 'sources', '--host-delay', '0', '--json', ...args], {
    env: { SEL_SERVER_URL: sel!.url, SEL_API_KEY: KEY },
    cwd: dir,
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    clock: systemClock,
  });
  return { code, report: JSON.parse(stdout) as PrintedReport, stderr };
}

/** What the server holds, in the report's terms: one created per stored event, one failed per rejected one. */
function serverCounts(server: FakeSelServer) {
  return { created: server.events.size, duplicates: 0, failed: server.rejected.size, unknown: 0 };
}

function printed(report: PrintedReport) {
  const { created, duplicates, failed, unknown } = report.totals;
  return { created, duplicates, failed, unknown };
}

describe('scrape all against a misbehaving SEL server', () => {
  it('creates every valid event exactly once when a third of batch posts fail (503 + Retry-After) and a tenth of connections drop', async () => {
    const spec = eventSite({ sources: 3, pages: 2, perPage: 50, rejectEvery: 25 });
    const { dir, sel } = await setup(spec, { failPost: chance(1, 1 / 3), failPostRetryAfterSeconds: 1, dropConnection: chance(6, 0.1), rateLimitPerMinute: 600 });
    const { code, report } = await scrape(dir, ['--rate-limit', '600', '--batch-size', '50']);
    expect(printed(report)).toEqual({ created: spec.valid, duplicates: 0, failed: spec.rejected, unknown: 0 });
    expect(printed(report)).toEqual(serverCounts(sel));
    expect(sel.counts.failedPosts).toBeGreaterThan(0);
    expect(sel.counts.dropped).toBeGreaterThan(0);
    expect(sel.counts.rateLimited).toBe(0);
    expect(code).toBe(3);
  }, 60_000);

  it('counts events as created, not duplicate, when the server queued a batch whose answer was lost', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 50 });
    const { dir, sel } = await setup(spec, { dropAfterQueue: chance(3, 0.4) });
    const { code, report } = await scrape(dir, ['--batch-size', '25']);
    expect(sel.counts.acceptedBatches).toBeGreaterThan(4);
    expect(printed(report)).toEqual({ created: spec.valid, duplicates: 0, failed: 0, unknown: 0 });
    expect(printed(report)).toEqual(serverCounts(sel));
    expect(code).toBe(0);
  }, 60_000);

  it('slows the whole client on 429 Retry-After from a server stricter than the client, and still delivers everything', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 50 });
    const { dir, sel } = await setup(spec, { rateLimitPerMinute: 120, rateLimitBurst: 3, retryAfterSeconds: 1 });
    const { code, report } = await scrape(dir, ['--rate-limit', '6000', '--batch-size', '25']);
    expect(sel.counts.rateLimited).toBeGreaterThan(0);
    expect(printed(report)).toEqual({ created: spec.valid, duplicates: 0, failed: 0, unknown: 0 });
    expect(printed(report)).toEqual(serverCounts(sel));
    expect(code).toBe(0);
  }, 60_000);

  it('reports a batch a slow server never completes as unknown, writes it to the failures file, and delivers it on --resume', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 50, rejectEvery: 20 });
    const { dir, sel, site } = await setup(spec, { neverComplete: (n) => n === 1, latencyMs: 50 });
    const first = await scrape(dir, ['--batch-size', '50', '--poll-timeout', '2']);
    expect(first.code).toBe(3);
    const failures = (await readFile(first.report.failures!.file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { status: string; reason: string; event: { name: string } });
    const unknown = failures.filter((f) => f.status === 'unknown');
    const outsideInUnknown = unknown.filter((f) => f.event.name.includes('(Ottawa)')).length;
    expect(unknown).toHaveLength(50);
    expect(printed(first.report)).toEqual({ created: spec.valid - (50 - outsideInUnknown), duplicates: 0, failed: spec.rejected - outsideInUnknown, unknown: 50 });
    expect(printed(first.report)).toEqual({ ...serverCounts(sel), unknown: 50 });
    expect(failures.filter((f) => f.status === 'failed').map((f) => f.reason)).toEqual(Array(spec.rejected - outsideInUnknown).fill('event locality "Ottawa" outside geographic boundary; allowed: [Toronto]'));
    expect(first.stderr).toContain(`--resume ${first.report.runId}`);

    const pagesRead = site.hits.filter((h) => h !== '/robots.txt').length;
    const resumed = await scrape(dir, ['--batch-size', '50', '--poll-timeout', '2', '--resume']);
    expect(resumed.report).toMatchObject({ runId: first.report.runId, resumed: true });
    expect(printed(resumed.report)).toEqual({ created: spec.valid, duplicates: 0, failed: spec.rejected, unknown: 0 });
    expect(printed(resumed.report)).toEqual(serverCounts(sel));
    expect(site.hits.filter((h) => h !== '/robots.txt')).toHaveLength(pagesRead);
    expect(resumed.code).toBe(3);
  }, 60_000);

  it('replays a failures file after the server-side fix, with its own report and exit code', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 30, rejectEvery: 10 });
    let fixed = false;
    const { dir, sel } = await setup(spec, { rejectItem: (event) => (fixed ? undefined : outsideBoundary(event)) });
    const first = await scrape(dir, []);
    expect(printed(first.report)).toEqual({ created: spec.valid, duplicates: 0, failed: spec.rejected, unknown: 0 });
    const file = first.report.failures!.file;
    expect(path.dirname(file)).toBe(path.join(dir, '.sel-scraper', 'runs'));

    // The fix: the server's boundary now includes Ottawa.
    fixed = true;
    let stdout = '';
    const code = await main(['scrape', 'replay', file, '--json'], {
      env: { SEL_SERVER_URL: sel.url, SEL_API_KEY: KEY },
      cwd: dir,
      stdout: { write: (text) => void (stdout += text) },
      stderr: { write: () => undefined },
      clock: systemClock,
    });
    const replay = JSON.parse(stdout) as PrintedReport;
    expect(code).toBe(0);
    expect(printed(replay)).toEqual({ created: spec.rejected, duplicates: 0, failed: 0, unknown: 0 });
    expect(replay.sources.map((s) => s.name).sort()).toEqual(['s1', 's2']);
    expect(sel.events.size).toBe(spec.valid + spec.rejected);
    expect(replay.failures).toBeNull();
  }, 60_000);

  it('stops at --timeout: nothing new is sent, the reason is printed (exit 3), and --resume finishes the job', async () => {
    const spec = eventSite({ sources: 1, pages: 1, perPage: 20 });
    const { dir, sel } = await setup(spec, {}, { '/slow': { body: '<html></html>', delayMs: 4_000 } });
    await writeFile(path.join(dir, 'sources', 'slow.yaml'), `name: slow\nurl: "${site!.origin}/slow"\n`);
    const started = Date.now();
    const first = await scrape(dir, ['--timeout', '1']);
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(first.code).toBe(3);
    expect(first.report.error).toMatch(/the run reached --timeout \(1 s\)/);
    expect(first.report.sources.find((s) => s.name === 'slow')).toMatchObject({ status: 'failed', error: 'stopped while reading: the run reached --timeout (1 s)' });
    // s1 was read, but its batch had not started: not sent, so failed, and journalled for --resume.
    expect(printed(first.report)).toEqual({ created: 0, duplicates: 0, failed: spec.valid, unknown: 0 });
    expect(sel.events.size).toBe(0);

    const resumed = await scrape(dir, ['--resume', first.report.runId]);
    expect(resumed.code).toBe(0);
    expect(printed(resumed.report)).toEqual({ created: spec.valid, duplicates: 0, failed: 0, unknown: 0 });
    expect(printed(resumed.report)).toEqual(serverCounts(sel));
  }, 30_000);

  it('cuts one slow source at --source-timeout and delivers the others (exit 3)', async () => {
    const spec = eventSite({ sources: 1, pages: 1, perPage: 20 });
    const { dir } = await setup(spec, {}, { '/slow': { body: '<html></html>', delayMs: 5_000 } });
    await writeFile(path.join(dir, 'sources', 'slow.yaml'), `name: slow\nurl: "${site!.origin}/slow"\n`);
    const { code, report } = await scrape(dir, ['--source-timeout', '1']);
    expect(code).toBe(3);
    expect(report.sources.find((s) => s.name === 'slow')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^source timed out after 1 s \(--source-timeout\)/) });
    expect(report.sources.find((s) => s.name === 's1')).toMatchObject({ status: 'ok', created: spec.valid });
  }, 30_000);
});
