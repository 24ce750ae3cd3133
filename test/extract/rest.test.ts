import { describe, expect, it } from 'vitest';
import { SelScraperError } from '../../src/errors.ts';
import { extractRestPage } from '../../src/extract/rest.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';

const endpoint = 'https://api.venue.test/v1/events?page=1';

function source(rest: NonNullable<SourceFile['rest']>) {
  return applyDefaults({ name: 'venue-api', tier: 3, rest: { endpoint, ...rest } }, 'venue-api.yaml', 'America/Toronto');
}

describe('extractRestPage', () => {
  it('maps each field from the item key of the same name when there is no field_map', () => {
    const body = {
      results: [
        {
          name: 'Gala',
          start_date: '2026-12-05T19:00:00Z',
          startDate: 'ignored',
          URL: 'https://venue.test/gala',
          image: 'https://venue.test/g.jpg',
          location: 'Main Hall',
          description: 'An evening',
        },
      ],
    };
    const [event] = extractRestPage(body, source({}), endpoint).events;
    expect(event).toEqual({
      pageUrl: endpoint,
      name: 'Gala',
      startDate: '2026-12-05T19:00:00Z',
      url: 'https://venue.test/gala',
      image: 'https://venue.test/g.jpg',
      location: { name: 'Main Hall' },
      description: 'An evening',
    });
  });

  it('reads camelCase keys such as startDate under the identity mapping', () => {
    const body = { results: [{ name: 'Gala', startDate: '2026-12-05', endDate: '2026-12-06' }] };
    const [event] = extractRestPage(body, source({}), endpoint).events;
    expect([event?.startDate, event?.endDate]).toEqual(['2026-12-05', '2026-12-06']);
  });

  it('follows dot paths through nested objects and leaves unmapped fields empty', () => {
    const body = { events: [{ title: { rendered: 'Quartet' }, when: '2027-01-10', venue: { name: 'Studio' }, description: 'not mapped' }] };
    const [event] = extractRestPage(
      body,
      source({ results_field: 'events', field_map: { name: 'title.rendered', start_date: 'when', location: 'venue.name' } }),
      endpoint,
    ).events;
    expect(event).toEqual({ pageUrl: endpoint, name: 'Quartet', startDate: '2027-01-10', location: { name: 'Studio' } });
  });

  it('writes numbers found at a dot path as text', () => {
    const body = { results: [{ name: 'Gala', start: '2027-01-10', room: { number: 4 } }] };
    const [event] = extractRestPage(body, source({ field_map: { name: 'name', start_date: 'start', location: 'room.number' } }), endpoint).events;
    expect(event?.location).toEqual({ name: '4' });
  });

  it('renders {{.field}} templates in field_map values', () => {
    const body = { events: [{ name: 'Jazz', start_date: '2026-12-05', start_time: '19:30' }] };
    const [event] = extractRestPage(
      body,
      source({ results_field: 'events', field_map: { name: 'name', start_date: '{{.start_date}}T{{.start_time}}' } }),
      endpoint,
    ).events;
    expect(event?.startDate).toBe('2026-12-05T19:30');
  });

  it('leaves a templated field empty when a key is missing and says how often', () => {
    const body = {
      events: [
        { name: 'A', start_date: '2026-12-05', start_time: '19:30' },
        { name: 'B', start_date: '2026-12-06' },
      ],
    };
    const page = extractRestPage(
      body,
      source({ results_field: 'events', field_map: { name: 'name', start_date: '{{.start_date}}T{{.start_time}}' } }),
      endpoint,
    );
    expect(page.events.map((e) => e.startDate)).toEqual(['2026-12-05T19:30', undefined]);
    expect(page.warnings).toEqual([`${endpoint}: rest.field_map.start_date: .start_time is missing in 1 of 2 item(s), so the field was left empty there`]);
  });

  it('builds the url from url_template, which wins over field_map.url', () => {
    const body = { results: [{ name: 'Show', starts_on: '2027-02-01', slug: 'the-show', link: 'https://elsewhere.test/x' }] };
    const [event] = extractRestPage(
      body,
      source({ url_template: 'https://www.showpass.test/{{.slug}}', field_map: { name: 'name', start_date: 'starts_on', url: 'link' } }),
      endpoint,
    ).events;
    expect(event?.url).toBe('https://www.showpass.test/the-show');
  });

  it('keeps field_map.url when url_template cannot be rendered for an item', () => {
    const body = { results: [{ name: 'Show', starts_on: '2027-02-01', link: 'https://venue.test/show' }] };
    const page = extractRestPage(
      body,
      source({ url_template: 'https://www.showpass.test/{{.slug}}', field_map: { name: 'name', start_date: 'starts_on', url: 'link' } }),
      endpoint,
    );
    expect(page.events[0]?.url).toBe('https://venue.test/show');
    expect(page.warnings[0]).toMatch(/rest\.url_template: \.slug is missing in 1 of 1/);
  });

  it('warns when a configured dot path finds nothing in any item, which is usually a typo', () => {
    const body = {
      results: [
        { name: 'A', start: '2027-01-01' },
        { name: 'B', start: '2027-01-02' },
      ],
    };
    const page = extractRestPage(body, source({ field_map: { name: 'name', start_date: 'start', image: 'picture.url' } }), endpoint);
    expect(page.warnings).toEqual([`${endpoint}: rest.field_map.image: "picture.url" found no value in any of the 2 item(s)`]);
  });

  it('reads a bare array when results_field is "."', () => {
    const body = [{ title: { rendered: 'Post' }, date: '2027-03-01T10:00:00' }];
    const page = extractRestPage(body, source({ results_field: '.', field_map: { name: 'title.rendered', start_date: 'date' } }), endpoint);
    expect(page.events.map((e) => e.name)).toEqual(['Post']);
    expect(page.next).toBeUndefined();
  });

  it('fails with advice when results_field is "." but the answer is an object', () => {
    expect(() => extractRestPage({ items: [] }, source({ results_field: '.' }), endpoint)).toThrow(
      /is "\." but .* answered with an object, not an array \(it has fields "items"/,
    );
  });

  it('suggests results_field "." when an API answers with a bare array', () => {
    expect(() => extractRestPage([{ name: 'x' }], source({}), endpoint)).toThrow(/set rest\.results_field: "\."/);
  });

  it('returns an empty page with a warning naming the fields when results_field is absent', () => {
    const page = extractRestPage({ data: [], meta: {} }, source({ results_field: 'events' }), endpoint);
    expect(page.events).toEqual([]);
    expect(page.warnings[0]).toMatch(/no "events" field in the response \(it has fields "data", "meta"\)/);
  });

  it('accepts a dot path in results_field when no top-level key has that name', () => {
    const body = { data: { events: [{ name: 'Deep', start_date: '2027-01-01' }] } };
    expect(extractRestPage(body, source({ results_field: 'data.events' }), endpoint).events.map((e) => e.name)).toEqual(['Deep']);
  });

  it('fails when the results are an object and flatten is off', () => {
    const attempt = () => extractRestPage({ results: { a: [] } }, source({}), endpoint);
    expect(attempt).toThrow(SelScraperError);
    expect(attempt).toThrow(/set rest\.flatten: true/);
  });

  it('collects performances inside TNEW-style productions when flatten is on', () => {
    const body = {
      productions: [
        {
          productionTitle: 'Messiah',
          keywords: [],
          performances: [
            { performanceTitle: 'Messiah', iso8601DateString: '2026-12-18T19:30:00-05:00' },
            { performanceTitle: 'Messiah', iso8601DateString: '2026-12-19T14:00:00-05:00' },
          ],
        },
        { productionTitle: 'Gala', performances: [{ performanceTitle: 'Gala', iso8601DateString: '2027-01-08T20:00:00-05:00' }] },
      ],
    };
    const page = extractRestPage(
      body,
      source({ results_field: 'productions', flatten: true, field_map: { name: 'performanceTitle', start_date: 'iso8601DateString' } }),
      endpoint,
    );
    expect(page.events.map((e) => e.startDate)).toEqual(['2026-12-18T19:30:00-05:00', '2026-12-19T14:00:00-05:00', '2027-01-08T20:00:00-05:00']);
  });

  it('walks month keys of a flattened object in sorted order', () => {
    const body = {
      events_by_month: { '2027-01': [{ title: 'January', event_start: '2027-01-05' }], '2026-12': [{ title: 'December', event_start: '2026-12-05' }] },
    };
    const page = extractRestPage(
      body,
      source({ results_field: 'events_by_month', flatten: true, field_map: { name: 'title', start_date: 'event_start' } }),
      endpoint,
    );
    expect(page.events.map((e) => e.name)).toEqual(['December', 'January']);
  });

  it('takes flattened items that have a start date as events even when they hold a list of prices', () => {
    const body = { productions: [{ performances: [{ title: 'Show', date: '2027-01-01', prices: [{ zone: 'A' }, { zone: 'B' }] }] }] };
    const page = extractRestPage(body, source({ results_field: 'productions', flatten: true, field_map: { name: 'title', start_date: 'date' } }), endpoint);
    expect(page.events.map((e) => e.name)).toEqual(['Show']);
  });

  it('drops flattened lists that are not events, such as keywords, with a warning', () => {
    const body = { productions: [{ keywords: [{ id: 1 }, { id: 2 }], performances: [{ title: 'Show', date: '2027-01-01' }] }] };
    const page = extractRestPage(body, source({ results_field: 'productions', flatten: true, field_map: { name: 'title', start_date: 'date' } }), endpoint);
    expect(page.events.map((e) => e.name)).toEqual(['Show']);
    expect(page.warnings).toEqual([`${endpoint}: flatten skipped 2 nested item(s) with neither a name nor a start date`]);
  });

  it('returns the next page from next_field on the same host', () => {
    const body = { results: [], next: 'https://api.venue.test/v1/events?page=2' };
    expect(extractRestPage(body, source({}), endpoint).next).toBe('https://api.venue.test/v1/events?page=2');
  });

  it('resolves a relative next link against the page, which SEL cannot follow', () => {
    const body = { results: [], next: '/v1/events?page=2' };
    expect(extractRestPage(body, source({}), endpoint).next).toBe('https://api.venue.test/v1/events?page=2');
  });

  it("reads a next_field whose name contains a dot, such as OData's @odata.nextLink", () => {
    const body = { value: [], '@odata.nextLink': 'https://api.venue.test/v1/events?$skip=100' };
    expect(extractRestPage(body, source({ results_field: 'value', next_field: '@odata.nextLink' }), endpoint).next).toBe(
      'https://api.venue.test/v1/events?$skip=100',
    );
  });

  it('refuses a next link on another host and stops pagination with a warning', () => {
    const page = extractRestPage({ results: [], next: 'https://tracker.test/collect?page=2' }, source({}), endpoint);
    expect(page.next).toBeUndefined();
    expect(page.warnings[0]).toMatch(/next page https:\/\/tracker\.test\/collect\?page=2 is on another host than the API \(api\.venue\.test\)/);
  });

  it('treats a null next as the last page without a warning', () => {
    const page = extractRestPage({ results: [], next: null }, source({}), endpoint);
    expect(page.next).toBeUndefined();
    expect(page.warnings).toEqual([]);
  });
});
