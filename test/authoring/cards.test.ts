import { describe, expect, it } from 'vitest';
import { inferEventCards } from '../../src/authoring/cards.ts';
import { extractCss } from '../../src/extract/css.ts';
import { ARTICLE_PAGE, GRID_PAGE, LIST_PAGE, NO_EVENTS_PAGE, SHOW_NAMES, TABLE_PAGE } from './pages.ts';

const PAGE_URL = 'https://lakeshore.test/whats-on';
const options = { zone: 'America/Toronto', now: new Date('2026-01-15T12:00:00Z') };

function top(html: string) {
  const [first] = inferEventCards(html, PAGE_URL, options);
  if (!first) throw new Error('no candidate');
  return first;
}

/** The events the inferred selectors read, as the tier 1 reader reads them. */
function extracted(html: string) {
  return extractCss(html, PAGE_URL, top(html).selectors).events;
}

describe('inferEventCards', () => {
  it('finds list items with a heading link, a date text with "at", a venue and a paragraph', () => {
    const candidate = top(LIST_PAGE);
    expect(candidate.selectors).toEqual({
      event_list: 'ul.event-list > li',
      name: 'h3',
      url: 'h3',
      start_date: 'p.when',
      location: 'p.venue',
      description_selectors: ['p:nth-child(4)'],
    });
    expect(candidate).toMatchObject({ count: 4, confidence: 'high' });
    expect(candidate.sample).toContain('Jazz at the Rex');
    const events = extracted(LIST_PAGE);
    expect(events.map((e) => e.name)).toEqual(SHOW_NAMES);
    expect(events[0]).toMatchObject({
      url: 'https://lakeshore.test/events/jazz-at-the-rex',
      startDate: 'Thu, March 5 at 7:30 pm',
      location: { name: 'The Rex Hotel' },
    });
  });

  it('reads table rows by column, the venue by its heading, and a time column as a second date part', () => {
    const candidate = top(TABLE_PAGE);
    expect(candidate.selectors.event_list).toMatch(/^table\.schedule /);
    expect(candidate.selectors.location).toBe('td:nth-child(3)');
    expect(candidate.selectors.date_selectors).toEqual(['td:nth-child(1)', 'td:nth-child(4)']);
    const events = extracted(TABLE_PAGE);
    expect(events.map((e) => e.name)).toEqual(SHOW_NAMES);
    expect(events[1]).toMatchObject({
      dateParts: ['Fri, March 6', '8 pm'],
      location: { name: 'St. Lawrence Hall' },
      url: 'https://lakeshore.test/events/harbour-choir',
    });
  });

  it('prefers a <time datetime> in article cards and takes their title, link, venue, excerpt and image', () => {
    const candidate = top(ARTICLE_PAGE);
    expect(candidate.selectors).toEqual({
      event_list: 'article.c-event-card',
      name: 'h2.c-event-card__title',
      url: 'a.c-event-card__link',
      start_date: 'time.c-event-card__date',
      location: 'span.c-event-card__venue',
      description_selectors: ['div.c-event-card__excerpt'],
      image: 'img',
    });
    expect(extracted(ARTICLE_PAGE)[3]).toMatchObject({
      name: 'Family Puppet Show',
      startDate: '2026-03-08T11:00',
      image: 'https://lakeshore.test/img/events/family-puppet-show.jpg',
    });
  });

  it('takes the cards, not the grid rows holding two of them, and a card that is a link is its own url', () => {
    const candidate = top(GRID_PAGE);
    expect(candidate.selectors).toMatchObject({
      event_list: 'a.tile',
      url: 'a.tile',
      name: 'span.tile-title',
      date_selectors: ['span.tile-day', 'span.tile-hour'],
    });
    expect(candidate.count).toBe(4);
    expect(extracted(GRID_PAGE).map((e) => e.name)).toEqual(SHOW_NAMES);
  });

  it('finds nothing on a page whose repeated blocks carry no dates', () => {
    expect(inferEventCards(NO_EVENTS_PAGE, PAGE_URL, options)).toEqual([]);
  });
});
