import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.ts';
import { createHttpClient, type HttpClient } from '../../src/fetch/http-client.ts';
import { readSitemapPages } from '../../src/read/sitemap.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import { readSourcePages } from '../../src/read/source-pages.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const SITE = 'https://venue.test';
const xml = { headers: { 'content-type': 'application/xml' } };
const html = { headers: { 'content-type': 'text/html; charset=utf-8' } };
const agent = useOfflineAgent();

function source(sitemap: Partial<NonNullable<SourceFile['sitemap']>> = {}, file: Partial<SourceFile> = {}) {
  return applyDefaults(
    { name: 'venue', url: `${SITE}/whats-on`, tier: 0, ...file, sitemap: { url: `${SITE}/sitemap.xml`, filter_pattern: '/events/', ...sitemap } },
    'venue.yaml',
    'America/Toronto',
  );
}

function urlset(...paths: string[]): string {
  return `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>${SITE}${p}</loc></url>`).join('')}</urlset>`;
}

function index(...paths: string[]): string {
  return `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<sitemap><loc>${SITE}${p}</loc></sitemap>`).join('')}</sitemapindex>`;
}

function eventPage(name: string): string {
  return `<html><head><script type="application/ld+json">${JSON.stringify({ '@type': 'Event', name, startDate: '2027-01-15T20:00:00-05:00' })}</script></head><body></body></html>`;
}

function serve(path: string, body: string | Buffer, options: { headers: Record<string, string> } = html, status = 200) {
  agent().get(SITE).intercept({ path }).reply(status, body, options);
}

/** The HTTP client and clock, both writing to one log so the order of fetches and waits shows. */
function recordingDeps(log: string[]): { http: HttpClient; clock: Clock } {
  const real = createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test' });
  const clock = new FakeClock();
  return {
    http: { fetchDocument: (req) => (log.push(`GET ${new URL(req.url).pathname}`), real.fetchDocument(req)) },
    clock: { now: () => clock.now(), sleep: async (ms, signal) => (log.push(`wait ${ms}`), clock.sleep(ms, signal)) },
  };
}

async function read(config: ReturnType<typeof source>, log: string[] = []): Promise<PageOutcome[]> {
  const pages: PageOutcome[] = [];
  for await (const page of readSitemapPages(config, recordingDeps(log))) pages.push(page);
  return pages;
}

function names(pages: PageOutcome[]): string[] {
  return pages.flatMap((p) => (p.ok ? p.events.map((e) => e.name ?? '') : []));
}

describe('readSitemapPages', () => {
  it('reads each matching page of a urlset with JSON-LD for a tier 0 source', async () => {
    serve('/sitemap.xml', urlset('/events/a', '/about', '/events/b'), xml);
    serve('/events/a', eventPage('A'));
    serve('/events/b', eventPage('B'));
    const pages = await read(source());
    expect(names(pages)).toEqual(['A', 'B']);
    expect(pages.map((p) => p.url)).toEqual([`${SITE}/sitemap.xml`, `${SITE}/events/a`, `${SITE}/events/b`]);
  });

  it('waits rate_limit_ms before every request after the first', async () => {
    serve('/sitemap.xml', urlset('/events/a', '/events/b'), xml);
    serve('/events/a', eventPage('A'));
    serve('/events/b', eventPage('B'));
    const log: string[] = [];
    await read(source({ rate_limit_ms: 750 }), log);
    expect(log).toEqual(['GET /sitemap.xml', 'wait 750', 'GET /events/a', 'wait 750', 'GET /events/b']);
  });

  it('waits 500 ms when rate_limit_ms is 0, as SEL does', async () => {
    serve('/sitemap.xml', urlset('/events/a'), xml);
    serve('/events/a', eventPage('A'));
    const log: string[] = [];
    await read(source({ rate_limit_ms: 0 }), log);
    expect(log).toContain('wait 500');
  });

  it('follows a sitemap index into its child sitemaps in order', async () => {
    serve('/sitemap.xml', index('/page-sitemap.xml', '/event-sitemap.xml'), xml);
    serve('/page-sitemap.xml', urlset('/about', '/events/a'), xml);
    serve('/event-sitemap.xml', urlset('/events/b'), xml);
    serve('/events/a', eventPage('A'));
    serve('/events/b', eventPage('B'));
    expect(names(await read(source()))).toEqual(['A', 'B']);
  });

  it('does not follow indexes nested more than two levels below the root', async () => {
    serve('/sitemap.xml', index('/level1.xml'), xml);
    serve('/level1.xml', index('/level2.xml'), xml);
    serve('/level2.xml', index('/level3.xml'), xml);
    const log: string[] = [];
    const pages = await read(source(), log);
    expect(log.filter((l) => l.startsWith('GET'))).toEqual(['GET /sitemap.xml', 'GET /level1.xml', 'GET /level2.xml']);
    expect(pages[2]?.ok && pages[2].warnings[0]).toMatch(/nested more than 2 levels deep; its 1 sitemap\(s\) were not read/);
  });

  it('reads a gzip-encoded sitemap', async () => {
    serve('/sitemap.xml', gzipSync(urlset('/events/a')), { headers: { 'content-type': 'application/xml', 'content-encoding': 'gzip' } });
    serve('/events/a', eventPage('A'));
    expect(names(await read(source()))).toEqual(['A']);
  });

  it('reads a .xml.gz file served without Content-Encoding', async () => {
    serve('/sitemap.xml.gz', gzipSync(urlset('/events/a')), { headers: { 'content-type': 'application/x-gzip' } });
    serve('/events/a', eventPage('A'));
    expect(names(await read(source({ url: `${SITE}/sitemap.xml.gz` })))).toEqual(['A']);
  });

  it('skips a child sitemap that fails and reads the others', async () => {
    serve('/sitemap.xml', index('/broken.xml', '/event-sitemap.xml'), xml);
    serve('/broken.xml', 'gone', html, 404);
    serve('/event-sitemap.xml', urlset('/events/a'), xml);
    serve('/events/a', eventPage('A'));
    const pages = await read(source());
    expect(pages.map((p) => p.ok)).toEqual([true, false, true, true]);
    expect(names(pages)).toEqual(['A']);
  });

  it('keeps pages matching filter_pattern and not exclude_pattern', async () => {
    serve('/sitemap.xml', urlset('/events/a', '/events/archive/old', '/news/x', '/events/b'), xml);
    serve('/events/a', eventPage('A'));
    serve('/events/b', eventPage('B'));
    expect(names(await read(source({ exclude_pattern: '/archive/' })))).toEqual(['A', 'B']);
  });

  it('filters with (a+)+$ against a 10,000-character URL in one pass, as Go does', async () => {
    serve('/sitemap.xml', urlset(`/${'a'.repeat(10_000)}!`, '/aaa'), xml);
    serve('/aaa', eventPage('A'));
    expect(names(await read(source({ filter_pattern: '/(a+)+$' })))).toEqual(['A']);
  });

  it('reads filter_pattern with (?i) as Go does', async () => {
    serve('/sitemap.xml', urlset('/Events/a', '/news/x'), xml);
    serve('/Events/a', eventPage('A'));
    expect(names(await read(source({ filter_pattern: '(?i)/events/' })))).toEqual(['A']);
  });

  it('fails the source with SEL’s message when a pattern is not Go syntax', async () => {
    expect(await read(source({ exclude_pattern: '(?<=x)' }))).toEqual([
      { ok: false, url: `${SITE}/sitemap.xml`, error: 'sitemap.exclude_pattern: invalid Go regex: error parsing regexp: invalid named capture: `(?<=x)`' },
    ]);
  });

  it('reads no more than max_urls pages and says so', async () => {
    serve('/sitemap.xml', urlset('/events/a', '/events/b', '/events/c'), xml);
    serve('/events/a', eventPage('A'));
    serve('/events/b', eventPage('B'));
    const pages = await read(source({ max_urls: 2 }));
    expect(names(pages)).toEqual(['A', 'B']);
    expect(pages[0]?.ok && pages[0].warnings).toEqual(['reached sitemap.max_urls (2); the other matching pages were not read']);
  });

  it('stops reading child sitemaps once max_urls pages are found', async () => {
    serve('/sitemap.xml', index('/one.xml', '/two.xml'), xml);
    serve('/one.xml', urlset('/events/a', '/events/b'), xml);
    serve('/events/a', eventPage('A'));
    const log: string[] = [];
    await read(source({ max_urls: 1 }), log);
    expect(log).not.toContain('GET /two.xml');
  });

  it('warns when no URL matches the filter', async () => {
    serve('/sitemap.xml', urlset('/about', '/contact'), xml);
    const pages = await read(source({ filter_pattern: '/shows/' }));
    expect(pages).toHaveLength(1);
    expect(pages[0]?.ok && pages[0].warnings).toEqual(['none of the 2 URL(s) in the sitemap match filter_pattern "/shows/"']);
  });

  it('reports a failing page and still reads the pages after it', async () => {
    serve('/sitemap.xml', urlset('/events/a', '/events/b', '/events/c'), xml);
    serve('/events/a', eventPage('A'));
    serve('/events/b', 'oops', html, 500);
    serve('/events/c', eventPage('C'));
    const pages = await read(source());
    expect(pages.map((p) => p.ok)).toEqual([true, true, false, true]);
    expect(pages[2]).toMatchObject({ ok: false, url: `${SITE}/events/b` });
    expect(names(pages)).toEqual(['A', 'C']);
  });

  it('fails the source when the sitemap is an HTML page', async () => {
    serve('/sitemap.xml', '<html><body>Page not found</body></html>', html);
    const pages = await read(source());
    expect(pages).toHaveLength(1);
    expect(pages[0]?.ok === false && pages[0].error).toMatch(/is not a sitemap: its root element is <html>/);
  });

  it('reads each page with the CSS selectors of a tier 1 source', async () => {
    serve('/sitemap.xml', urlset('/events/a'), xml);
    serve('/events/a', '<html><body><article><h1>Hamlet</h1><p class="date">2027-02-14T19:30</p></article></body></html>');
    const config = source({}, { tier: 1, selectors: { event_list: 'article', name: 'h1', start_date: 'p.date' } });
    const pages = await read(config);
    expect(pages[1]?.ok && pages[1].events.map((e) => [e.name, e.startDate, e.pageUrl])).toEqual([['Hamlet', '2027-02-14T19:30', `${SITE}/events/a`]]);
  });

  it('reads the pages of a tier 2 source as served, with its selectors, and says so', async () => {
    serve('/sitemap.xml', urlset('/events/a'), xml);
    serve('/events/a', '<html><body><article><h1>Hamlet</h1><p class="date">2027-02-14T19:30</p></article></body></html>');
    const pages = await read(source({}, { tier: 2, selectors: { event_list: 'article', name: 'h1', start_date: 'p.date' } }));
    expect(pages[0]?.ok && pages[0].warnings).toEqual(['headless rendering is not available; the pages were read as the server sent them']);
    expect(names(pages)).toEqual(['Hamlet']);
  });

  it('is how readSourcePages reads any source with a sitemap block', async () => {
    serve('/sitemap.xml', urlset('/events/a'), xml);
    serve('/events/a', eventPage('A'));
    const log: string[] = [];
    const pages: PageOutcome[] = [];
    for await (const page of readSourcePages(source(), recordingDeps(log))) pages.push(page);
    expect(log[0]).toBe('GET /sitemap.xml');
    expect(names(pages)).toEqual(['A']);
  });
});

describe('readSitemapPages after a complete read', () => {
  const since = Date.parse('2026-11-24T03:00:00Z');
  function lastmodded(entries: [string, string | undefined][]): string {
    const urls = entries.map(([p, lastmod]) => `<url><loc>${SITE}${p}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>`).join('');
    return `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`;
  }

  it('skips the pages last modified before it, reads the others and those without lastmod, and counts the skipped', async () => {
    serve(
      '/sitemap.xml',
      lastmodded([
        ['/events/old', '2026-11-20T09:00:00Z'],
        ['/events/new', '2026-11-24T05:00:00Z'],
        ['/events/undated', undefined],
        ['/events/today', '2026-11-24'],
      ]),
      xml,
    );
    serve('/events/new', eventPage('New'));
    serve('/events/undated', eventPage('Undated'));
    serve('/events/today', eventPage('Today'));
    const log: string[] = [];
    const pages: PageOutcome[] = [];
    for await (const page of readSitemapPages(source(), { ...recordingDeps(log), unchangedSince: since })) pages.push(page);
    expect(log.filter((l) => l.startsWith('GET'))).toEqual(['GET /sitemap.xml', 'GET /events/new', 'GET /events/undated', 'GET /events/today']);
    expect(names(pages)).toEqual(['New', 'Undated', 'Today']);
    expect(pages[0]).toMatchObject({ ok: true, unchanged: 1, warnings: [] });
  });

  it('gives unchanged pages no place under max_urls, as SEL filters before it counts', async () => {
    serve(
      '/sitemap.xml',
      lastmodded([
        ['/events/old', '2026-11-01'],
        ['/events/new', '2026-11-25'],
      ]),
      xml,
    );
    serve('/events/new', eventPage('New'));
    const pages: PageOutcome[] = [];
    for await (const page of readSitemapPages(source({ max_urls: 1 }), { ...recordingDeps([]), unchangedSince: since })) pages.push(page);
    expect(names(pages)).toEqual(['New']);
  });

  it('does not call a sitemap whose pages are all unchanged a filter that matches nothing', async () => {
    serve('/sitemap.xml', lastmodded([['/events/old', '2026-11-01']]), xml);
    const pages: PageOutcome[] = [];
    for await (const page of readSitemapPages(source(), { ...recordingDeps([]), unchangedSince: since })) pages.push(page);
    expect(pages).toEqual([{ ok: true, url: `${SITE}/sitemap.xml`, events: [], warnings: [], unchanged: 1 }]);
  });
});
