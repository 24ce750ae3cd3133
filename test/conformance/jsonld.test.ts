import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractJsonLd } from '../../src/extract/jsonld.ts';
import { normalizeEvent, type NormalizeOutcome } from '../../src/normalize/event.ts';
import { groupOccurrences } from '../../src/normalize/group.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { expectOutcomes, named, type ExpectedOutcome, type Row } from './table.ts';

/**
 * JSON-LD shapes (scraper-anchor.md §3.1, §4.4) as a table: a page's JSON-LD and the events
 * SEL's server receives for it, through extraction, SEL's URL+name grouping and normalisation.
 */
const PAGE = 'https://venue.test/whats-on';
const NOW = new Date('2026-03-04T17:00:00Z');
const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';
const fixtures = new URL('../fixtures/sel-testdata/', import.meta.url);

type Input = object | object[] | { file: string } | { html: string };
/** One entry per outcome, in order; `reason` entries are invalid or skipped events. */
type Expected = ExpectedOutcome[];

const source = (extra: Partial<SourceFile> = {}) =>
  applyDefaults({ name: 'venue', url: PAGE, license: 'CC0-1.0', timezone: 'America/Toronto', ...extra }, 'venue.yaml', 'America/Toronto');

function pageOf(input: Input): string {
  if ('file' in input) return readFileSync(new URL(input.file, fixtures), 'utf8');
  if ('html' in input) return input.html;
  return `<html><head><script type="application/ld+json">${JSON.stringify(input)}</script></head></html>`;
}

function outcomes(input: Input, extra: Partial<SourceFile> = {}): NormalizeOutcome[] {
  const { events } = extractJsonLd(pageOf(input), PAGE);
  return groupOccurrences(events).map((raw) => normalizeEvent(raw, { source: source(extra), now: NOW }));
}

function check(input: Input, expected: Expected, extra: Partial<SourceFile> = {}): void {
  // SEL's fixture pages mostly name no venue; their source would set one.
  const got = outcomes(input, 'file' in input ? { default_location: { name: 'Default Hall' }, ...extra } : extra);
  expectOutcomes(got, expected);
}

const hall = { '@type': 'Place', name: 'Hall' };
const ev = (extra: object) => ({
  '@context': 'https://schema.org',
  '@type': 'Event',
  name: 'Show',
  startDate: '2026-05-01T20:00:00-04:00',
  location: hall,
  ...extra,
});

const SHAPES: Row<Input, Expected>[] = [
  {
    input: { file: 'single_event.html' },
    expected: [
      {
        name: 'Jazz Night',
        startDate: '2026-03-15T20:00:00-05:00',
        endDate: '2026-03-15T22:00:00-05:00',
        location: { name: 'The Rex Hotel', streetAddress: '194 Queen St W', addressLocality: 'Toronto', addressRegion: 'ON' },
        offers: { price: '15', priceCurrency: 'CAD' },
        url: 'https://therex.ca/events/jazz-night',
        source: { url: PAGE, eventId: 'https://therex.ca/events/jazz-night', name: 'venue', license: CC0 },
        license: CC0,
      },
    ],
  },
  { input: { file: 'graph_events.html' }, expected: [{}, {}], note: '@graph: an Organization and two events' },
  {
    input: { file: 'array_events.html' },
    expected: [{ startDate: expect.stringMatching(/T00:00:00-0[45]:00$/) }, { startDate: expect.stringMatching(/T00:00:00-0[45]:00$/) }],
    note: 'top-level array, dates alone',
  },
  { input: { file: 'itemlist_events.html' }, expected: [{}, {}], note: 'ItemList of ListItem.item' },
  { input: { file: 'string_location.html' }, expected: [{ location: { name: expect.any(String) } }] },
  { input: { file: 'malformed_jsonld.html' }, expected: [] },
  { input: { file: 'no_jsonld.html' }, expected: [] },
  {
    input: { file: 'multiple_events_same_show.html' },
    expected: [{ name: 'Hamlet', occurrences: [{}, {}, {}] }, { name: 'The Tempest' }],
    note: 'same URL and name: one event with occurrences',
  },
  { input: { file: 'eventseries_subevents.html' }, expected: [{ occurrences: [{}, {}, {}] }], note: 'EventSeries with three subEvents' },
  {
    input: { file: 'subevent_single.html' },
    expected: [{ startDate: '2026-08-01T10:00:00-04:00', endDate: '2026-08-01T12:00:00-04:00' }],
    note: 'a lone subEvent at the start keeps its end',
  },
  { input: ev({}), expected: [{ '@type': 'Event', name: 'Show', startDate: '2026-05-01T20:00:00-04:00', location: { name: 'Hall' } }] },
  { input: ev({ startDate: '2026-05-01T20:00' }), expected: [{ startDate: '2026-05-01T20:00:00-04:00' }], note: 'no offset: the source zone' },
  { input: ev({ startDate: '2026-12-01T20:00:00' }), expected: [{ startDate: '2026-12-01T20:00:00-05:00' }] },
  { input: ev({ startDate: '2026-05-01' }), expected: [{ startDate: '2026-05-01T00:00:00-04:00' }], note: 'a date alone is midnight' },
  { input: ev({ startDate: { '@type': 'Date', '@value': '2026-05-01' } }), expected: [{ startDate: '2026-05-01T00:00:00-04:00' }] },
  { input: ev({ startDate: { '@value': '2026-05-01T19:00' } }), expected: [{ startDate: '2026-05-01T19:00:00-04:00' }] },
  { input: ev({ name: { '@value': 'Valued' } }), expected: [{ name: 'Valued' }] },
  {
    input: ev({ startDate: '2026-05-01T20:00:00Z', endDate: '2026-05-01T23:00:00Z' }),
    expected: [{ startDate: '2026-05-01T20:00:00Z', endDate: '2026-05-01T23:00:00Z' }],
  },
  { input: ev({ doorTime: '2026-05-01T19:00' }), expected: [{ doorTime: '2026-05-01T19:00:00-04:00' }] },
  { input: ev({ '@type': 'https://schema.org/Event' }), expected: [{ name: 'Show' }] },
  { input: ev({ '@type': 'http://schema.org/Event' }), expected: [{ name: 'Show' }] },
  {
    input: ev({ '@type': 'EventSeries', subEvent: [{ startDate: '2026-05-01T20:00' }, { startDate: '2026-05-08T20:00' }] }),
    expected: [{ occurrences: [{ startDate: '2026-05-01T20:00:00-04:00' }, { startDate: '2026-05-08T20:00:00-04:00' }] }],
  },
  {
    input: ev({ startDate: undefined, subEvent: [{ startDate: '2026-05-08T20:00' }, { startDate: '2026-05-01T20:00' }] }),
    expected: [{ startDate: '2026-05-01T20:00:00-04:00', occurrences: [{}, {}] }],
    note: 'the earliest occurrence is the start',
  },
  {
    input: ev({ subEvent: ['https://venue.test/s/1', { startDate: '2026-05-08T20:00' }] }),
    expected: [{ startDate: '2026-05-01T20:00:00-04:00', occurrences: [{ startDate: '2026-05-08T20:00:00-04:00' }] }],
    note: 'string references skipped',
  },
  {
    input: ev({ subEvent: { startDate: '2026-05-08T20:00', endDate: '2026-05-08T22:00' } }),
    expected: [{ startDate: '2026-05-01T20:00:00-04:00', occurrences: [{ startDate: '2026-05-08T20:00:00-04:00', endDate: '2026-05-08T22:00:00-04:00' }] }],
    note: 'a lone subEvent on another day stays an occurrence',
  },
  {
    input: ev({
      url: 'https://venue.test/fest',
      subEvent: [{ '@type': 'Event', name: 'Band', url: 'https://venue.test/band', startDate: '2026-05-02T20:00' }],
    }),
    expected: [{ name: 'Show' }, { name: 'Band', location: { name: 'Hall' }, url: 'https://venue.test/band' }],
    note: 'a subEvent with its own page is its own event with the series venue',
  },
  { input: [ev({ name: 'A' }), ev({ name: 'B' })], expected: [{ name: 'A' }, { name: 'B' }] },
  { input: { '@graph': [{ '@type': 'Organization', name: 'Org' }, ev({ name: 'A' }), { '@type': 'WebSite', name: 'W' }] }, expected: [{ name: 'A' }] },
  {
    input: {
      '@type': 'ItemList',
      itemListElement: [
        { '@type': 'ListItem', position: 1, item: ev({ name: 'A' }) },
        { '@type': 'ListItem', position: 2, item: ev({ name: 'B' }) },
      ],
    },
    expected: [{ name: 'A' }, { name: 'B' }],
  },
  { input: { '@type': 'BreadcrumbList', itemListElement: [] }, expected: [] },
  { input: ev({ name: '' }), expected: [{ kind: 'invalid', reason: /no name/ }] },
  { input: ev({ startDate: undefined }), expected: [{ kind: 'invalid', reason: /no start date/ }] },
  { input: ev({ eventStatus: 'https://schema.org/EventCancelled' }), expected: [{ kind: 'skipped', reason: /cancelled/ }] },
  { input: ev({ eventStatus: 'https://schema.org/EventScheduled' }), expected: [{ name: 'Show' }] },
];

const FIELDS: Row<Input, Expected>[] = [
  { input: ev({ location: 'Massey Hall' }), expected: [{ location: { name: 'Massey Hall' } }], note: 'location as a string' },
  {
    input: ev({
      location: {
        '@type': 'Place',
        name: 'Hall',
        address: {
          '@type': 'PostalAddress',
          streetAddress: '1 Main St',
          addressLocality: 'Toronto',
          addressRegion: 'ON',
          postalCode: 'M5V 1A1',
          addressCountry: 'CA',
        },
      },
    }),
    expected: [
      { location: { name: 'Hall', streetAddress: '1 Main St', addressLocality: 'Toronto', addressRegion: 'ON', postalCode: 'M5V 1A1', addressCountry: 'CA' } },
    ],
  },
  {
    input: ev({ location: { '@type': 'Place', name: 'Hall', streetAddress: '1 Main St', addressLocality: 'Toronto' } }),
    expected: [{ location: { name: 'Hall', streetAddress: '1 Main St', addressLocality: 'Toronto' } }],
    note: 'flat address fields',
  },
  {
    input: ev({ location: { '@type': 'Place', name: 'Hall', geo: { '@type': 'GeoCoordinates', latitude: 43.65, longitude: -79.38 } } }),
    expected: [{ location: { name: 'Hall', latitude: 43.65, longitude: -79.38 } }],
  },
  {
    input: ev({
      location: [
        { '@type': 'Place', name: 'First' },
        { '@type': 'Place', name: 'Second' },
      ],
    }),
    expected: [{ location: { name: 'First' } }],
  },
  {
    input: ev({ location: { '@type': 'Place', address: { streetAddress: '1 Main St', addressLocality: 'Toronto' } } }),
    expected: [{ location: { name: '1 Main St', streetAddress: '1 Main St' } }],
    note: 'a place with only an address',
  },
  { input: ev({ location: undefined }), expected: [{ kind: 'invalid', reason: /no location/ }] },
  {
    input: ev({ location: { '@type': 'VirtualLocation', url: 'https://stream.test/live' } }),
    expected: [{ virtualLocation: { url: 'https://stream.test/live' } }],
  },
  { input: ev({ image: 'https://venue.test/a.jpg' }), expected: [{ image: 'https://venue.test/a.jpg' }] },
  {
    input: ev({ image: ['https://venue.test/a.jpg', 'https://venue.test/b.jpg'] }),
    expected: [{ image: 'https://venue.test/a.jpg' }],
    note: 'the first of an array',
  },
  { input: ev({ image: { '@type': 'ImageObject', url: 'https://venue.test/c.jpg' } }), expected: [{ image: 'https://venue.test/c.jpg' }] },
  { input: ev({ image: { '@type': 'ImageObject', contentUrl: 'https://venue.test/d.jpg' } }), expected: [{ image: 'https://venue.test/d.jpg' }] },
  {
    input: ev({ organizer: { '@type': 'Organization', name: 'Org', url: 'https://org.test/', email: 'hi@org.test', telephone: '+1 416 555 0100' } }),
    expected: [{ organizer: { name: 'Org', url: 'https://org.test/', email: 'hi@org.test', telephone: '+1 416 555 0100' } }],
  },
  {
    input: ev({
      organizer: [
        { '@type': 'Person', name: 'First' },
        { '@type': 'Person', name: 'Second' },
      ],
    }),
    expected: [{ organizer: { name: 'First' } }],
  },
  {
    input: ev({ offers: { '@type': 'Offer', price: '15', priceCurrency: 'CAD', url: 'https://venue.test/tix' } }),
    expected: [{ offers: { price: '15', priceCurrency: 'CAD', url: 'https://venue.test/tix' } }],
  },
  {
    input: ev({
      offers: [
        { '@type': 'Offer', price: '20', priceCurrency: 'CAD' },
        { '@type': 'Offer', price: '30' },
      ],
    }),
    expected: [{ offers: { price: '20', priceCurrency: 'CAD' } }],
  },
  { input: ev({ keywords: ['jazz', 'live'] }), expected: [{ keywords: ['jazz', 'live'] }] },
  { input: ev({ inLanguage: 'en' }), expected: [{ inLanguage: ['en'] }] },
  { input: ev({ inLanguage: ['en', 'fr'] }), expected: [{ inLanguage: ['en', 'fr'] }] },
  { input: ev({ sameAs: 'https://other.test/show' }), expected: [{ sameAs: ['https://other.test/show'] }] },
  { input: ev({ isAccessibleForFree: true }), expected: [{ isAccessibleForFree: true }] },
  { input: ev({ isAccessibleForFree: 'False' }), expected: [{ isAccessibleForFree: false }], note: '"true"/"false" in any case' },
  { input: ev({ description: 'An evening of jazz.' }), expected: [{ description: 'An evening of jazz.' }] },
  { input: ev({ url: 'https://venue.test/shows/1' }), expected: [{ url: 'https://venue.test/shows/1' }] },
];

const IDENTIFIERS: Row<Input, Expected>[] = [
  {
    input: ev({ '@id': 'https://venue.test/e/1', identifier: 'x', url: 'https://venue.test/shows/1' }),
    expected: [{ source: { eventId: 'https://venue.test/e/1' } }],
    note: '@id first',
  },
  {
    input: ev({ identifier: 'ext-id-123', url: 'https://venue.test/shows/1' }),
    expected: [{ source: { eventId: 'ext-id-123' } }],
    note: 'then identifier, verbatim',
  },
  { input: ev({ identifier: { '@type': 'PropertyValue', propertyID: 'tix', value: 'T-9' } }), expected: [{ source: { eventId: 'T-9' } }] },
  { input: ev({ identifier: { '@value': 'V-1' } }), expected: [{ source: { eventId: 'V-1' } }] },
  { input: ev({ identifier: 12345 }), expected: [{ source: { eventId: '12345' } }] },
  { input: ev({ url: 'https://venue.test/shows/1' }), expected: [{ source: { url: PAGE, eventId: 'https://venue.test/shows/1' } }], note: 'then url' },
  {
    input: ev({ url: '/shows/2' }),
    expected: [{ url: 'https://venue.test/shows/2', source: { eventId: 'https://venue.test/shows/2' } }],
    note: 'a relative url resolved',
  },
  { input: ev({ '@id': '#show-3' }), expected: [{ source: { eventId: `${PAGE}#show-3` } }], note: 'a relative @id resolved' },
];

describe('conformance: JSON-LD (scraper-anchor.md §3.1, §4.4), now = 2026-03-04', () => {
  describe('shapes', () => {
    it.each(named(SHAPES))('%s', (_title, row) => check(row.input, row.expected));
  });
  describe('fields', () => {
    it.each(named(FIELDS))('%s', (_title, row) => check(row.input, row.expected));
  });
  describe('event ids', () => {
    it.each(named(IDENTIFIERS))('%s', (_title, row) => check(row.input, row.expected));
  });
  describe('source settings', () => {
    it('copies the source domain to eventDomain', () => check(ev({}), [{ eventDomain: 'music' }], { domain: 'music' }));
    it('uses default_location when the page has none', () =>
      check(ev({ location: undefined }), [{ location: { name: 'Main Hall', addressLocality: 'Toronto' } }], {
        default_location: { name: 'Main Hall', address_locality: 'Toronto' },
      }));
    it('prefers the page’s location over default_location', () => check(ev({}), [{ location: { name: 'Hall' } }], { default_location: { name: 'Main Hall' } }));
    it('reads times without an offset in the source timezone', () =>
      check(ev({ startDate: '2026-05-01T20:00' }), [{ startDate: '2026-05-01T20:00:00-06:00' }], { timezone: 'America/Edmonton' }));
    it('sends multi-session settings', () =>
      check(ev({}), [{ skip_multi_session_check: true, multi_session_duration_threshold: 720 * 3600 * 1e9 }], {
        skip_multi_session_check: true,
        multi_session_duration_threshold: '720h',
      }));
  });
});
