import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { RunReport } from '../../src/report/run-report.ts';
import { workDir } from '../helpers/delivery-fixtures.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { FakeSelServer } from '../helpers/fake-sel-server.ts';
import { FixtureSite, type SitePage } from '../helpers/fixture-site.ts';

// A nightly `scrape all` of a sitemap source reads again only the pages that changed since its
// last complete run; the journal of that run is the memory.
const KEY = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
const FIRST_RUN = Date.parse('2026-11-24T03:00:00Z');
const SECOND_RUN = Date.parse('2026-11-25T03:00:00Z');

let site: FixtureSite | undefined;
let sel: FakeSelServer | undefined;
afterEach(async () => {
  await site?.stop();
  await sel?.stop();
  site = sel = undefined;
});

function eventPage(name: string): SitePage {
  return {
    body: `<html><head><script type="application/ld+json">${JSON.stringify({ '@type': 'Event', name, description: `The ${name} night`, startDate: '2027-01-15T20:00:00-05:00', location: { '@type': 'Place', name: 'Hall' } })}</script></head></html>`,
  };
}

/** A venue whose sitemap says when each page last changed; `pages` maps a page to its lastmod. */
async function venue(pages: Record<string, string | undefined>) {
  const urls = Object.entries(pages).map(([p, lastmod]) => `<url><loc>{origin}${p}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>`);
  const served: Record<string, SitePage> = Object.fromEntries(Object.keys(pages).map((p) => [p, eventPage(p.slice('/events/'.length))]));
  site = await new FixtureSite(served).start();
  served['/sitemap.xml'] = {
    body: `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('').replaceAll('{origin}', site.origin)}</urlset>`,
    headers: { 'content-type': 'application/xml' },
  };
  sel ??= await new FakeSelServer({ keys: { [KEY]: 'agent' }, processingMs: 0 }).start();
  const dir = await workDir('sel-incremental-');
  await mkdir(path.join(dir, 'sources'));
  await writeFile(
    path.join(dir, 'sources', 'venue.yaml'),
    `name: venue\nurl: "${site.origin}/"\nlicense: CC0-1.0\nsitemap:\n  url: "${site.origin}/sitemap.xml"\n  filter_pattern: "/events/"\n  rate_limit_ms: 1\n`,
  );
  return { dir, served };
}

async function scrapeAll(dir: string, at: number, args: string[] = []): Promise<{ code: number; report: RunReport; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['scrape', 'all', '--sources', 'sources', '--json', '--host-delay', '0', '--rate-limit', '0', ...args], {
    env: { SEL_SERVER_URL: sel!.url, SEL_API_KEY: KEY },
    cwd: dir,
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    clock: new FakeClock(at),
  });
  return { code, report: JSON.parse(stdout) as RunReport, stderr };
}

const pagesRead = () => site!.hits.filter((hit) => hit.startsWith('/events/')).sort();

describe('sitemap lastmod and the last complete run', () => {
  const lastmods = { '/events/old': '2026-11-20T10:00:00Z', '/events/changed': '2026-11-24T09:30:00Z', '/events/undated': undefined };

  it('reads every page the first time, then only the pages changed since that run and those without lastmod', async () => {
    const { dir } = await venue(lastmods);
    const first = await scrapeAll(dir, FIRST_RUN);
    expect(first.code, first.stderr).toBe(0);
    expect(pagesRead()).toEqual(['/events/changed', '/events/old', '/events/undated']);

    site!.hits.length = 0;
    const second = await scrapeAll(dir, SECOND_RUN);
    expect(second.code, second.stderr).toBe(0);
    expect(pagesRead()).toEqual(['/events/changed', '/events/undated']);
    expect(second.report.sources[0]).toMatchObject({ status: 'ok', extracted: 2, pages: { fetched: 3, failed: 0, unchanged: 1 }, warnings: [] });
    expect(second.stderr).toContain(
      'venue: 1 sitemap page(s) unchanged since its last complete read (2026-11-24T03:00:00.000Z) not read again (--full reads them)',
    );
  });

  it('reads every page with --full', async () => {
    const { dir } = await venue(lastmods);
    await scrapeAll(dir, FIRST_RUN);
    site!.hits.length = 0;
    const full = await scrapeAll(dir, SECOND_RUN, ['--full']);
    expect(pagesRead()).toEqual(['/events/changed', '/events/old', '/events/undated']);
    expect(full.report.sources[0]?.pages.unchanged).toBeUndefined();
  });

  it('reads every page when no journal of a complete run is left (pruned, or a new state folder)', async () => {
    const { dir } = await venue(lastmods);
    await scrapeAll(dir, FIRST_RUN);
    await rm(path.join(dir, '.sel-scraper', 'runs'), { recursive: true });
    site!.hits.length = 0;
    await scrapeAll(dir, SECOND_RUN);
    expect(pagesRead()).toEqual(['/events/changed', '/events/old', '/events/undated']);
  });

  it("reads every page after the source's config changed", async () => {
    const { dir } = await venue(lastmods);
    await scrapeAll(dir, FIRST_RUN);
    await writeFile(
      path.join(dir, 'sources', 'venue.yaml'),
      `name: venue\nurl: "${site!.origin}/"\nlicense: CC0-1.0\nsitemap:\n  url: "${site!.origin}/sitemap.xml"\n  filter_pattern: "/events/[a-z]+"\n  rate_limit_ms: 1\n`,
    );
    site!.hits.length = 0;
    await scrapeAll(dir, SECOND_RUN);
    expect(pagesRead()).toEqual(['/events/changed', '/events/old', '/events/undated']);
  });

  it('reads every page after a run in which one of them failed, or one that was not sent to this server', async () => {
    const { dir, served } = await venue(lastmods);
    const old = served['/events/old']!;
    served['/events/old'] = { status: 404, body: 'gone for now' };
    expect((await scrapeAll(dir, FIRST_RUN)).report.sources[0]?.pages.failed).toBe(1);
    served['/events/old'] = old;
    site!.hits.length = 0;
    await scrapeAll(dir, SECOND_RUN);
    expect(pagesRead()).toEqual(['/events/changed', '/events/old', '/events/undated']);

    const other = await new FakeSelServer({ keys: { [KEY]: 'agent' }, processingMs: 0 }).start();
    const ours = sel!;
    sel = other;
    try {
      site!.hits.length = 0;
      await scrapeAll(dir, SECOND_RUN + 3_600_000);
      expect(pagesRead()).toEqual(['/events/changed', '/events/old', '/events/undated']);
    } finally {
      sel = ours;
      await other.stop();
    }
  });

  it('reads every page after a run in which the server failed one of its events', async () => {
    sel = await new FakeSelServer({
      keys: { [KEY]: 'agent' },
      processingMs: 0,
      rejectItem: (event) => (event.name === 'old' ? 'outside the region' : undefined),
    }).start();
    const { dir } = await venue(lastmods);
    expect((await scrapeAll(dir, FIRST_RUN)).report.sources[0]).toMatchObject({ failed: 1, created: 2 });
    site!.hits.length = 0;
    await scrapeAll(dir, SECOND_RUN);
    expect(pagesRead()).toEqual(['/events/changed', '/events/old', '/events/undated']);
  });

  it('reads every page after a run with --limit, which left events unsent', async () => {
    const { dir } = await venue(lastmods);
    await scrapeAll(dir, FIRST_RUN, ['--limit', '1']);
    site!.hits.length = 0;
    await scrapeAll(dir, SECOND_RUN);
    expect(pagesRead()).toEqual(['/events/changed', '/events/old', '/events/undated']);
  });

  it('resumes a run as it started: a --limit, --tier, --shard or --full that differs is refused', async () => {
    const { dir } = await venue(lastmods);
    const first = await scrapeAll(dir, FIRST_RUN, ['--limit', '1']);
    let stderr = '';
    const code = await main(['scrape', 'all', '--sources', 'sources', '--resume', first.report.runId, '--limit', '2'], {
      env: { SEL_SERVER_URL: sel!.url, SEL_API_KEY: KEY },
      cwd: dir,
      stdout: { write: () => undefined },
      stderr: { write: (text) => void (stderr += text) },
      clock: new FakeClock(SECOND_RUN),
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`error: run ${first.report.runId} was started with --limit 1; --resume continues it as it started`);
  });
});
