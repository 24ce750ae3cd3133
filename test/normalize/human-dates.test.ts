import { describe, expect, it } from 'vitest';
import { assembleDates, type AssembleResult, type AssembledDates } from '../../src/normalize/human-dates.ts';

const zone = 'America/Toronto';
/** SEL's dateparse_test.go freezes "now" here. */
const jan15 = new Date('2026-01-15T12:00:00Z');
const mar5 = new Date('2026-03-05T12:00:00Z');
const nov25 = new Date('2026-11-25T04:00:00Z');

function ok(result: AssembleResult): AssembledDates {
  if ('error' in result) throw new Error(`expected dates, got error: ${result.error}`);
  return result;
}

function assemble(parts: string[], now = jan15): AssembledDates {
  return ok(assembleDates(parts, zone, now));
}

describe('assembleDates: SEL dateparse_test.go cases', () => {
  it('joins a yearless day-of-week date with a separate time', () => {
    expect(assemble(['Thu 5th March', '9:30 PM'])).toMatchObject({ start: '2026-03-05T21:30:00-05:00', yearWasInferred: true });
  });

  it('reads a date and time written in one string', () => {
    expect(assemble(['March 5, 2026 9:30 PM'])).toEqual({ start: '2026-03-05T21:30:00-05:00', yearWasInferred: false, warnings: [] });
  });

  it('passes RFC 3339 through unchanged', () => {
    expect(assemble(['2026-03-05T21:30:00Z'])).toEqual({ start: '2026-03-05T21:30:00Z', yearWasInferred: false, warnings: [] });
  });

  it('reads a date without a time as midnight in the zone', () => {
    expect(assemble(['March 5, 2026']).start).toBe('2026-03-05T00:00:00-05:00');
  });

  it('takes a second time as the end', () => {
    expect(assemble(['March 5, 2026', '7:00 PM', '11:00 PM'])).toMatchObject({ start: '2026-03-05T19:00:00-05:00', end: '2026-03-05T23:00:00-05:00' });
  });

  it('reports an error for no parts', () => {
    expect(assembleDates([], zone, jan15)).toEqual({ error: 'no date text' });
  });

  it('reports an error for parts that are only whitespace', () => {
    expect(assembleDates(['  ', '\t', '\u00a0'], zone, jan15)).toEqual({ error: 'no date text' });
  });

  it('reads a long date range with years on both sides', () => {
    expect(assemble(['Feb 3, 2026 - Mar 8, 2026'])).toMatchObject({
      start: '2026-02-03T00:00:00-05:00',
      end: '2026-03-08T00:00:00-05:00',
      yearWasInferred: false,
    });
  });

  it('reads a short range with a year as two dates of the same month', () => {
    expect(assemble(['March 5-7, 2026'])).toMatchObject({ start: '2026-03-05T00:00:00-05:00', end: '2026-03-07T00:00:00-05:00', yearWasInferred: false });
  });

  it('reads a short range without a year and infers it', () => {
    expect(assemble(['March 5-7'])).toMatchObject({ start: '2026-03-05T00:00:00-05:00', end: '2026-03-07T00:00:00-05:00', yearWasInferred: true });
  });

  it('reads a short range with an abbreviated month', () => {
    expect(assemble(['Mar 5-7'])).toMatchObject({ start: '2026-03-05T00:00:00-05:00', end: '2026-03-07T00:00:00-05:00' });
  });

  it('reads a short range with ordinals', () => {
    expect(assemble(['March 5th-7th'])).toMatchObject({ start: '2026-03-05T00:00:00-05:00', end: '2026-03-07T00:00:00-05:00' });
  });

  it('copies the year of the end of an en-dash range to its start', () => {
    expect(assemble(['Feb 3 – Mar 8, 2026'])).toMatchObject({ start: '2026-02-03T00:00:00-05:00', end: '2026-03-08T00:00:00-05:00', yearWasInferred: false });
  });

  it('copies the year of the end of a hyphen range to its start', () => {
    expect(assemble(['Feb 3 - Mar 8, 2026'])).toMatchObject({ start: '2026-02-03T00:00:00-05:00', end: '2026-03-08T00:00:00-05:00' });
  });

  it('reads "to" as a range separator', () => {
    expect(assemble(['Feb 3 to Mar 8'])).toMatchObject({ start: '2026-02-03T00:00:00-05:00', end: '2026-03-08T00:00:00-05:00', yearWasInferred: true });
  });

  it('reads an en-dash range without spaces across years', () => {
    expect(assemble(['May 6, 2025–May 25, 2026'])).toMatchObject({ start: '2025-05-06T00:00:00-04:00', end: '2026-05-25T00:00:00-04:00' });
  });

  it('reads abbreviated months with periods in a range', () => {
    expect(assemble(['Nov. 13, 2025–Mar. 17, 2026'])).toMatchObject({ start: '2025-11-13T00:00:00-05:00', end: '2026-03-17T00:00:00-04:00' });
  });

  it('reads a range whose start has no year', () => {
    expect(assemble(['Jan 20 - Mar 1, 2026'])).toMatchObject({ start: '2026-01-20T00:00:00-05:00', end: '2026-03-01T00:00:00-05:00' });
  });

  it('splits a date and a time on a pipe', () => {
    expect(assemble(['March 15, 2026 | 2:00 PM']).start).toBe('2026-03-15T14:00:00-04:00');
  });

  it('propagates pm from the end of a time range after a pipe to its start', () => {
    expect(assemble(['Sunday March 29 | 1 - 3:30 pm'])).toMatchObject({ start: '2026-03-29T13:00:00-04:00', end: '2026-03-29T15:30:00-04:00' });
  });

  it('ignores a leading pipe', () => {
    expect(assemble(['| March 15, 2026 2:00 PM']).start).toBe('2026-03-15T14:00:00-04:00');
  });

  it('ignores a trailing pipe', () => {
    expect(assemble(['March 15, 2026 2:00 PM |']).start).toBe('2026-03-15T14:00:00-04:00');
  });

  it.each([
    ['5 March 2026', '2026-03-05'],
    ['5 Mar 2026', '2026-03-05'],
    ['Monday 2nd June 2025', '2025-06-02'],
    ['Wed 3rd September 2025', '2025-09-03'],
  ])('reads the day-first date "%s"', (text, day) => {
    expect(assemble([text]).start.slice(0, 10)).toBe(day);
  });

  it('reads a yearless weekday date with an ordinal', () => {
    expect(assemble(['Friday 1st August']).start.slice(5, 10)).toBe('08-01');
  });

  it.each([
    ['21:30', '21:30'],
    ['8:30PM', '20:30'],
    ['9:30 p.m.', '21:30'],
    ['9:30 AM', '09:30'],
  ])('reads the time "%s"', (text, time) => {
    expect(assemble(['March 5, 2026', text]).start).toBe(`2026-03-05T${time}:00-05:00`);
  });

  it('propagates pm from the start of a time range to a bare end hour', () => {
    expect(assemble(['March 5, 2026', '4 PM - 5'])).toMatchObject({ start: '2026-03-05T16:00:00-05:00', end: '2026-03-05T17:00:00-05:00' });
  });

  it('reads a time range with am and pm on both sides', () => {
    expect(assemble(['March 5, 2026', '10:00 am - 2:00 pm'])).toMatchObject({ start: '2026-03-05T10:00:00-05:00', end: '2026-03-05T14:00:00-05:00' });
  });

  it('does not read two months as a time range (and finds no date without a day)', () => {
    expect(assembleDates(['Jan - Mar'], zone, jan15)).toEqual({ error: 'no date found in "Jan - Mar"' });
  });

  it('reads "January 15 - 5:00 pm" as a date at a time, not a time range', () => {
    expect(assemble(['January 15, 2026 - 5:00 pm'])).toEqual({ start: '2026-01-15T17:00:00-05:00', yearWasInferred: false, warnings: [] });
  });

  it('reads partial ISO dates in the zone without inferring a year', () => {
    expect(assemble(['2026-03-05'])).toEqual({ start: '2026-03-05T00:00:00-05:00', yearWasInferred: false, warnings: [] });
  });

  it('reads a partial ISO date-time without seconds in the zone', () => {
    expect(assemble(['2026-03-05T19:00']).start).toBe('2026-03-05T19:00:00-05:00');
  });

  it('reads a summer partial ISO date-time with the daylight offset', () => {
    expect(assemble(['2026-07-15T20:00:00']).start).toBe('2026-07-15T20:00:00-04:00');
  });

  it('marks a yearless date with a time as inferred', () => {
    expect(assemble(['March 5 9:30 PM'])).toMatchObject({ start: '2026-03-05T21:30:00-05:00', yearWasInferred: true });
  });
});

describe('assembleDates: year inference (SEL inferYear, now 2026-03-05)', () => {
  it.each([
    ['June 15', '2026-06-15'],
    ['March 20', '2026-03-20'],
    ['February 10', '2026-02-10'],
    ['January 1', '2027-01-01'],
  ])('places "%s" on %s', (text, day) => {
    expect(assemble([text], mar5).start.slice(0, 10)).toBe(day);
  });
});

describe('assembleDates: the issue examples (now 2026-11-25)', () => {
  it('reads "Tue, Dec 8 · 7:30pm" in the source zone', () => {
    expect(assemble(['Tue, Dec 8 · 7:30pm'], nov25)).toEqual({ start: '2026-12-08T19:30:00-05:00', yearWasInferred: true, warnings: [] });
  });

  it('puts "Feb 24" in next year because this year\'s is long past', () => {
    expect(assemble(['Feb 24'], nov25)).toMatchObject({ start: '2027-02-24T00:00:00-05:00', yearWasInferred: true });
  });

  it('reads a range without a year that crosses New Year', () => {
    expect(assemble(['Dec 28 – Jan 3'], nov25)).toMatchObject({ start: '2026-12-28T00:00:00-05:00', end: '2027-01-03T00:00:00-05:00' });
  });
});

describe('assembleDates: daylight saving time', () => {
  it('uses standard time the day before clocks spring forward', () => {
    expect(assemble(['March 7, 2026 8:00 PM']).start).toBe('2026-03-07T20:00:00-05:00');
  });

  it('uses daylight time the day after clocks spring forward', () => {
    expect(assemble(['March 9, 2026 8:00 PM']).start).toBe('2026-03-09T20:00:00-04:00');
  });

  it('reports a wall time that does not exist instead of shifting it silently', () => {
    const result = assemble(['March 8, 2026 2:30 AM']);
    expect(result.start).toBe('2026-03-08T03:30:00-04:00');
    expect(result.warnings).toEqual([expect.stringContaining('does not exist in America/Toronto')]);
  });

  it('gives each end of a range across the change its own offset', () => {
    expect(assemble(['Oct 31 - Nov 2, 2026', '7 PM'])).toMatchObject({ start: '2026-10-31T19:00:00-04:00', end: '2026-11-02T00:00:00-05:00' });
  });
});

describe('assembleDates: year rollover', () => {
  it('rolls a date more than 30 days past into next year', () => {
    expect(assemble(['Jan 3'], new Date('2026-12-20T12:00:00Z')).start).toBe('2027-01-03T00:00:00-05:00');
  });

  it('keeps a date less than 30 days past in this year', () => {
    expect(assemble(['Dec 1'], new Date('2026-12-20T12:00:00Z')).start).toBe('2026-12-01T00:00:00-05:00');
  });

  it('lets a written weekday pick last year when the date falls on it then', () => {
    expect(assemble(['Sun, Dec 20'], new Date('2027-01-05T12:00:00Z')).start).toBe('2026-12-20T00:00:00-05:00');
  });

  it('warns when the written weekday matches no nearby year', () => {
    const result = assemble(['Fri, Dec 8'], nov25);
    expect(result.start).toBe('2026-12-08T00:00:00-05:00');
    expect(result.warnings).toEqual(['December 8 is not a Friday in 2025, 2026 or 2027; assumed 2026']);
  });

  it('puts the start of a range in the year before when only the end has a year', () => {
    expect(assemble(['Nov 13 – Feb 5, 2027'])).toMatchObject({ start: '2026-11-13T00:00:00-05:00', end: '2027-02-05T00:00:00-05:00' });
  });
});

describe('assembleDates: where SEL gets it wrong', () => {
  it('reads "March 5 - 7:30 PM" as March 5 at 19:30, not March 5 to 7', () => {
    expect(assemble(['March 5, 2026 - 7:30 PM'])).toEqual({ start: '2026-03-05T19:30:00-05:00', yearWasInferred: false, warnings: [] });
  });

  it('applies a separate time to a date-only ISO part instead of ignoring it', () => {
    expect(assemble(['2026-03-05', '7:30 PM']).start).toBe('2026-03-05T19:30:00-05:00');
  });

  it('reads "11 - 1 pm" as late morning to early afternoon', () => {
    expect(assemble(['March 5, 2026', '11 - 1 pm'])).toMatchObject({ start: '2026-03-05T11:00:00-05:00', end: '2026-03-05T13:00:00-05:00' });
  });

  it('ends "10 pm - 1" at one in the morning of the next day', () => {
    expect(assemble(['March 5, 2026', '10 pm - 1'])).toMatchObject({ start: '2026-03-05T22:00:00-05:00', end: '2026-03-06T01:00:00-05:00' });
  });
});

describe('assembleDates: other shapes', () => {
  it('reads "noon"', () => {
    expect(assemble(['Saturday, March 7, 2026 at noon']).start).toBe('2026-03-07T12:00:00-05:00');
  });

  it('reads French-Canadian "19h30"', () => {
    expect(assemble(['5 March 2026, 19h30']).start).toBe('2026-03-05T19:30:00-05:00');
  });

  it('reads French dates and times', () => {
    expect(assemble(['samedi 5 décembre 2026, 19 h 30'])).toMatchObject({ start: '2026-12-05T19:30:00-05:00', yearWasInferred: false });
  });

  it('reads a French day-first range', () => {
    expect(assemble(['du 20 au 21 mars'], nov25)).toMatchObject({ start: '2027-03-20T00:00:00-04:00', end: '2027-03-21T00:00:00-04:00' });
  });

  it('reads a numeric month/day/year date', () => {
    expect(assemble(['03/05/2026 7pm']).start).toBe('2026-03-05T19:00:00-05:00');
  });

  it('reads "tonight" relative to now in the zone', () => {
    expect(assemble(['Tonight, 8 PM'], new Date('2026-03-06T02:00:00Z')).start).toBe('2026-03-05T20:00:00-05:00');
  });

  it('takes a year written apart from the date', () => {
    expect(assemble(['Dec 8', '2027'], nov25)).toMatchObject({ start: '2027-12-08T00:00:00-05:00', yearWasInferred: false });
  });

  it('binds a weekday written after the date to that date', () => {
    expect(assemble(['Dec 20 (Sunday)'], new Date('2027-01-05T12:00:00Z')).start).toBe('2026-12-20T00:00:00-05:00');
  });

  it('warns when more than two dates are found', () => {
    expect(assemble(['March 5, 2026 / March 6, 2026 / March 7, 2026']).warnings).toEqual([expect.stringContaining('3 dates found')]);
  });

  it('rejects a day that does not exist', () => {
    expect(assembleDates(['February 30, 2026'], zone, jan15)).toEqual({ error: expect.stringContaining('February 30, 2026') });
  });
});

describe('assembleDates: an ISO date followed by a 12-hour time', () => {
  it.each([
    ['2026-03-05 7:30 PM', '2026-03-05T19:30:00-05:00'],
    ['2026-03-05 7:30pm', '2026-03-05T19:30:00-05:00'],
    ['2026-03-05 7:30 p.m.', '2026-03-05T19:30:00-05:00'],
    ['2026-03-05T7:30 PM', '2026-03-05T19:30:00-05:00'],
    ['2026-03-05 12:15 AM', '2026-03-05T00:15:00-05:00'],
    ['2026-03-05 12:00 PM', '2026-03-05T12:00:00-05:00'],
    ['2026-03-05 7:30 AM', '2026-03-05T07:30:00-05:00'],
    ['2026-03-05 7 PM', '2026-03-05T19:00:00-05:00'],
  ])('reads "%s" with its meridiem', (text, start) => {
    expect(assemble([text]).start).toBe(start);
  });

  it('reads a 12-hour range after an ISO date', () => {
    expect(assemble(['2026-03-05 7:30 PM - 9:30 PM'])).toMatchObject({ start: '2026-03-05T19:30:00-05:00', end: '2026-03-05T21:30:00-05:00' });
  });
});

describe('assembleDates with an anchor (an end date read after its start)', () => {
  const anchor = '2026-03-05T19:00:00-05:00';

  it("gives a lone time the anchor's date", () => {
    expect(ok(assembleDates(['9:00 PM'], zone, jan15, { anchor })).start).toBe('2026-03-05T21:00:00-05:00');
  });

  it('moves a lone time earlier than the anchor to the next day', () => {
    expect(ok(assembleDates(['1:00 AM'], zone, jan15, { anchor })).start).toBe('2026-03-06T01:00:00-05:00');
  });

  it('gives a yearless date the year that keeps it on or after the anchor', () => {
    expect(ok(assembleDates(['Mar 8'], zone, jan15, { anchor: '2026-12-20T19:00:00-05:00' })).start).toBe('2027-03-08T00:00:00-05:00');
  });
});
