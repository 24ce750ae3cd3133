import { beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/fetch/http-client.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import { readSourcePages } from '../../src/read/source-pages.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const SITE = 'https://venue.test';
const htmlType = { headers: { 'content-type': 'text/html; charset=utf-8' } };
const agent = useOfflineAgent();
let clock: FakeClock;

beforeEach(() => {
  clock = new FakeClock();
});

const selectors = { event_list: '.event', name: 'h2', url: 'a', description_selectors: ['p.blurb'], date_selectors: ['.when'], pagination: 'a.next' };

function source(file: Partial<SourceFile> = {}) {
  return applyDefaults(
    { name: 'venue', tier: 1, url: `${SITE}/events`, ...file, selectors: { ...selectors, ...file.selectors } },
    'venue.yaml',
    'America/Toronto',
  );
}

async function read(config: ReturnType<typeof source>): Promise<PageOutcome[]> {
  const deps = { http: createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test' }), clock };
  const pages: PageOutcome[] = [];
  for await (const page of readSourcePages(config, deps)) pages.push(page);
  return pages;
}

interface Card {
  name: string;
  href?: string;
  blurb?: string;
  when?: string;
}

function listing(cards: Card[], next?: string): string {
  const items = cards.map(
    (c) =>
      `<div class="event"><h2>${c.name}</h2>${c.href ? `<a href="${c.href}">more</a>` : ''}${c.blurb ? `<p class="blurb">${c.blurb}</p>` : ''}<span class="when">${c.when ?? 'Dec 8 7:30pm'}</span></div>`,
  );
  return `<html><body>${items.join('')}${next ? `<a class="next" href="${next}">Next</a>` : ''}</body></html>`;
}

function serve(path: string, body: string, status = 200) {
  agent().get(SITE).intercept({ path }).reply(status, body, htmlType);
}

const names = (pages: PageOutcome[]) => pages.map((p) => (p.ok ? p.events.map((e) => e.name) : `failed: ${p.error}`));

describe('reading CSS sources: pagination', () => {
  it('follows relative next links page by page', async () => {
    serve('/events', listing([{ name: 'A' }], '?page=2'));
    serve('/events?page=2', listing([{ name: 'B' }], 'events?page=3'));
    serve('/events?page=3', listing([{ name: 'C' }]));
    expect(names(await read(source()))).toEqual([['A'], ['B'], ['C']]);
  });

  it('stops at max_pages and says more pages were linked', async () => {
    serve('/events', listing([{ name: 'A' }], '/events?page=2'));
    serve('/events?page=2', listing([{ name: 'B' }], '/events?page=3'));
    const pages = await read(source({ max_pages: 2 }));
    expect(names(pages)).toEqual([['A'], ['B']]);
    expect(pages[1]).toMatchObject({ warnings: [`stopped after max_pages (2) pages from ${SITE}/events; more pages are linked`] });
  });

  it('never reads a page twice when pages link back', async () => {
    serve('/events', listing([{ name: 'A' }], '/events?page=2'));
    serve('/events?page=2', listing([{ name: 'B' }], '/events'));
    expect(names(await read(source()))).toEqual([['A'], ['B']]);
  });

  it('reads each of urls (not url) with its own max_pages budget', async () => {
    serve('/a', listing([{ name: 'A1' }], '/a2'));
    serve('/a2', listing([{ name: 'A2' }], '/a3'));
    serve('/b', listing([{ name: 'B1' }]));
    expect(names(await read(source({ urls: [`${SITE}/a`, `${SITE}/b`], max_pages: 2 })))).toEqual([['A1'], ['A2'], ['B1']]);
  });

  it('reports a failing page and still reads the next start URL', async () => {
    serve('/a', 'gone', 500);
    serve('/b', listing([{ name: 'B1' }]));
    const pages = await read(source({ urls: [`${SITE}/a`, `${SITE}/b`] }));
    expect(names(pages)).toEqual([`failed: HTTP 500 fetching ${SITE}/a`, ['B1']]);
  });

  it('reports a failing page of a numbered pager and reads the pages after it', async () => {
    const pager = '<a class="next" href="/events/2">2</a><a class="next" href="/events/3">3</a>';
    serve('/events', listing([{ name: 'A' }]).replace('</body>', `${pager}</body>`));
    serve('/events/2', 'down', 503);
    serve('/events/3', listing([{ name: 'C' }]).replace('</body>', `${pager}</body>`));
    expect(names(await read(source()))).toEqual([['A'], `failed: HTTP 503 fetching ${SITE}/events/2`, ['C']]);
  });

  it('does not follow pagination to another site', async () => {
    serve('/events', listing([{ name: 'A' }], 'https://elsewhere.test/page2'));
    const pages = await read(source());
    expect(pages).toMatchObject([{ ok: true, warnings: ['pagination links to other sites not followed: https://elsewhere.test/page2'] }]);
  });

  it('reports a page that is not HTML as failed', async () => {
    agent()
      .get(SITE)
      .intercept({ path: '/events' })
      .reply(200, '{"events":[]}', { headers: { 'content-type': 'application/json' } });
    expect(names(await read(source()))).toEqual([`failed: expected an HTML page at ${SITE}/events, got application/json`]);
  });
});

describe('reading CSS sources: follow_event_urls', () => {
  const detail = (text: string, extra = '') => `<html><head>${extra}</head><body><article><p>${text}</p></article></body></html>`;
  const longText = 'The full programme: three string quartets, a reception and a talk with the players.';

  it("replaces a truncated description with the event page's, waiting between event pages", async () => {
    serve(
      '/events',
      listing([
        { name: 'A', href: '/e/a', blurb: 'The full programme…' },
        { name: 'B', href: '/e/b', blurb: 'Three quartets...' },
      ]),
    );
    serve('/e/a', detail(longText));
    serve('/e/b', detail(`${longText} Again.`));
    const [page] = await read(source({ follow_event_urls: true }));
    expect(page?.ok && page.events.map((e) => e.description)).toEqual([longText, `${longText} Again.`]);
    expect(clock.sleeps).toEqual([500]);
  });

  it('leaves events with a full description and dates alone', async () => {
    serve('/events', listing([{ name: 'A', href: '/e/a', blurb: 'Complete.' }]));
    const [page] = await read(source({ follow_event_urls: true }));
    expect(page).toMatchObject({ ok: true, warnings: [] });
  });

  it("fills missing dates from the event page's JSON-LD", async () => {
    serve('/events', `<html><body><div class="event"><h2>A</h2><a href="/e/a">x</a><p class="blurb">Complete.</p></div></body></html>`);
    const ld = JSON.stringify({ '@type': 'Event', name: 'A', startDate: '2026-12-08T19:30:00', endDate: '2026-12-08T21:00:00' });
    serve('/e/a', detail('short', `<script type="application/ld+json">${ld}</script>`));
    const [page] = await read(source({ follow_event_urls: true }));
    expect(page?.ok && page.events[0]).toMatchObject({ startDate: '2026-12-08T19:30:00', endDate: '2026-12-08T21:00:00' });
  });

  it('follows only event URLs matching a path glob in event_url_pattern', async () => {
    serve(
      '/events',
      listing([
        { name: 'A', href: '/calendar/a', blurb: 'cut…' },
        { name: 'B', href: '/shop/b', blurb: 'cut…' },
      ]),
    );
    serve('/calendar/a', detail(longText));
    const [page] = await read(source({ follow_event_urls: true, event_url_pattern: '/calendar/*' }));
    expect(page?.ok && page.events.map((e) => e.description)).toEqual([longText, 'cut…']);
  });

  it('reads a pattern starting with ^ as a regular expression over the whole URL', async () => {
    serve(
      '/events',
      listing([
        { name: 'A', href: '/e/1', blurb: 'cut…' },
        { name: 'B', href: '/e/x', blurb: 'cut…' },
      ]),
    );
    serve('/e/1', detail(longText));
    const [page] = await read(source({ follow_event_urls: true, event_url_pattern: String.raw`^https://venue\.test/e/\d+$` }));
    expect(page?.ok && page.events.map((e) => e.description)).toEqual([longText, 'cut…']);
  });

  it('keeps the event and warns when its page cannot be read', async () => {
    serve('/events', listing([{ name: 'A', href: '/e/a', blurb: 'cut…' }]));
    serve('/e/a', 'nope', 404);
    const [page] = await read(source({ follow_event_urls: true }));
    expect(page).toMatchObject({
      ok: true,
      events: [{ name: 'A', description: 'cut…' }],
      warnings: [`event page ${SITE}/e/a not read: HTTP 404 fetching ${SITE}/e/a`],
    });
  });
});

describe('reading CSS sources: quality', () => {
  it('warns when at least 80 % of three or more events start at midnight', async () => {
    serve(
      '/events',
      listing([
        { name: 'A', when: 'Dec 8' },
        { name: 'B', when: 'Dec 9' },
        { name: 'C', when: 'Dec 10' },
      ]),
    );
    const [page] = await read(source());
    expect(page).toMatchObject({ warnings: [`all_midnight: 3/3 events have T00:00:00 start times on ${SITE}/events — possible time extraction failure`] });
  });
});
