import { describe, expect, it } from 'vitest';
import { resolveDates, type RawDates } from '../../src/normalize/event-dates.ts';
import { named, type Row } from './table.ts';

/**
 * SEL's date assembler (scraper-anchor.md §4.2) as a table: the text a page or an API gives,
 * and the RFC 3339 start (and end) SEL's scraper sends for it. The clock is frozen on
 * Wednesday 2026-03-04 at noon in Toronto, four days before clocks spring forward (March 8).
 */
const ZONE = 'America/Toronto';
const NOW = new Date('2026-03-04T17:00:00Z');

type Input = string | string[] | RawDates;
type Expected = { start: string; end?: string; door?: string; inferred?: boolean; warning?: RegExp } | { error: RegExp };

function read(input: Input) {
  const raw: RawDates = typeof input === 'string' ? { startDate: input } : Array.isArray(input) ? { dateParts: input } : input;
  return resolveDates(raw, ZONE, NOW);
}

function check(input: Input, expected: Expected): void {
  const outcome = read(input);
  if ('error' in expected) {
    expect(outcome.ok, `expected no date, got ${JSON.stringify(outcome)}`).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toMatch(expected.error);
    return;
  }
  if (!outcome.ok) throw new Error(`expected ${expected.start}, got error: ${outcome.reason}`);
  const got = outcome.dates;
  expect({ start: got.startDate, end: got.endDate, door: got.doorTime }).toEqual({ start: expected.start, end: expected.end, door: expected.door });
  if (expected.inferred !== undefined) expect(got.yearWasInferred ?? false, 'yearWasInferred').toBe(expected.inferred);
  if (expected.warning) expect(got.warnings.join('\n')).toMatch(expected.warning);
  else expect(got.warnings, 'warnings').toEqual([]);
}

const at = (time: string, offset = '-05:00', day = '2026-03-05') => `${day}T${time}${offset}`;

const TWELVE_HOUR: Row<Input, Expected>[] = [
  { input: 'March 5, 2026 7:30 PM', expected: { start: at('19:30:00'), inferred: false } },
  { input: 'March 5, 2026 7:30pm', expected: { start: at('19:30:00') } },
  { input: 'March 5, 2026 7:30 p.m.', expected: { start: at('19:30:00') } },
  { input: 'March 5, 2026 7:30 P.M.', expected: { start: at('19:30:00') } },
  { input: 'March 5, 2026 7:30PM', expected: { start: at('19:30:00') } },
  { input: 'March 5, 2026 7 pm', expected: { start: at('19:00:00') } },
  { input: 'March 5, 2026 7pm', expected: { start: at('19:00:00') } },
  { input: 'March 5, 2026 12 pm', expected: { start: at('12:00:00') }, note: '12 pm is noon' },
  { input: 'March 5, 2026 12 am', expected: { start: at('00:00:00') }, note: '12 am is midnight' },
  { input: 'March 5, 2026 12:30 am', expected: { start: at('00:30:00') } },
  { input: 'March 5, 2026 12:45 PM', expected: { start: at('12:45:00') } },
  { input: 'March 5, 2026 11:59 pm', expected: { start: at('23:59:00') } },
  { input: 'March 5, 2026 9:30 a.m.', expected: { start: at('09:30:00') } },
  { input: 'March 5, 2026 9 AM', expected: { start: at('09:00:00') } },
  { input: 'March 5, 2026 9am', expected: { start: at('09:00:00') } },
  { input: 'March 5, 2026 at 7:30 PM', expected: { start: at('19:30:00') } },
  { input: 'March 5, 2026, 7:30 PM', expected: { start: at('19:30:00') } },
  { input: 'March 5, 2026 @ 7:30 PM', expected: { start: at('19:30:00') } },
  { input: 'March 5, 2026 · 7:30 PM', expected: { start: at('19:30:00') } },
  { input: 'Thursday, March 5, 2026 7:30 PM', expected: { start: at('19:30:00') } },
  { input: 'Thu, Mar 5, 2026, 7:30 PM', expected: { start: at('19:30:00') } },
  { input: 'Thurs., March 5, 2026 8:15 pm', expected: { start: at('20:15:00') } },
  { input: '5 Mar 2026 7:30 PM', expected: { start: at('19:30:00') } },
  { input: 'March 5th, 2026 7:30 PM', expected: { start: at('19:30:00') } },
  { input: 'Mar 5 2026 7:30PM', expected: { start: at('19:30:00') } },
  { input: 'MARCH 5, 2026 7:30 PM', expected: { start: at('19:30:00') } },
  { input: 'march 5, 2026 7:30 pm', expected: { start: at('19:30:00') } },
  { input: '3/5/2026 7:30 PM', expected: { start: at('19:30:00') }, note: 'month first' },
  { input: '2026/03/05 7:30 PM', expected: { start: at('19:30:00') } },
  { input: '2026-03-05 7:30 PM', expected: { start: at('19:30:00') }, note: 'an ISO date, then a 12-hour time' },
  { input: '2026-03-05 7:30pm', expected: { start: at('19:30:00') } },
  { input: '2026-03-05 7:30 p.m.', expected: { start: at('19:30:00') } },
  { input: '2026-03-05 7:30 am', expected: { start: at('07:30:00') } },
  { input: '2026-03-05 12:15 AM', expected: { start: at('00:15:00') } },
  { input: '2026-03-05 12:00 PM', expected: { start: at('12:00:00') } },
  { input: '2026-03-05 7 PM', expected: { start: at('19:00:00') } },
  { input: '2026-03-05T7:30 PM', expected: { start: at('19:30:00') } },
  { input: '2026-03-05 7:30 PM - 9:30 PM', expected: { start: at('19:30:00'), end: at('21:30:00') } },
  { input: '2026-03-05 7:30 - 9:30 PM', expected: { start: at('19:30:00'), end: at('21:30:00') } },
  {
    input: ['2026-03-05', '7:30 PM'],
    expected: { start: at('19:30:00') },
    note: 'SEL sends midnight here; a deliberate difference, see docs/differences-from-sel.md',
  },
];

const TWENTY_FOUR_HOUR: Row<Input, Expected>[] = [
  { input: 'March 5, 2026 19:30', expected: { start: at('19:30:00') } },
  { input: 'March 5, 2026 07:05', expected: { start: at('07:05:00') } },
  { input: 'March 5, 2026 0:00', expected: { start: at('00:00:00') } },
  { input: 'March 5, 2026 23:45:30', expected: { start: at('23:45:30') } },
  { input: '5 March 2026 21:30', expected: { start: at('21:30:00') } },
  { input: ['March 5, 2026', '21:30'], expected: { start: at('21:30:00') } },
  { input: '2026-03-05T19:30', expected: { start: at('19:30:00') }, note: 'partial ISO read in the zone' },
  { input: '2026-03-05T19:30:00', expected: { start: at('19:30:00') } },
  { input: '2026-03-05 19:30', expected: { start: at('19:30:00') } },
  { input: '2026-03-05T19:30:00-05:00', expected: { start: at('19:30:00') }, note: 'RFC 3339 unchanged' },
  { input: '2026-03-05T19:30:00Z', expected: { start: '2026-03-05T19:30:00Z' } },
  { input: '2026-03-05T19:30:00+01:00', expected: { start: '2026-03-05T19:30:00+01:00' } },
  { input: '2026-03-05T19:30:00.000Z', expected: { start: '2026-03-05T19:30:00Z' } },
  { input: '2026-03-05T19:30:00.250Z', expected: { start: '2026-03-05T19:30:00.250Z' } },
  { input: '20260305T193000Z', expected: { start: '2026-03-05T19:30:00Z' }, note: 'ISO basic format' },
  { input: '2026-03-05', expected: { start: at('00:00:00') }, note: 'a date alone is midnight in the zone' },
  { input: '2026-3-5', expected: { start: at('00:00:00') } },
  { input: '2026-07-01T20:00', expected: { start: '2026-07-01T20:00:00-04:00' }, note: 'summer offset' },
  { input: '2026-02-30', expected: { error: /invalid date/ } },
  { input: '2026-03-05T25:00', expected: { error: /./ } },
  { input: ['March 5, 2026', '19:00', '23:00'], expected: { start: at('19:00:00'), end: at('23:00:00') } },
];

const RANGES: Row<Input, Expected>[] = [
  { input: 'March 5-7, 2026', expected: { start: at('00:00:00'), end: at('00:00:00', '-05:00', '2026-03-07'), inferred: false } },
  { input: 'March 5 - 7, 2026', expected: { start: at('00:00:00'), end: at('00:00:00', '-05:00', '2026-03-07') } },
  { input: 'March 5th-7th, 2026', expected: { start: at('00:00:00'), end: at('00:00:00', '-05:00', '2026-03-07') } },
  { input: 'Mar 5-7 2026', expected: { start: at('00:00:00'), end: at('00:00:00', '-05:00', '2026-03-07') } },
  { input: '5-7 March 2026', expected: { start: at('00:00:00'), end: at('00:00:00', '-05:00', '2026-03-07') } },
  { input: 'Feb 3, 2026 - Mar 8, 2026', expected: { start: '2026-02-03T00:00:00-05:00', end: '2026-03-08T00:00:00-05:00' } },
  { input: 'Feb 3 – Mar 8, 2026', expected: { start: '2026-02-03T00:00:00-05:00', end: '2026-03-08T00:00:00-05:00' }, note: 'en dash' },
  { input: 'Feb 3 — Mar 8, 2026', expected: { start: '2026-02-03T00:00:00-05:00', end: '2026-03-08T00:00:00-05:00' }, note: 'em dash' },
  { input: 'Feb 3 to Mar 8, 2026', expected: { start: '2026-02-03T00:00:00-05:00', end: '2026-03-08T00:00:00-05:00' } },
  { input: 'Feb 3 through Mar 8, 2026', expected: { start: '2026-02-03T00:00:00-05:00', end: '2026-03-08T00:00:00-05:00' } },
  { input: 'May 6, 2025–May 25, 2026', expected: { start: '2025-05-06T00:00:00-04:00', end: '2026-05-25T00:00:00-04:00' } },
  { input: 'Nov. 13, 2025–Mar. 17, 2026', expected: { start: '2025-11-13T00:00:00-05:00', end: '2026-03-17T00:00:00-04:00' } },
  { input: 'Jan 20 - Mar 1, 2026', expected: { start: '2026-01-20T00:00:00-05:00', end: '2026-03-01T00:00:00-05:00', inferred: false } },
  { input: 'Dec 28, 2026 - Jan 3, 2027', expected: { start: '2026-12-28T00:00:00-05:00', end: '2027-01-03T00:00:00-05:00' } },
  {
    input: 'Dec 28 - Jan 3, 2027',
    expected: { start: '2026-12-28T00:00:00-05:00', end: '2027-01-03T00:00:00-05:00' },
    note: 'the start is in the year before',
  },
  { input: 'Sept 10 - Oct 2, 2026', expected: { start: '2026-09-10T00:00:00-04:00', end: '2026-10-02T00:00:00-04:00' } },
  { input: 'March 5, 2026 7:00 PM - 9:00 PM', expected: { start: at('19:00:00'), end: at('21:00:00') } },
  { input: 'March 5, 2026 7 - 9 PM', expected: { start: at('19:00:00'), end: at('21:00:00') }, note: 'pm copied to the start' },
  { input: 'March 5, 2026 1 - 3:30 pm', expected: { start: at('13:00:00'), end: at('15:30:00') } },
  { input: 'March 5, 2026 10:00 am - 2:00 pm', expected: { start: at('10:00:00'), end: at('14:00:00') } },
  { input: 'March 5, 2026 4 PM - 5', expected: { start: at('16:00:00'), end: at('17:00:00') }, note: 'pm copied to the end' },
  { input: 'March 5, 2026 7:30 PM to 10 PM', expected: { start: at('19:30:00'), end: at('22:00:00') } },
  { input: 'March 5, 2026 7:30pm–10pm', expected: { start: at('19:30:00'), end: at('22:00:00') } },
  {
    input: 'March 5, 2026 10 pm - 1 am',
    expected: { start: at('22:00:00'), end: at('01:00:00', '-05:00', '2026-03-06') },
    note: 'an end before the start is the next day',
  },
  { input: 'March 5, 2026 19:00 - 23:00', expected: { start: at('19:00:00'), end: at('23:00:00') } },
  { input: 'March 5, 2026 19:00 – 01:00', expected: { start: at('19:00:00'), end: at('01:00:00', '-05:00', '2026-03-06') } },
  { input: 'March 15, 2026 | 2:00 PM', expected: { start: '2026-03-15T14:00:00-04:00' }, note: 'pipe-separated' },
  { input: ['Sunday March 29 | 1 - 3:30 pm'], expected: { start: '2026-03-29T13:00:00-04:00', end: '2026-03-29T15:30:00-04:00', inferred: true } },
  { input: '| March 5, 2026 | 7:30 PM |', expected: { start: at('19:30:00') }, note: 'leading and trailing pipes' },
  { input: ['March 5, 2026', '7:00 PM - 9:00 PM'], expected: { start: at('19:00:00'), end: at('21:00:00') } },
  { input: ['Mar 5', '2026', '8pm'], expected: { start: at('20:00:00'), inferred: false }, note: 'a year in its own element' },
  { input: 'January 15 - 5:00 pm', expected: { start: '2027-01-15T17:00:00-05:00', inferred: true }, note: 'a date at a time, not a time range' },
  { input: 'Jan - Mar', expected: { error: /no date found/ }, note: 'two months are not a range of days' },
  { input: 'Doors 7pm, show 8pm, March 5 2026', expected: { start: at('19:00:00'), end: at('20:00:00') }, note: 'the second time is the end' },
];

const NOON_MIDNIGHT: Row<Input, Expected>[] = [
  { input: 'March 5, 2026 noon', expected: { start: at('12:00:00') } },
  { input: 'March 5, 2026 at noon', expected: { start: at('12:00:00') } },
  { input: 'March 5, 2026 12 noon', expected: { start: at('12:00:00') } },
  { input: 'March 5, 2026 Noon', expected: { start: at('12:00:00') } },
  { input: 'March 5, 2026 midnight', expected: { start: at('00:00:00') } },
  { input: 'March 5, 2026 noon - 2 pm', expected: { start: at('12:00:00'), end: at('14:00:00') } },
  { input: 'March 5, 2026 11 am - noon', expected: { start: at('11:00:00'), end: at('12:00:00') } },
  { input: 'March 5, 2026 10 pm - midnight', expected: { start: at('22:00:00'), end: at('00:00:00', '-05:00', '2026-03-06') } },
  { input: 'samedi 7 mars 2026 à midi', expected: { start: '2026-03-07T12:00:00-05:00' } },
  { input: 'dimanche 8 mars 2026 minuit', expected: { start: '2026-03-08T00:00:00-05:00' } },
  { input: ['March 5, 2026', 'noon'], expected: { start: at('12:00:00') } },
];

const WEEKDAY_AND_RELATIVE: Row<Input, Expected>[] = [
  { input: 'Friday 8 pm', expected: { start: '2026-03-06T20:00:00-05:00', inferred: false }, note: 'the coming Friday' },
  { input: 'this Friday 8pm', expected: { start: '2026-03-06T20:00:00-05:00' } },
  { input: 'Friday', expected: { start: '2026-03-06T00:00:00-05:00' } },
  { input: 'Fri 7:30 PM', expected: { start: '2026-03-06T19:30:00-05:00' } },
  { input: 'Wednesday 7 pm', expected: { start: '2026-03-04T19:00:00-05:00' }, note: 'today is Wednesday' },
  { input: 'next Wednesday 7 pm', expected: { start: '2026-03-11T19:00:00-04:00' }, note: 'next week, after the clocks change' },
  { input: 'next Friday', expected: { start: '2026-03-06T00:00:00-05:00' } },
  { input: 'Sat 10:00', expected: { start: '2026-03-07T10:00:00-05:00' } },
  { input: 'Sunday 2 pm', expected: { start: '2026-03-08T14:00:00-04:00' }, note: 'the day the clocks change' },
  { input: 'Monday 9 am', expected: { start: '2026-03-09T09:00:00-04:00' } },
  { input: 'Tuesday', expected: { start: '2026-03-10T00:00:00-04:00' } },
  { input: ['Thursday', '7:30 PM'], expected: { start: '2026-03-05T19:30:00-05:00' } },
  { input: 'Friday 7 - 9 pm', expected: { start: '2026-03-06T19:00:00-05:00', end: '2026-03-06T21:00:00-05:00' } },
  { input: 'today 7pm', expected: { start: '2026-03-04T19:00:00-05:00' } },
  { input: 'Today', expected: { start: '2026-03-04T00:00:00-05:00' } },
  { input: 'tonight 8:30 pm', expected: { start: '2026-03-04T20:30:00-05:00' } },
  { input: 'tomorrow 10 am', expected: { start: '2026-03-05T10:00:00-05:00' } },
  { input: 'Tomorrow', expected: { start: '2026-03-05T00:00:00-05:00' } },
  { input: 'Tomorrow, 6:00 PM - 8:00 PM', expected: { start: '2026-03-05T18:00:00-05:00', end: '2026-03-05T20:00:00-05:00' } },
  { input: "aujourd'hui 19h", expected: { start: '2026-03-04T19:00:00-05:00' } },
  { input: 'demain 20 h 30', expected: { start: '2026-03-05T20:30:00-05:00' } },
  { input: 'vendredi 20h', expected: { start: '2026-03-06T20:00:00-05:00' } },
  { input: 'ce vendredi à 19h30', expected: { start: '2026-03-06T19:30:00-05:00' } },
  { input: 'vendredi prochain 20h', expected: { start: '2026-03-06T20:00:00-05:00' } },
  { input: 'mercredi prochain 18h', expected: { start: '2026-03-11T18:00:00-04:00' } },
  { input: 'Mon - Fri 9am - 5pm', expected: { error: /no date found/ }, note: 'opening hours name no day' },
  { input: 'Every day', expected: { error: /no date found/ } },
  { input: 'TBA', expected: { error: /no date found/ } },
  { input: '', expected: { error: /no start date/ } },
];

const YEAR_INFERENCE: Row<Input, Expected>[] = [
  { input: 'Dec 8', expected: { start: '2026-12-08T00:00:00-05:00', inferred: true } },
  { input: 'Tue, Dec 8', expected: { start: '2026-12-08T00:00:00-05:00', inferred: true } },
  { input: 'Tue, Dec 8 · 7:30pm', expected: { start: '2026-12-08T19:30:00-05:00', inferred: true } },
  { input: 'Jan 20', expected: { start: '2027-01-20T00:00:00-05:00', inferred: true }, note: 'more than 30 days past: next year' },
  { input: 'Sat, Jan 9', expected: { start: '2027-01-09T00:00:00-05:00', inferred: true } },
  { input: 'Feb 10', expected: { start: '2026-02-10T00:00:00-05:00', inferred: true }, note: 'less than 30 days past: this year' },
  { input: 'Feb 1', expected: { start: '2027-02-01T00:00:00-05:00', inferred: true } },
  { input: 'March 3', expected: { start: '2026-03-03T00:00:00-05:00', inferred: true }, note: 'yesterday' },
  { input: 'March 5', expected: { start: at('00:00:00'), inferred: true } },
  { input: '5 March', expected: { start: at('00:00:00'), inferred: true } },
  { input: 'Thu 5th March', expected: { start: at('00:00:00'), inferred: true } },
  { input: ['Thu 5th March', '9:30 PM'], expected: { start: at('21:30:00'), inferred: true } },
  { input: 'June 15 7pm', expected: { start: '2026-06-15T19:00:00-04:00', inferred: true } },
  { input: 'March 5-7', expected: { start: at('00:00:00'), end: '2026-03-07T00:00:00-05:00', inferred: true } },
  { input: 'Dec 28 - Jan 3', expected: { start: '2026-12-28T00:00:00-05:00', end: '2027-01-03T00:00:00-05:00', inferred: true } },
  { input: 'Nov 30 – Dec 2', expected: { start: '2026-11-30T00:00:00-05:00', end: '2026-12-02T00:00:00-05:00', inferred: true } },
  { input: 'Jan 20 – Jan 25', expected: { start: '2027-01-20T00:00:00-05:00', end: '2027-01-25T00:00:00-05:00', inferred: true } },
  { input: 'Feb 24 · 8pm', expected: { start: '2026-02-24T20:00:00-05:00', inferred: true } },
  { input: 'Sept 10', expected: { start: '2026-09-10T00:00:00-04:00', inferred: true } },
  { input: 'Sep. 10', expected: { start: '2026-09-10T00:00:00-04:00', inferred: true } },
  { input: 'Sept 10, 2026', expected: { start: '2026-09-10T00:00:00-04:00', inferred: false } },
];

const DST: Row<Input, Expected>[] = [
  { input: 'March 8, 2026 1:30 AM', expected: { start: '2026-03-08T01:30:00-05:00' }, note: 'before the change' },
  { input: 'March 8, 2026 3:30 AM', expected: { start: '2026-03-08T03:30:00-04:00' }, note: 'after the change' },
  {
    input: 'March 8, 2026 2:30 AM',
    expected: { start: '2026-03-08T03:30:00-04:00', warning: /does not exist in America\/Toronto/ },
    note: 'a wall time that does not exist is reported',
  },
  { input: 'November 1, 2026 3:00 PM', expected: { start: '2026-11-01T15:00:00-05:00' } },
  { input: 'October 31, 2026 3:00 PM', expected: { start: '2026-10-31T15:00:00-04:00' } },
];

const FRENCH: Row<Input, Expected>[] = [
  { input: '5 mars 2026 19h30', expected: { start: at('19:30:00') } },
  { input: 'le 5 mars 2026 à 19 h 30', expected: { start: at('19:30:00') } },
  { input: 'jeudi 5 mars 2026, 20h', expected: { start: at('20:00:00') } },
  { input: 'jeudi 5 mars 2026 20 h', expected: { start: at('20:00:00') } },
  { input: '12 juin 2026', expected: { start: '2026-06-12T00:00:00-04:00' } },
  { input: '1er juillet 2026 14h00', expected: { start: '2026-07-01T14:00:00-04:00' } },
  { input: 'du 5 au 7 mars 2026', expected: { start: at('00:00:00'), end: '2026-03-07T00:00:00-05:00' } },
  { input: '15 août 2026', expected: { start: '2026-08-15T00:00:00-04:00' } },
  { input: '15 aout 2026', expected: { start: '2026-08-15T00:00:00-04:00' } },
  { input: '3 décembre 2026 19h', expected: { start: '2026-12-03T19:00:00-05:00' } },
  { input: '3 fevrier 2027', expected: { start: '2027-02-03T00:00:00-05:00' } },
  { input: 'samedi 14 novembre', expected: { start: '2026-11-14T00:00:00-05:00', inferred: true } },
  { input: '5 mars 2026 de 19h à 21h', expected: { start: at('19:00:00'), end: at('21:00:00') } },
  { input: '5 mars 2026 19h30 - 22h', expected: { start: at('19:30:00'), end: at('22:00:00') } },
];

const OTHER_SHAPES: Row<Input, Expected>[] = [
  { input: 'March\u00a05,\u00a02026 7:30\u00a0PM', expected: { start: at('19:30:00') }, note: 'non-breaking spaces' },
  { input: 'March 5, 2026\n7:30 PM', expected: { start: at('19:30:00') }, note: 'a line break' },
  { input: '  March 5, 2026   7:30 PM  ', expected: { start: at('19:30:00') } },
  { input: '13/3/2026', expected: { start: '2026-03-13T00:00:00-04:00' }, note: 'a first number above 12 is the day' },
  { input: ['Thursday', 'March 5, 2026', '7:30 PM'], expected: { start: at('19:30:00') } },
  { input: ['', 'March 5, 2026', ' '], expected: { start: at('00:00:00') }, note: 'empty parts are skipped' },
  { input: ['', ' '], expected: { error: /date selectors found no text/ } },
  {
    input: { startDate: 'March 5, 2026 7:00 PM', endDate: '9:30 PM' },
    expected: { start: at('19:00:00'), end: at('21:30:00') },
    note: 'a time-only end takes the start’s day',
  },
  { input: { startDate: 'March 5, 2026 10:00 PM', endDate: '1:00 AM' }, expected: { start: at('22:00:00'), end: '2026-03-06T01:00:00-05:00' } },
  { input: { startDate: '2026-03-05T19:00', endDate: 'March 7' }, expected: { start: at('19:00:00'), end: '2026-03-07T00:00:00-05:00' } },
  { input: { startDate: 'Dec 30, 2026', endDate: 'Jan 2' }, expected: { start: '2026-12-30T00:00:00-05:00', end: '2027-01-02T00:00:00-05:00' } },
  { input: { startDate: '2026-03-05T19:30', doorTime: '6:30 PM' }, expected: { start: at('19:30:00'), door: at('18:30:00') } },
  { input: { startDate: '2026-03-05T19:30', doorTime: '18:30' }, expected: { start: at('19:30:00'), door: at('18:30:00') } },
  { input: { startDate: '2026-03-05T19:30', endDate: '2026-03-05T22:00' }, expected: { start: at('19:30:00'), end: at('22:00:00') } },
  { input: { startDate: '2026-03-05 7:30 PM', endDate: '2026-03-05 10 PM' }, expected: { start: at('19:30:00'), end: at('22:00:00') } },
];

describe('conformance: human and ISO dates (scraper-anchor.md §4.2), now = Wed 2026-03-04 12:00 Toronto', () => {
  const tables: [string, Row<Input, Expected>[]][] = [
    ['12-hour times', TWELVE_HOUR],
    ['24-hour times and ISO 8601', TWENTY_FOUR_HOUR],
    ['date and time ranges', RANGES],
    ['noon and midnight', NOON_MIDNIGHT],
    ['weekdays alone and relative days, read against the run’s clock', WEEKDAY_AND_RELATIVE],
    ['year inference', YEAR_INFERENCE],
    ['daylight saving time', DST],
    ['French', FRENCH],
    ['other shapes, end dates and door times', OTHER_SHAPES],
  ];
  for (const [name, rows] of tables) {
    describe(name, () => {
      it.each(named(rows))('%s', (_title, row) => check(row.input, row.expected));
    });
  }
});
