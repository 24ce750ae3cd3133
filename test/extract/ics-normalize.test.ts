import { describe, expect, it } from 'vitest';
import { extractIcs } from '../../src/extract/ics.ts';
import { normalizeEvent, type NormalizeOutcome } from '../../src/normalize/event.ts';
import { applyDefaults } from '../../src/sources/validate.ts';

const FEED = 'https://calendar.test/studio.ics';
const now = new Date('2027-02-20T00:00:00Z');
const source = applyDefaults(
  { name: 'studio-feed', url: FEED, extraction_method: 'ics', license: 'CC0-1.0', timezone: 'America/Toronto', domain: 'arts' },
  'studio-feed.yaml',
  'America/Toronto',
);

const feed = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'BEGIN:VEVENT',
  'UID:studio-1@calendar.test',
  'SUMMARY:Open Studio',
  'DESCRIPTION:Drop-in <b>life drawing</b>.',
  'LOCATION:Lakeshore Arts\\, 12 Shore Rd\\, Toronto\\, ON M8V 1A1',
  'DTSTART;TZID=America/Toronto:20270308T190000',
  'DTEND;TZID=America/Toronto:20270308T210000',
  'RRULE:FREQ=WEEKLY;COUNT=2',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:fair-1@calendar.test',
  'SUMMARY:Spring Fair',
  'DESCRIPTION:All day.',
  'LOCATION:Lakeshore Arts',
  'DTSTART;VALUE=DATE:20270320',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

function valid(outcome: NormalizeOutcome) {
  if (outcome.kind !== 'valid') throw new Error(`expected valid, got ${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome.event;
}

describe('ICS events through the normaliser', () => {
  const { events } = extractIcs(feed, FEED, {
    now,
    zone: source.timezone,
    horizonDays: 90,
    maxOccurrences: 100,
    sourceName: source.name,
    hasDefaultLocation: false,
  });

  it('keeps each occurrence’s offset on both sides of the DST change, its UID:<start> id and the series', () => {
    const [before, after] = events.slice(0, 2).map((raw) => valid(normalizeEvent(raw, { source, now })));
    expect(before).toMatchObject({
      startDate: '2027-03-08T19:00:00-05:00',
      endDate: '2027-03-08T21:00:00-05:00',
      source: { url: FEED, eventId: 'studio-1@calendar.test:2027-03-08T19:00:00-05:00' },
    });
    expect(after).toEqual({
      name: 'Open Studio',
      description: 'Drop-in life drawing.',
      startDate: '2027-03-15T19:00:00-04:00',
      endDate: '2027-03-15T21:00:00-04:00',
      eventDomain: 'arts',
      location: {
        name: 'Lakeshore Arts',
        streetAddress: '12 Shore Rd',
        addressLocality: 'Toronto',
        addressRegion: 'ON',
        postalCode: 'M8V 1A1',
        addressCountry: 'CA',
      },
      license: 'https://creativecommons.org/publicdomain/zero/1.0/',
      recurrence: {
        external_key: 'studio-feed:studio-1@calendar.test',
        series_name: 'Open Studio',
        series_start: '2027-03-08T00:00:00-05:00',
        series_end: null,
        rrule: 'FREQ=WEEKLY;COUNT=2',
        exdates: null,
        rdates: null,
        tzid: 'America/Toronto',
      },
      source: {
        url: FEED,
        eventId: 'studio-1@calendar.test:2027-03-15T19:00:00-04:00',
        name: 'studio-feed',
        license: 'https://creativecommons.org/publicdomain/zero/1.0/',
      },
    });
  });

  it('sends an all-day event as midnight to midnight in the source’s zone, with its UID as the id', () => {
    const fair = valid(normalizeEvent(events[2] ?? { pageUrl: FEED }, { source, now }));
    expect([fair.startDate, fair.endDate, fair.source.eventId]).toEqual(['2027-03-20T00:00:00-04:00', '2027-03-21T00:00:00-04:00', 'fair-1@calendar.test']);
  });

  it('reports a cancelled occurrence as skipped, not sent', () => {
    const cancelled = extractIcs(feed.replace('SUMMARY:Spring Fair', 'SUMMARY:Spring Fair\r\nSTATUS:CANCELLED'), FEED, {
      now,
      zone: source.timezone,
      horizonDays: 90,
      maxOccurrences: 100,
      sourceName: source.name,
      hasDefaultLocation: false,
    }).events[2];
    expect(normalizeEvent(cancelled ?? { pageUrl: FEED }, { source, now })).toEqual({
      kind: 'skipped',
      name: 'Spring Fair',
      reason: 'cancelled by the source',
    });
  });

  it('reports an event whose DTSTART is unreadable as invalid rather than reading "tomorrow" as a date', () => {
    const broken = extractIcs(
      ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:x', 'SUMMARY:Soon', 'DTSTART:tomorrow', 'LOCATION:Hall', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'),
      FEED,
      { now, zone: source.timezone, horizonDays: 90, maxOccurrences: 100, sourceName: source.name, hasDefaultLocation: false },
    ).events[0];
    expect(normalizeEvent(broken ?? { pageUrl: FEED }, { source, now })).toEqual({ kind: 'invalid', name: 'Soon', reason: 'no start date' });
  });
});
