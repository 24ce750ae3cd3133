import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { toRfc3339 } from '../../src/normalize/dates.ts';

const TORONTO = 'America/Toronto';

describe('toRfc3339', () => {
  it('reads a time without an offset in the source zone, with that day’s offset', () => {
    expect(toRfc3339('2027-01-15T19:30:00', TORONTO)).toMatchObject({ ok: true, value: '2027-01-15T19:30:00-05:00' });
    expect(toRfc3339('2027-07-15T19:30:00', TORONTO)).toMatchObject({ ok: true, value: '2027-07-15T19:30:00-04:00' });
  });

  it('is DST-correct on both sides of the spring change', () => {
    expect(toRfc3339('2027-03-13T20:00', TORONTO)).toMatchObject({ value: '2027-03-13T20:00:00-05:00' });
    expect(toRfc3339('2027-03-14T20:00', TORONTO)).toMatchObject({ value: '2027-03-14T20:00:00-04:00' });
  });

  it('keeps the instant and offset of a value that has one', () => {
    expect(toRfc3339('2027-01-15T19:30:00+01:00', TORONTO)).toMatchObject({ value: '2027-01-15T19:30:00+01:00' });
    expect(toRfc3339('2027-01-15T19:30:00Z', TORONTO)).toMatchObject({ value: '2027-01-15T19:30:00Z' });
    expect(toRfc3339('2027-01-15T19:30:00.250-0500', TORONTO)).toMatchObject({ value: '2027-01-15T19:30:00.250-05:00' });
  });

  it('writes a value with its own offset exactly as luxon reads and formats it, edge values included', () => {
    const values: string[] = [];
    const fields = {
      date: [
        '2027-01-15',
        '2028-02-29',
        '2027-02-29',
        '2027-04-31',
        '2027-12-31',
        '0999-06-01',
        '1000-01-01',
        '9999-12-31',
        '2027-13-01',
        '2027-00-10',
        '2027-06-00',
      ],
      time: ['T00:00', 'T19:30', 'T23:59:59', 'T24:00', 'T12:60', 'T12:30:60', 'T07:05:09.5', ' 08:00'],
      offset: ['Z', 'z', '+00:00', '-00:00', '+0000', '+01:00', '-05:00', '+0530', '+05', '-09:30', '+14:00', '+23:59', '+24:00', '-05:60'],
    };
    for (const date of fields.date) for (const time of fields.time) for (const offset of fields.offset) values.push(`${date}${time}${offset}`);
    for (const value of values) {
      const luxon = DateTime.fromISO(value.replace(' ', 'T'), { setZone: true });
      const expected = luxon.isValid ? luxon.toISO({ suppressMilliseconds: luxon.millisecond === 0, includeOffset: true }) : undefined;
      const result = toRfc3339(value, TORONTO);
      expect({ value, out: result.ok ? result.value : undefined }).toEqual({ value, out: expected });
    }
  });

  it('reads a date-only value as midnight in the zone, as SEL’s scraper does', () => {
    expect(toRfc3339('2027-05-01', TORONTO)).toMatchObject({ ok: true, value: '2027-05-01T00:00:00-04:00', dateOnly: true });
  });

  it('reads the basic ISO form and unpadded fields as sites write them', () => {
    expect(toRfc3339('20270501T1900', TORONTO)).toMatchObject({ value: '2027-05-01T19:00:00-04:00' });
    expect(toRfc3339('20270501', TORONTO)).toMatchObject({ value: '2027-05-01T00:00:00-04:00', dateOnly: true });
    expect(toRfc3339('2027-5-1 9:30', TORONTO)).toMatchObject({ value: '2027-05-01T09:30:00-04:00' });
    expect(toRfc3339('20270501T190000Z', TORONTO)).toMatchObject({ value: '2027-05-01T19:00:00Z' });
  });

  it('accepts a space instead of T', () => {
    expect(toRfc3339('2027-05-01 18:00', TORONTO)).toMatchObject({ value: '2027-05-01T18:00:00-04:00' });
  });

  it('warns about a wall time that does not exist instead of shifting it silently', () => {
    const result = toRfc3339('2027-03-14T02:30:00', TORONTO);
    expect(result).toMatchObject({ ok: true, warning: expect.stringContaining('does not exist') });
  });

  it('refuses what is not ISO 8601', () => {
    expect(toRfc3339('next Tuesday', TORONTO)).toMatchObject({ ok: false });
    expect(toRfc3339('2027-02-30T10:00', TORONTO)).toMatchObject({ ok: false });
  });
});
