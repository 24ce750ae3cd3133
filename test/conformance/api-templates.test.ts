import { describe, expect, it } from 'vitest';
import { compileApiMapping, mapApiItems, type Item } from '../../src/extract/api-mapping.ts';
import { DATOCMS_LEGACY_MAPPING } from '../../src/extract/graphql.ts';
import { normalizeEvent } from '../../src/normalize/event.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { named, type Row } from './table.ts';

/**
 * REST and GraphQL field mapping (scraper-anchor.md §3.5, §3.6) as a table: a field_map (dot
 * paths and Go-template values), an API item, and the event SEL receives. Dates from templates
 * go through the same date assembler as any text, in the source's zone.
 */
const API = 'https://api.venue.test/v1/events';
const NOW = new Date('2026-03-04T17:00:00Z');
const source = applyDefaults(
  { name: 'venue-api', url: 'https://venue.test/', tier: 3, timezone: 'America/Toronto', default_location: { name: 'Venue' }, rest: { endpoint: API } },
  'venue-api.yaml',
  'America/Toronto',
);

interface Input {
  fieldMap?: Record<string, string>;
  urlTemplate?: string;
  item: Item;
  block?: 'rest' | 'graphql';
}
type Expected = { event: Record<string, unknown>; warning?: RegExp } | { invalid: RegExp; warning?: RegExp };

function check(input: Input, expected: Expected): void {
  const block = input.block ?? 'rest';
  const mapping = compileApiMapping(block, input.fieldMap, input.urlTemplate, block === 'rest' ? 'identity' : DATOCMS_LEGACY_MAPPING);
  const { events, warnings } = mapApiItems([input.item], mapping, API);
  if (expected.warning) expect(warnings.join('\n')).toMatch(expected.warning);
  else expect(warnings).toEqual([]);
  const outcome = normalizeEvent(events[0] ?? { pageUrl: API }, { source, now: NOW });
  if ('invalid' in expected) {
    expect(outcome.kind).toBe('invalid');
    if (outcome.kind === 'invalid') expect(outcome.reason).toMatch(expected.invalid);
    return;
  }
  if (outcome.kind !== 'valid') throw new Error(`expected a valid event, got ${outcome.kind}: ${outcome.reason}`);
  expect(outcome.event).toMatchObject(expected.event);
}

const ROWS: Row<Input, Expected>[] = [
  {
    input: { fieldMap: { name: 'title', start_date: 'start' }, item: { title: 'Gig', start: '2026-12-05T20:00:00Z' } },
    expected: { event: { name: 'Gig', startDate: '2026-12-05T20:00:00Z' } },
  },
  {
    input: {
      fieldMap: { name: 'title', start_date: 'when.start', location: 'venue.name' },
      item: { title: 'Gig', when: { start: '2026-12-05T20:00' }, venue: { name: 'Rex' } },
    },
    expected: { event: { startDate: '2026-12-05T20:00:00-05:00', location: { name: 'Rex' } } },
    note: 'dot paths through objects',
  },
  {
    input: {
      fieldMap: { name: 'title', start_date: '{{.start_date}}T{{.start_time}}' },
      item: { title: 'Gig', start_date: '2026-12-05', start_time: '19:30:00' },
    },
    expected: { event: { startDate: '2026-12-05T19:30:00-05:00' } },
    note: 'Eventbrite-style template',
  },
  {
    input: { fieldMap: { name: 'title', start_date: '{{.date}} {{.time}}' }, item: { title: 'Gig', date: '2026-12-05', time: '7:30 PM' } },
    expected: { event: { startDate: '2026-12-05T19:30:00-05:00' } },
    note: 'an ISO date and a 12-hour time',
  },
  {
    input: { fieldMap: { name: 'title', start_date: '{{.date}} {{.time}}' }, item: { title: 'Gig', date: '2026-12-05', time: '7:30pm' } },
    expected: { event: { startDate: '2026-12-05T19:30:00-05:00' } },
  },
  {
    input: { fieldMap: { name: 'title', start_date: '{{.date}} {{.time}}' }, item: { title: 'Gig', date: '2026-12-05', time: '7:30 p.m.' } },
    expected: { event: { startDate: '2026-12-05T19:30:00-05:00' } },
  },
  {
    input: { fieldMap: { name: 'title', start_date: '{{.date}} {{.time}}' }, item: { title: 'Gig', date: '2026-12-05', time: '19:30' } },
    expected: { event: { startDate: '2026-12-05T19:30:00-05:00' } },
  },
  {
    input: { fieldMap: { name: 'title', start_date: '{{.date}} {{.time}}' }, item: { title: 'Gig', date: 'Dec 5, 2026', time: '8 PM' } },
    expected: { event: { startDate: '2026-12-05T20:00:00-05:00' } },
    note: 'human text falls to the date assembler',
  },
  {
    input: { fieldMap: { name: 'title', start_date: '{{ .date }} {{ .time }}' }, item: { title: 'Gig', date: '2026-12-05', time: '7:30 PM' } },
    expected: { event: { startDate: '2026-12-05T19:30:00-05:00' } },
    note: 'spaces inside the action',
  },
  {
    input: { fieldMap: { name: '{{- .title -}}', start_date: 'start' }, item: { title: 'Trim', start: '2026-12-05T20:00' } },
    expected: { event: { name: 'Trim' } },
  },
  {
    input: { fieldMap: { name: '{{.title}} ({{.subtitle}})', start_date: 'start' }, item: { title: 'Gig', subtitle: 'late show', start: '2026-12-05T20:00' } },
    expected: { event: { name: 'Gig (late show)' } },
  },
  {
    input: { fieldMap: { name: 'title', start_date: '{{.start_date}}T{{.start_time}}' }, item: { title: 'Gig', start_date: '2026-12-05' } },
    expected: { invalid: /no start date/, warning: /\.start_time is missing/ },
    note: 'a missing key leaves the field empty',
  },
  {
    input: { fieldMap: { name: 'title', start_date: '{{.start}}' }, item: { title: 'Gig', start: null } },
    expected: { invalid: /no start date/, warning: /\.start is missing/ },
    note: 'null counts as missing',
  },
  {
    input: { fieldMap: { name: 'title', start_date: 'start', description: 'Show #{{.id}}' }, item: { title: 'Gig', start: '2026-12-05T20:00', id: 42 } },
    expected: { event: { description: 'Show #42' } },
    note: 'a number in a template',
  },
  {
    input: {
      fieldMap: { name: 'title', start_date: 'start' },
      urlTemplate: 'https://venue.test/e/{{.slug}}',
      item: { title: 'Gig', start: '2026-12-05T20:00', slug: 'gig-1' },
    },
    expected: { event: { url: 'https://venue.test/e/gig-1', source: { eventId: 'https://venue.test/e/gig-1' } } },
  },
  {
    input: {
      fieldMap: { name: 'title', start_date: 'start', url: 'link' },
      urlTemplate: 'https://venue.test/e/{{.slug}}',
      item: { title: 'Gig', start: '2026-12-05T20:00', slug: 'gig-1', link: 'https://elsewhere.test/x' },
    },
    expected: { event: { url: 'https://venue.test/e/gig-1' } },
    note: 'url_template wins over field_map.url',
  },
  {
    input: {
      fieldMap: { name: 'title', start_date: 'start' },
      urlTemplate: 'https://venue.test/e/{{.slug}}',
      item: { title: 'Gig', start: '2026-12-05T20:00' },
    },
    expected: { event: { name: 'Gig' }, warning: /url_template: \.slug is missing/ },
  },
  {
    input: {
      fieldMap: { name: 'title', start_date: 'start', image: 'poster.url' },
      item: { title: 'Gig', start: '2026-12-05T20:00', poster: { url: 'https://cdn.venue.test/p.jpg' } },
    },
    expected: { event: { image: 'https://cdn.venue.test/p.jpg' } },
  },
  {
    input: { fieldMap: { name: 'title', start_date: 'start', end_date: 'end' }, item: { title: 'Gig', start: '2026-12-05T20:00', end: '2026-12-05T23:00' } },
    expected: { event: { endDate: '2026-12-05T23:00:00-05:00' } },
  },
  {
    input: {
      fieldMap: { name: 'title', start_date: 'start', location: '{{.venue}}, {{.city}}' },
      item: { title: 'Gig', start: '2026-12-05T20:00', venue: 'Rex', city: 'Toronto' },
    },
    expected: { event: { location: { name: 'Rex, Toronto' } } },
  },
  {
    input: { fieldMap: { name: 'title', start_date: 'start' }, item: { title: 'Gig', start: '2026-12-05T20:00' } },
    expected: { event: { location: { name: 'Venue' } } },
    note: 'no location: default_location',
  },
  {
    input: {
      fieldMap: { name: 'title', start_date: 'start', description: 'summary' },
      item: { title: 'Gig', start: '2026-12-05T20:00', summary: 'An evening.' },
    },
    expected: { event: { description: 'An evening.' } },
  },
  {
    input: { item: { name: 'Identity', start_date: '2026-12-05T20:00', url: 'https://venue.test/i' } },
    expected: { event: { name: 'Identity', url: 'https://venue.test/i' } },
    note: 'no field_map: fields by their own names',
  },
  {
    input: { item: { Name: 'Go names', StartDate: '2026-12-05T20:00' } },
    expected: { event: { name: 'Go names', startDate: '2026-12-05T20:00:00-05:00' } },
    note: 'SEL’s Go field names',
  },
  { input: { fieldMap: { name: 'title' }, item: { title: 'No date' } }, expected: { invalid: /no start date/ } },
  {
    input: { fieldMap: { name: 'title', start_date: 'start' }, item: { start: '2026-12-05T20:00' } },
    expected: { invalid: /no name/, warning: /field_map\.name: "title" found no value/ },
  },
  {
    input: { fieldMap: { name: 'title', start_date: 'start' }, item: { title: 'Gig', start: 'Sat, Dec 5 · 8pm' } },
    expected: { event: { startDate: '2026-12-05T20:00:00-05:00' } },
    note: 'human text in a path',
  },
  {
    input: {
      block: 'graphql',
      item: {
        title: 'Dato',
        startDate: '2026-12-05T20:00:00-05:00',
        endDate: '2026-12-05T22:00:00-05:00',
        photo: { url: 'https://img.test/p.jpg' },
        rooms: [{ name: 'Main Hall' }, { name: 'Back' }],
      },
    },
    expected: { event: { name: 'Dato', endDate: '2026-12-05T22:00:00-05:00', image: 'https://img.test/p.jpg', location: { name: 'Main Hall' } } },
    note: 'GraphQL without field_map: the DatoCMS mapping',
  },
  {
    input: { block: 'graphql', fieldMap: { name: 'headline', start_date: 'starts' }, item: { headline: 'Mapped', starts: '2026-12-05T20:00' } },
    expected: { event: { name: 'Mapped' } },
  },
];

describe('conformance: REST and GraphQL field mapping (scraper-anchor.md §3.5, §3.6)', () => {
  it.each(named(ROWS))('%s', (_title, row) => check(row.input, row.expected));

  it.each([
    ['{{if .x}}yes{{end}}', /only field references/],
    ['{{.x | printf "%s"}}', /only field references/],
    ['{{.x', /unclosed action/],
  ])('refuses the template %s, which the supported subset cannot render', (template, message) => {
    expect(() => compileApiMapping('rest', { name: template }, undefined, 'identity')).toThrow(message);
  });
});
