import { describe, expect, it } from 'vitest';
import { resolveDates } from '../../src/normalize/event-dates.ts';

const zone = 'America/Toronto';
const now = new Date('2026-11-25T04:00:00Z');

describe('resolveDates', () => {
  it('keeps the ISO path for ISO start dates', () => {
    expect(resolveDates({ startDate: '2026-12-12T19:30:00' }, zone, now)).toEqual({
      ok: true,
      dates: { startDate: '2026-12-12T19:30:00-05:00', warnings: [] },
    });
  });

  it('still rejects an ISO-looking start that is not a real date', () => {
    expect(resolveDates({ startDate: '2026-02-30' }, zone, now)).toMatchObject({ ok: false, reason: expect.stringContaining('start date: invalid date') });
  });

  it('assembles date_selectors parts and marks an inferred year', () => {
    expect(resolveDates({ dateParts: ['Tue, Dec 8', '7:30 pm - 9 pm'] }, zone, now)).toEqual({
      ok: true,
      dates: { startDate: '2026-12-08T19:30:00-05:00', endDate: '2026-12-08T21:00:00-05:00', yearWasInferred: true, warnings: [] },
    });
  });

  it('reads a human start_date text with the assembler', () => {
    expect(resolveDates({ startDate: 'Feb 24 · 8pm' }, zone, now)).toMatchObject({
      ok: true,
      dates: { startDate: '2027-02-24T20:00:00-05:00', yearWasInferred: true },
    });
  });

  it('takes the end of a range written in the start_date text', () => {
    expect(resolveDates({ startDate: 'Jan 20 - Mar 1, 2027' }, zone, now)).toMatchObject({
      ok: true,
      dates: { startDate: '2027-01-20T00:00:00-05:00', endDate: '2027-03-01T00:00:00-05:00' },
    });
  });

  it("reads a time-only end_date on the start's day", () => {
    expect(resolveDates({ startDate: 'March 5, 2027 7:00 PM', endDate: '9:30 PM' }, zone, now)).toMatchObject({
      ok: true,
      dates: { endDate: '2027-03-05T21:30:00-05:00' },
    });
  });

  it("reads a time-only door time on the start's day", () => {
    expect(resolveDates({ startDate: '2027-03-05T19:30:00-05:00', doorTime: '18:30' }, zone, now)).toMatchObject({
      ok: true,
      dates: { doorTime: '2027-03-05T18:30:00-05:00' },
    });
  });

  it('fails with a clear reason when the date selectors found no text', () => {
    expect(resolveDates({ dateParts: ['', ' '] }, zone, now)).toEqual({ ok: false, reason: 'no start date: the date selectors found no text' });
  });

  it('fails with the text when no date can be read from it', () => {
    expect(resolveDates({ dateParts: ['Every day', 'hours vary'] }, zone, now)).toEqual({
      ok: false,
      reason: 'start date: no date found in "Every day | hours vary"',
    });
  });

  it('drops an unreadable end date with a warning and keeps the event', () => {
    expect(resolveDates({ startDate: '2026-12-12', endDate: 'late' }, zone, now)).toMatchObject({
      ok: true,
      dates: { startDate: '2026-12-12T00:00:00-05:00', warnings: ['endDate dropped: no date found in "late"'] },
    });
  });

  it.each(['2026-12-05 7:30 PM', '2026-12-05 7:30pm', '2026-12-05 7:30 p.m.'])(
    'reads a start_date "%s" (an API template "{{.date}} {{.time}}") as 19:30',
    (text) => {
      expect(resolveDates({ startDate: text }, zone, now)).toEqual({ ok: true, dates: { startDate: '2026-12-05T19:30:00-05:00', warnings: [] } });
    },
  );

  it('reads an end_date and a door time with a meridiem after an ISO date', () => {
    expect(resolveDates({ startDate: '2026-12-05 7:30 PM', endDate: '2026-12-05 10 PM', doorTime: '2026-12-05 6:45 pm' }, zone, now)).toMatchObject({
      ok: true,
      dates: { startDate: '2026-12-05T19:30:00-05:00', endDate: '2026-12-05T22:00:00-05:00', doorTime: '2026-12-05T18:45:00-05:00' },
    });
  });
});
