import { describe, expect, it } from 'vitest';
import { extractIcs } from '../../src/extract/ics.ts';
import { normalizeEvent, type NormalizeOutcome } from '../../src/normalize/event.ts';
import { groupOccurrences } from '../../src/normalize/group.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { expectOutcomes, named, type ExpectedOutcome, type Row } from './table.ts';

/**
 * iCalendar feeds (scraper-anchor.md §3.7) as a table: VEVENT properties and the events SEL
 * receives for them. The clock is frozen on 2026-03-04 17:00 UTC (noon in Toronto); recurring
 * events are expanded 90 days ahead, at most 100 occurrences, as SEL's defaults.
 */
const FEED = 'https://calendar.test/feed.ics';
const NOW = new Date('2026-03-04T17:00:00Z');

interface Input {
  lines: string[];
  /** More VEVENTs of the same feed, e.g. RECURRENCE-ID overrides. */
  more?: string[][];
  source?: Partial<SourceFile>;
}
type Expected = { events: ExpectedOutcome[]; warning?: RegExp } | { count: number; warning?: RegExp };

function feed(input: Input): string {
  const events = [input.lines, ...(input.more ?? [])];
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//conformance//EN',
    ...events.flatMap((lines) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT']),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

function read(input: Input): { outcomes: NormalizeOutcome[]; warnings: string[] } {
  const source = applyDefaults(
    { name: 'feed', url: FEED, extraction_method: 'ics', license: 'CC0-1.0', timezone: 'America/Toronto', ...input.source },
    'feed.yaml',
    'America/Toronto',
  );
  const { events, warnings } = extractIcs(feed(input), FEED, {
    now: NOW,
    zone: source.timezone,
    horizonDays: 90,
    maxOccurrences: 100,
    sourceName: source.name,
    hasDefaultLocation: source.default_location !== undefined,
  });
  return { outcomes: groupOccurrences(events).map((raw) => normalizeEvent(raw, { source, now: NOW })), warnings };
}

function check(input: Input, expected: Expected): void {
  const { outcomes, warnings } = read(input);
  if (expected.warning) expect(warnings.join('\n')).toMatch(expected.warning);
  else expect(warnings).toEqual([]);
  if ('count' in expected) {
    expect(outcomes.filter((o) => o.kind === 'valid')).toHaveLength(expected.count);
    return;
  }
  expectOutcomes(outcomes, expected.events);
}

const base = (...lines: string[]): string[] => ['UID:e1', 'SUMMARY:Board meeting', 'LOCATION:City Hall', ...lines];
const one = (lines: string[], event: Record<string, unknown>, note?: string, source?: Partial<SourceFile>): Row<Input, Expected> => ({
  input: { lines, ...(source ? { source } : {}) },
  expected: { events: [event] },
  ...(note ? { note } : {}),
});

const ZONES: Row<Input, Expected>[] = [
  one(base('DTSTART:20260310T190000Z'), { startDate: '2026-03-10T19:00:00Z' }, 'UTC stays UTC'),
  one(base('DTSTART;TZID=America/Toronto:20260310T190000'), { startDate: '2026-03-10T19:00:00-04:00' }),
  one(base('DTSTART;TZID=America/Toronto:20260305T190000'), { startDate: '2026-03-05T19:00:00-05:00' }, 'before the DST change'),
  one(base('DTSTART;TZID="America/Toronto":20260310T190000'), { startDate: '2026-03-10T19:00:00-04:00' }, 'quoted TZID'),
  one(base('DTSTART;TZID=America/Vancouver:20260310T190000'), { startDate: '2026-03-10T19:00:00-07:00' }),
  one(base('DTSTART;TZID=Europe/Paris:20260310T190000'), { startDate: '2026-03-10T19:00:00+01:00' }),
  one(base('DTSTART;TZID=Eastern Standard Time:20260310T190000'), { startDate: '2026-03-10T19:00:00-04:00' }, 'Windows zone name'),
  one(base('DTSTART;TZID=Pacific Standard Time:20260310T190000'), { startDate: '2026-03-10T19:00:00-07:00' }),
  one(base('DTSTART;TZID=Central Standard Time:20260310T190000'), { startDate: '2026-03-10T19:00:00-05:00' }),
  one(base('DTSTART;TZID=Mountain Standard Time:20260310T190000'), { startDate: '2026-03-10T19:00:00-06:00' }),
  one(base('DTSTART;TZID=Atlantic Standard Time:20260310T190000'), { startDate: '2026-03-10T19:00:00-03:00' }),
  one(base('DTSTART:20260310T190000'), { startDate: '2026-03-10T19:00:00-04:00' }, 'floating: the source zone'),
  one(base('DTSTART:20260310T190000'), { startDate: '2026-03-10T19:00:00-07:00' }, 'floating in a Vancouver source', { timezone: 'America/Vancouver' }),
  one(base('DTSTART;VALUE=DATE:20260310'), { startDate: '2026-03-10T00:00:00-04:00', endDate: '2026-03-11T00:00:00-04:00' }, 'all day'),
  one(
    base('DTSTART;VALUE=DATE:20260310', 'DTEND;VALUE=DATE:20260312'),
    { startDate: '2026-03-10T00:00:00-04:00', endDate: '2026-03-12T00:00:00-04:00' },
    'two days, DTEND exclusive',
  ),
  one(base('DTSTART:20260310T190000Z', 'DTEND:20260310T210000Z'), { startDate: '2026-03-10T19:00:00Z', endDate: '2026-03-10T21:00:00Z' }),
  one(base('DTSTART;TZID=America/Toronto:20260310T190000', 'DTEND;TZID=America/Toronto:20260310T213000'), { endDate: '2026-03-10T21:30:00-04:00' }),
  {
    input: { lines: base('DTSTART;TZID=Mars/Olympus_Mons:20260310T190000') },
    expected: { events: [{ startDate: '2026-03-10T19:00:00-04:00' }], warning: /Mars\/Olympus_Mons/ },
    note: 'unknown TZID: the source zone, with a warning (SEL: UTC silently)',
  },
];

const DURATIONS: Row<Input, Expected>[] = [
  one(base('DTSTART:20260310T190000Z', 'DURATION:PT2H'), { endDate: '2026-03-10T21:00:00Z' }),
  one(base('DTSTART:20260310T190000Z', 'DURATION:PT2H30M'), { endDate: '2026-03-10T21:30:00Z' }),
  one(base('DTSTART:20260310T190000Z', 'DURATION:PT90M'), { endDate: '2026-03-10T20:30:00Z' }),
  one(base('DTSTART:20260310T190000Z', 'DURATION:PT45M30S'), { endDate: '2026-03-10T19:45:30Z' }),
  one(base('DTSTART:20260310T190000Z', 'DURATION:P1D'), { endDate: '2026-03-11T19:00:00Z' }),
  one(base('DTSTART:20260310T190000Z', 'DURATION:P1W'), { endDate: '2026-03-17T19:00:00Z' }),
  one(base('DTSTART:20260310T190000Z', 'DURATION:P1DT2H'), { endDate: '2026-03-11T21:00:00Z' }),
  one(base('DTSTART:20260310T190000Z', 'DURATION:pt2h'), { endDate: '2026-03-10T21:00:00Z' }, 'lower case'),
  one(base('DTSTART:20260310T190000Z', 'DURATION:+PT1H'), { endDate: '2026-03-10T20:00:00Z' }, 'explicit sign'),
  one(
    base('DTSTART;TZID=America/Toronto:20260307T230000', 'DURATION:PT4H'),
    { startDate: '2026-03-07T23:00:00-05:00', endDate: '2026-03-08T04:00:00-04:00' },
    'across the DST change',
  ),
  one(base('DTSTART;VALUE=DATE:20260310', 'DURATION:P3D'), { endDate: '2026-03-13T00:00:00-04:00' }),
];

const RECURRENCE: Row<Input, Expected>[] = [
  {
    input: { lines: base('DTSTART:20260310T190000Z', 'RRULE:FREQ=WEEKLY;COUNT=3') },
    expected: {
      events: [
        {
          startDate: '2026-03-10T19:00:00Z',
          source: { eventId: 'e1:2026-03-10T19:00:00Z' },
          recurrence: { external_key: 'feed:e1', rrule: 'FREQ=WEEKLY;COUNT=3', series_end: null },
        },
        { startDate: '2026-03-17T19:00:00Z', source: { eventId: 'e1:2026-03-17T19:00:00Z' } },
        { startDate: '2026-03-24T19:00:00Z', source: { eventId: 'e1:2026-03-24T19:00:00Z' } },
      ],
    },
    note: 'one event per occurrence, id UID:<start>',
  },
  { input: { lines: base('DTSTART:20260305T190000Z', 'RRULE:FREQ=DAILY;COUNT=5') }, expected: { count: 5 } },
  {
    input: { lines: base('DTSTART;TZID=America/Toronto:20260309T190000', 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4') },
    expected: {
      events: [
        { startDate: '2026-03-09T19:00:00-04:00' },
        { startDate: '2026-03-11T19:00:00-04:00' },
        { startDate: '2026-03-16T19:00:00-04:00' },
        { startDate: '2026-03-18T19:00:00-04:00' },
      ],
    },
  },
  {
    input: { lines: base('DTSTART;TZID=America/Toronto:20260302T190000', 'RRULE:FREQ=WEEKLY;COUNT=4') },
    expected: { events: [{ startDate: '2026-03-09T19:00:00-04:00' }, { startDate: '2026-03-16T19:00:00-04:00' }, { startDate: '2026-03-23T19:00:00-04:00' }] },
    note: 'past occurrences left out; the wall time kept across DST',
  },
  {
    input: { lines: base('DTSTART;TZID=America/Toronto:20260315T140000', 'RRULE:FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3') },
    expected: { events: [{ startDate: '2026-03-15T14:00:00-04:00' }, { startDate: '2026-04-15T14:00:00-04:00' }, { startDate: '2026-05-15T14:00:00-04:00' }] },
  },
  {
    input: { lines: base('DTSTART:20260310T190000Z', 'RRULE:FREQ=WEEKLY;UNTIL=20260324T235959Z') },
    expected: { events: [{ recurrence: { series_end: '2026-03-24T23:59:59Z' } }, {}, {}] },
  },
  {
    input: { lines: base('DTSTART:20260305T190000Z', 'RRULE:FREQ=DAILY') },
    expected: { count: 89 },
    note: 'an endless rule stops 90 days ahead (March 5 to June 1)',
  },
  {
    input: { lines: base('DTSTART:20260304T180000Z', 'RRULE:FREQ=HOURLY') },
    expected: { count: 100, warning: /only the first 100/ },
    note: 'at most 100 occurrences',
  },
  {
    input: { lines: base('DTSTART:20260310T190000Z', 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE:20260317T190000Z') },
    expected: { events: [{ startDate: '2026-03-10T19:00:00Z' }, { startDate: '2026-03-24T19:00:00Z' }] },
  },
  {
    input: { lines: base('DTSTART;TZID=America/Toronto:20260310T190000', 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;TZID=America/Toronto:20260317T190000') },
    expected: {
      events: [{ startDate: '2026-03-10T19:00:00-04:00', recurrence: { exdates: ['2026-03-17T19:00:00-04:00'] } }, { startDate: '2026-03-24T19:00:00-04:00' }],
    },
  },
  {
    input: { lines: base('DTSTART:20260310T190000Z', 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE:20260310T190000Z,20260324T190000Z') },
    expected: { events: [{ startDate: '2026-03-17T19:00:00Z' }] },
    note: 'several EXDATEs in one line',
  },
  {
    input: { lines: base('DTSTART:20260310T190000Z', 'RRULE:FREQ=WEEKLY;COUNT=2', 'RDATE:20260312T190000Z') },
    expected: { events: [{ startDate: '2026-03-10T19:00:00Z' }, { startDate: '2026-03-12T19:00:00Z' }, { startDate: '2026-03-17T19:00:00Z' }] },
  },
  {
    input: {
      lines: base('DTSTART:20260310T190000Z', 'RRULE:FREQ=WEEKLY;COUNT=3'),
      more: [['UID:e1', 'SUMMARY:Board meeting (moved)', 'RECURRENCE-ID:20260317T190000Z', 'DTSTART:20260318T200000Z', 'LOCATION:Annex']],
    },
    expected: {
      events: [
        { startDate: '2026-03-10T19:00:00Z' },
        { name: 'Board meeting (moved)', startDate: '2026-03-18T20:00:00Z', location: { name: 'Annex' }, source: { eventId: 'e1:2026-03-17T19:00:00Z' } },
        { startDate: '2026-03-24T19:00:00Z' },
      ],
    },
    note: 'a RECURRENCE-ID override keeps the id of the date it replaces',
  },
  {
    input: {
      lines: base('DTSTART:20260310T190000Z', 'RRULE:FREQ=WEEKLY;COUNT=3'),
      more: [['UID:e1', 'SUMMARY:Board meeting', 'RECURRENCE-ID:20260317T190000Z', 'DTSTART:20260317T190000Z', 'STATUS:CANCELLED']],
    },
    expected: { events: [{ startDate: '2026-03-10T19:00:00Z' }, { kind: 'skipped', reason: /cancelled/ }, { startDate: '2026-03-24T19:00:00Z' }] },
    note: 'a cancelled occurrence is skipped',
  },
  {
    input: { lines: base('DTSTART:20250310T190000Z', 'RRULE:FREQ=WEEKLY;COUNT=3') },
    expected: { events: [], warning: /have already ended/ },
    note: 'a series that has ended',
  },
  { input: { lines: base('DTSTART:20260310T190000Z', 'rrule:freq=weekly;count=2') }, expected: { count: 2 }, note: 'RRULE in lower case' },
  {
    input: { lines: base('DTSTART:20260310T190000Z', 'RRULE:FREQ=WEEKLY;COUNT=2', 'STATUS:CANCELLED') },
    expected: { events: [{ kind: 'skipped', reason: /cancelled/ }] },
    note: 'a cancelled series',
  },
  {
    input: { lines: base('DTSTART;TZID=America/Toronto:20260310T190000', 'RRULE:FREQ=WEEKLY;COUNT=2') },
    expected: { events: [{ recurrence: { series_name: 'Board meeting', tzid: 'America/Toronto', series_start: '2026-03-10T00:00:00-04:00' } }, {}] },
  },
];

const ORGANIZER_GEO_STATUS: Row<Input, Expected>[] = [
  one(base('DTSTART:20260310T190000Z', 'ORGANIZER;CN=Jane Smith:mailto:jane@example.org'), { organizer: { name: 'Jane Smith', email: 'jane@example.org' } }),
  one(
    base('DTSTART:20260310T190000Z', 'ORGANIZER:mailto:jane@host.test'),
    { organizer: { name: 'jane', email: 'jane@host.test' } },
    'no CN: the address’s local part',
  ),
  one(base('DTSTART:20260310T190000Z', 'ORGANIZER;CN="Smith, Jane":mailto:jane@example.org'), {
    organizer: { name: 'Smith, Jane', email: 'jane@example.org' },
  }),
  one(base('DTSTART:20260310T190000Z', 'ORGANIZER;CN=Jane:MAILTO:jane@example.org'), { organizer: { name: 'Jane', email: 'jane@example.org' } }),
  one(base('DTSTART:20260310T190000Z', 'ORGANIZER;CN=Arts Council:https://arts.test/'), { organizer: { name: 'Arts Council', url: 'https://arts.test/' } }),
  one(base('DTSTART:20260310T190000Z', 'GEO:43.6532;-79.3832'), { location: { name: 'City Hall', latitude: 43.6532, longitude: -79.3832 } }),
  {
    input: { lines: base('DTSTART:20260310T190000Z', 'GEO:123;456') },
    expected: { events: [{ location: { name: 'City Hall' } }], warning: /GEO/ },
    note: 'coordinates out of range are ignored',
  },
  one(base('DTSTART:20260310T190000Z', 'STATUS:CONFIRMED'), { name: 'Board meeting' }),
  one(base('DTSTART:20260310T190000Z', 'STATUS:TENTATIVE'), { name: 'Board meeting' }),
  { input: { lines: base('DTSTART:20260310T190000Z', 'STATUS:CANCELLED') }, expected: { events: [{ kind: 'skipped', reason: /cancelled/ }] } },
  {
    input: { lines: base('DTSTART:20260310T190000Z', 'STATUS:cancelled') },
    expected: { events: [{ kind: 'skipped', reason: /cancelled/ }] },
    note: 'any case',
  },
];

const FIELDS: Row<Input, Expected>[] = [
  one(
    base('DTSTART:20260310T190000Z'),
    { name: 'Board meeting', source: { url: FEED, eventId: 'e1', name: 'feed' }, license: 'https://creativecommons.org/publicdomain/zero/1.0/' },
    'the UID is the id',
  ),
  one(['UID:e2', 'SUMMARY:Jazz\\, blues \\; more', 'LOCATION:Hall', 'DTSTART:20260310T190000Z'], { name: 'Jazz, blues ; more' }, 'escaped text'),
  one(base('DTSTART:20260310T190000Z', 'DESCRIPTION:Line one\\nLine two'), { description: 'Line one\nLine two' }),
  one(base('DTSTART:20260310T190000Z', 'URL:webcal://calendar.test/e/1'), { url: 'https://calendar.test/e/1' }),
  one(base('DTSTART:20260310T190000Z', 'CATEGORIES:Music,Jazz'), { keywords: ['Music', 'Jazz'] }),
  one(['UID:e3', 'SUMMARY:Talk', 'LOCATION:Lakeshore Arts\\, 12 Shore Rd\\, Toronto\\, ON M8V 1A1', 'DTSTART:20260310T190000Z'], {
    location: { name: 'Lakeshore Arts', streetAddress: '12 Shore Rd', addressLocality: 'Toronto', addressRegion: 'ON', postalCode: 'M8V 1A1' },
  }),
  one(['UID:e4', 'SUMMARY:Webinar', 'DESCRIPTION:Join us at https://zoom.us/j/123456', 'DTSTART:20260310T190000Z'], {
    virtualLocation: { url: 'https://zoom.us/j/123456' },
  }),
  one(['UID:e5', 'SUMMARY:Walk', 'DESCRIPTION:Location: Trinity Bellwoods Park', 'DTSTART:20260310T190000Z'], { location: { name: 'Trinity Bellwoods Park' } }),
  one(['UID:e6', 'SUMMARY:Meeting', 'DTSTART:20260310T190000Z'], { location: { name: 'Town Hall' } }, 'default_location', {
    default_location: { name: 'Town Hall' },
  }),
  {
    input: { lines: ['SUMMARY:No uid', 'LOCATION:Hall', 'DTSTART:20260310T190000Z'] },
    expected: { events: [{ source: { eventId: expect.stringMatching(/^nouid-[0-9a-f]{16}$/) } }], warning: /have no UID/ },
  },
  { input: { lines: base('DTSTART:20260301T190000Z') }, expected: { events: [], warning: /already ended/ }, note: 'an event that has ended' },
  { input: { lines: ['UID:e7', 'SUMMARY:No start', 'LOCATION:Hall'] }, expected: { events: [{ kind: 'invalid', reason: /no start date/ }] } },
  {
    input: { lines: base('DTSTART:20260310T190000Z'), more: [base('DTSTART:20260311T190000Z')] },
    expected: { events: [{ startDate: '2026-03-10T19:00:00Z' }], warning: /duplicate UID "e1"/ },
    note: 'a repeated UID',
  },
  { input: { lines: base('DTSTART:20260310T190000Z', 'CLASS:PRIVATE') }, expected: { events: [], warning: /PRIVATE/ } },
];

describe('conformance: ICS (scraper-anchor.md §3.7), now = 2026-03-04 12:00 Toronto', () => {
  const tables: [string, Row<Input, Expected>[]][] = [
    ['time zones', ZONES],
    ['DURATION', DURATIONS],
    ['RRULE, EXDATE, RDATE, RECURRENCE-ID', RECURRENCE],
    ['ORGANIZER, GEO, STATUS', ORGANIZER_GEO_STATUS],
    ['other fields', FIELDS],
  ];
  for (const [name, rows] of tables) {
    describe(name, () => {
      it.each(named(rows))('%s', (_title, row) => check(row.input, row.expected));
    });
  }
});
