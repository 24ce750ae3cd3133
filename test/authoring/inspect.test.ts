import { describe, expect, it } from 'vitest';
import { inspectPage } from '../../src/authoring/inspect.ts';
import { describeJsonBody } from '../../src/authoring/json-shape.ts';
import { ARTICLE_PAGE, feedLinkPage, JSONLD_PAGE } from './pages.ts';

const options = { zone: 'America/Toronto', now: new Date('2026-01-15T12:00:00Z') };
const URL_ = 'https://lakeshore.test/whats-on';

describe('inspectPage', () => {
  it('counts JSON-LD events with samples', () => {
    const found = inspectPage(JSONLD_PAGE, URL_, options);
    expect(found.jsonLd).toMatchObject({ events: 4, warnings: [] });
    expect(found.jsonLd.samples[0]).toEqual({ name: 'Jazz at the Rex', startDate: '2026-03-05T19:30:00-05:00' });
  });

  it('lists calendar feeds as fetchable URLs: iCal links, webcal: as https:, <link rel=alternate>, embedded Google calendars', () => {
    const html = feedLinkPage('/events/?ical=1', 'webcal://cal.lakeshore.test/public.ics').replace(
      '</main>',
      '<iframe src="https://calendar.google.com/calendar/embed?src=abc%40group.calendar.google.com&ctz=America%2FToronto"></iframe></main>',
    );
    expect(inspectPage(html, URL_, options).feeds).toEqual([
      { kind: 'ics', url: 'https://lakeshore.test/events/?ical=1', via: 'link "Subscribe (iCal)"' },
      { kind: 'ics', url: 'https://cal.lakeshore.test/public.ics', via: 'link "webcal"' },
      { kind: 'rss', url: 'https://lakeshore.test/feed.rss', via: '<link rel="alternate" type="application/rss+xml">' },
      { kind: 'ics', url: 'https://calendar.google.com/calendar/ical/abc%40group.calendar.google.com/public/basic.ics', via: 'embedded Google calendar' },
    ]);
  });

  it('reports cards, event links, the site name and data-* attributes', () => {
    const html = ARTICLE_PAGE.replace(/<article class="c-event-card">/g, (tag, i: number) => `<article class="c-event-card" data-event-id="${i}">`).replace(
      "<title>What's on</title>",
      "<title>What's on – Lakeshore Arts</title>",
    );
    const found = inspectPage(html, URL_, options);
    expect(found.siteName).toBe('Lakeshore Arts');
    expect(found.cards[0]?.selectors.event_list).toBe('article.c-event-card');
    expect(found.eventLinks.count).toBe(4);
    expect(found.eventLinks.samples[0]).toEqual({ url: 'https://lakeshore.test/events/jazz-at-the-rex', text: 'Jazz at the Rex' });
    expect(found.dataAttributes).toEqual([{ name: 'data-event-id', count: 4, sample: expect.any(String) as string }]);
    expect(found.pagination).toBeNull();
  });

  it('finds a next-page link by rel or by class', () => {
    expect(inspectPage('<body><a rel="next" href="?page=2">Next</a></body>', URL_, options).pagination).toBe('a[rel=next]');
    expect(inspectPage('<body><nav class="pager"><a class="next" href="?page=2">»</a></nav></body>', URL_, options).pagination).toBe('nav.pager a.next');
  });
});

describe('describeJsonBody', () => {
  it('finds the biggest list of records, its path and its keys', () => {
    const body = {
      meta: { tags: [{ id: 1 }] },
      data: {
        events: [
          { title: 'A', start_date: '2026-03-05' },
          { title: 'B', start_date: '2026-03-06' },
        ],
      },
    };
    expect(describeJsonBody(body)).toEqual({ resultsPath: 'data.events', items: 2, keys: ['title', 'start_date'], looksLikeEvents: true });
    expect(describeJsonBody([{ id: 1 }])).toEqual({ resultsPath: '.', items: 1, keys: ['id'], looksLikeEvents: false });
    expect(describeJsonBody({ ok: true })).toEqual({ resultsPath: null, items: 0, keys: [], looksLikeEvents: false });
  });
});
