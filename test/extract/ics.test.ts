import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SelScraperError } from '../../src/errors.ts';
import { extractIcs, type IcsOptions } from '../../src/extract/ics.ts';
import type { RawEvent } from '../../src/extract/raw-event.ts';

const FEED = 'https://calendar.test/feed.ics';
const dir = new URL('../fixtures/sel-testdata/ics/', import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

function options(extra: Partial<IcsOptions> = {}): IcsOptions {
  return {
    now: new Date('2027-01-01T12:00:00Z'),
    zone: 'America/Toronto',
    horizonDays: 90,
    maxOccurrences: 100,
    sourceName: 'demo-feed',
    hasDefaultLocation: false,
    ...extra,
  };
}

function extract(text: string, extra: Partial<IcsOptions> = {}) {
  return extractIcs(text, FEED, options(extra));
}

/** A calendar around the given VEVENT bodies, each given as its property lines. */
function calendar(...events: string[][]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    ...events.flatMap((lines) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT']),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

function only(events: RawEvent[]): RawEvent {
  expect(events).toHaveLength(1);
  return events[0] as RawEvent;
}

const starts = (events: RawEvent[]) => events.map((e) => e.startDate);

describe('extractIcs on SEL’s fixture feeds', () => {
  it('maps a basic UTC event with its place, coordinates, organizer and categories', () => {
    const event = only(extract(fixture('parse-basic-event.ics')).events);
    expect(event).toEqual({
      pageUrl: FEED,
      id: 'basic-event-001',
      opaqueId: true,
      name: 'Community Meetup',
      description: 'Monthly community gathering at the library.',
      startDate: '2027-04-15T19:00:00Z',
      endDate: '2027-04-15T21:00:00Z',
      timezone: 'UTC',
      url: 'https://example.com/meetup',
      location: { name: 'Toronto Public Library', latitude: 43.6532, longitude: -79.3832 },
      organizer: { name: 'Jane Smith', email: 'jane@example.com' },
      keywords: ['Community', 'Social'],
    });
  });

  it('keeps an all-day VALUE=DATE event as calendar dates, the end being the day after', () => {
    const event = only(extract(fixture('parse-all-day.ics')).events);
    expect([event.startDate, event.endDate, event.timezone]).toEqual(['2027-04-15', '2027-04-16', undefined]);
  });

  it('ends an event with DURATION and no DTEND that long after its start', () => {
    expect(only(extract(fixture('parse-duration-event.ics')).events).endDate).toBe('2027-04-15T21:30:00Z');
  });

  it('reads floating times as wall-clock times in the source’s zone', () => {
    const toronto = only(extract(fixture('parse-floating-time.ics')).events);
    const paris = only(extract(fixture('parse-floating-time.ics'), { zone: 'Europe/Paris' }).events);
    expect([toronto.startDate, toronto.endDate]).toEqual(['2027-04-15T19:00:00-04:00', '2027-04-15T21:00:00-04:00']);
    expect(paris.startDate).toBe('2027-04-15T19:00:00+02:00');
  });

  it('resolves the Windows zone name "Eastern Standard Time" of an Outlook feed', () => {
    const event = only(extract(fixture('parse-outlook-vtimezone.ics')).events);
    expect([event.startDate, event.timezone]).toEqual(['2027-04-15T14:00:00-04:00', 'America/New_York']);
  });

  it('reads an IANA TZID that comes with its VTIMEZONE', () => {
    const { events } = extract(fixture('interop-outlook-vtimezone.ics'), { now: new Date('2026-06-01T00:00:00Z') });
    expect(starts(events)).toEqual(['2026-07-06T09:00:00-04:00', '2026-07-10T10:00:00-04:00']);
  });

  it('skips the EXDATE’d first date of a Monday/Wednesday series given in a TZID without VTIMEZONE', () => {
    const { events } = extract(fixture('interop-recurrence-exdate.ics'), { now: new Date('2026-07-01T00:00:00Z'), horizonDays: 13 });
    expect(events.map((e) => e.id)).toEqual([
      'recurrence-exdate-1@example.org:2026-07-08T19:00:00-04:00',
      'recurrence-exdate-1@example.org:2026-07-13T19:00:00-04:00',
    ]);
    expect(events[0]?.endDate).toBe('2026-07-08T21:00:00-04:00');
  });

  it('sends a rescheduled occurrence with its new time under the id of the date it replaces', () => {
    const { events } = extract(fixture('parse-recurrence-id.ics'), { now: new Date('2027-04-01T00:00:00Z') });
    const moved = events.find((e) => e.name === 'Special Team Meeting (Rescheduled)');
    expect(moved).toMatchObject({ id: 'recurrence-id-001:2027-04-21T10:00:00Z', startDate: '2027-04-21T14:00:00Z', endDate: '2027-04-21T15:00:00Z' });
  });

  it('counts an out-of-pattern DTSTART as the first occurrence, as RFC 5545 does', () => {
    const { events } = extract(fixture('parse-recurring-weekly.ics'), { now: new Date('2027-04-01T00:00:00Z') });
    expect(starts(events).slice(0, 3)).toEqual(['2027-04-14T10:00:00Z', '2027-04-20T10:00:00Z', '2027-04-27T10:00:00Z']);
    expect(events).toHaveLength(11);
  });

  it('adds RDATE occurrences to a monthly rule, in the series’ zone', () => {
    const { events } = extract(fixture('parse-recurring-monthly.ics'), { now: new Date('2027-04-01T00:00:00Z') });
    expect(starts(events)).toEqual(['2027-04-15T19:00:00Z', '2027-05-01T19:00:00Z', '2027-05-15T19:00:00Z', '2027-06-01T19:00:00Z', '2027-06-15T19:00:00Z']);
    expect(events[1]?.recurrence?.rdates).toEqual(['2027-05-01T19:00:00Z', '2027-06-01T19:00:00Z']);
  });

  it('stops an endless daily rule at the horizon', () => {
    const { events } = extract(fixture('parse-infinite-rrule.ics'), { now: new Date('2027-04-15T00:00:00Z'), horizonDays: 90 });
    expect(events).toHaveLength(90);
    expect(events.at(-1)?.startDate).toBe('2027-07-13T10:00:00Z');
  });

  it('caps an endless rule at maxOccurrences and says so', () => {
    const { events, warnings } = extract(fixture('parse-infinite-rrule.ics'), { now: new Date('2027-04-15T00:00:00Z'), maxOccurrences: 10 });
    expect(events).toHaveLength(10);
    expect(warnings).toEqual(['"Infinite Daily Event" (UID infinite-001): 90 occurrences in the next 90 days; only the first 10 were taken']);
  });

  it('keeps every readable event of a feed with a nameless event and an unreadable DTSTART, for the report to explain', () => {
    const { events, warnings } = extract(fixture('parse-malformed.ics'));
    expect(events.map((e) => [e.id, e.name, e.startDate])).toEqual([
      ['malformed-001', 'Valid Event One', '2027-04-15T10:00:00Z'],
      ['malformed-002', undefined, '2027-04-16T10:00:00Z'],
      ['malformed-003', 'Event With Bad Start', undefined],
      ['malformed-004', 'Valid Event Two', '2027-04-17T14:00:00Z'],
      ['malformed-005', 'Another Valid Event', '2027-04-18T09:00:00Z'],
    ]);
    expect(warnings).toEqual(['"Event With Bad Start" (UID malformed-003): DTSTART "tomorrow" is not an iCalendar date']);
  });

  it('keeps an event without DTSTART (without a start) next to the well-formed ones', () => {
    const { events } = extract(fixture('interop-mixed-malformed.ics'), { now: new Date('2026-06-01T00:00:00Z') });
    expect(events.map((e) => [e.name, e.startDate])).toEqual([
      ['Well-Formed Event Alpha', '2026-08-01T10:00:00Z'],
      ['Missing DTSTART Event', undefined],
      ['Well-Formed Event Beta', '2026-08-02T14:00:00Z'],
    ]);
  });

  it('keeps the first of two events sharing a UID and reports the other', () => {
    const { events, warnings } = extract(fixture('parse-duplicate-uids.ics'));
    expect(only(events).name).toBe('First Event');
    expect(warnings).toEqual(['duplicate UID "dup-001": the VEVENT at line 10 was ignored in favour of the one at line 4']);
  });

  it('drops a DTEND that comes before DTSTART and keeps the event', () => {
    const { events, warnings } = extract(fixture('parse-reversed-dates.ics'));
    expect(only(events)).toMatchObject({ startDate: '2027-04-15T21:00:00Z' });
    expect(only(events).endDate).toBeUndefined();
    expect(warnings).toEqual(['"Reversed Dates Event" (UID reversed-001): DTEND is before DTSTART; the end was dropped']);
  });

  it('gives nothing and no warning for an empty calendar', () => {
    expect(extract(fixture('parse-empty-calendar.ics'))).toEqual({ events: [], warnings: [], allEnded: 0 });
  });

  it('passes an HTML description on for the normaliser to strip, without guessing a venue from its heading', () => {
    const event = only(extract(fixture('parse-html-description.ics')).events);
    expect(event.description).toMatch(/^<h1>Welcome<\/h1>/);
    expect(event.location).toBeUndefined();
  });

  it('reads the five events of a multi-event feed in feed order', () => {
    expect(extract(fixture('parse-multi-event.ics')).events.map((e) => e.id)).toEqual(['multi-001', 'multi-002', 'multi-003', 'multi-004', 'multi-005']);
  });

  it('keeps the events of a Tockify feed whose X- properties have malformed parameters', () => {
    const { events } = extract(fixture('interop-tockify-malformed.ics'), { now: new Date('2026-06-01T00:00:00Z') });
    expect(events.map((e) => e.name)).toEqual(['Tockify Event With Malformed Params', 'Normal Tockify Event']);
  });

  it('reads a WordPress Tribe feed’s categories, organizer and address', () => {
    const event = extract(fixture('interop-tribe-ical.ics'), { now: new Date('2026-06-01T00:00:00Z') }).events[0];
    expect(event).toMatchObject({
      startDate: '2026-07-01T18:00:00-04:00',
      keywords: ['Health', 'Community'],
      organizer: { name: 'Toronto Yoga Studio', email: 'yoga@example.org' },
      location: { streetAddress: '123 Main St', addressLocality: 'Toronto', addressRegion: 'ON', addressCountry: 'CA' },
    });
  });
});

describe('extractIcs locations', () => {
  const at = (fixtureName: string, extra: Partial<IcsOptions> = {}) => extract(fixture(fixtureName), { now: new Date('2026-06-01T00:00:00Z'), ...extra });

  it('splits an escaped-comma address into street, city, province and postal code', () => {
    expect(at('interop-meetup.ics').events[0]?.location).toEqual({
      streetAddress: '100 King St W',
      addressLocality: 'Toronto',
      addressRegion: 'ON',
      postalCode: 'M5X 1A9',
      addressCountry: 'CA',
    });
  });

  it('keeps a venue name that precedes the street address', () => {
    expect(at('interop-meetup-vtimezone.ics').events[2]?.location).toEqual({
      name: 'MaRS Discovery District',
      streetAddress: '101 College St',
      addressLocality: 'Toronto',
      addressRegion: 'ON',
      addressCountry: 'CA',
    });
  });

  it('keeps a LOCATION it cannot split whole as the place name', () => {
    expect(at('interop-google-basic.ics').events[1]?.location).toEqual({ name: 'Conference Room B' });
  });

  it('makes a "Google Meet" LOCATION with a meet link in the description a virtual location', () => {
    const event = at('interop-google-basic.ics').events[0];
    expect([event?.location, event?.virtualLocation]).toEqual([undefined, { url: 'https://meet.google.com/abc-defg-hij' }]);
  });

  it('makes an event with a Zoom link and no LOCATION virtual', () => {
    expect(at('interop-meetup-online-zoom.ics', { now: new Date('2027-01-01T00:00:00Z') }).events[0]?.virtualLocation).toEqual({
      url: 'https://zoom.us/j/123456789',
    });
  });

  it('takes the place named after "Location:" in the description', () => {
    expect(at('interop-meetup-physical-locationlabel.ics', { now: new Date('2027-01-01T00:00:00Z') }).events[0]?.location).toEqual({
      name: 'Finch Subway Station',
    });
  });

  it('takes the place after "Meet at", without the time that follows it', () => {
    expect(at('interop-meetup-physical-meetat.ics', { now: new Date('2027-01-01T00:00:00Z') }).events[0]?.location).toEqual({
      name: 'Trinity Bellwoods Park main gate',
    });
  });

  it('guesses the venue from a Meetup description’s first line, and says so', () => {
    const { events, warnings } = at('interop-meetup-real-firstline.ics');
    expect(events[0]?.location).toEqual({ name: 'High Park Yoga' });
    expect(warnings).toEqual([
      '1 event(s) have no LOCATION: the first line of their description was taken as the venue (set default_location in the source config to use a fixed venue instead)',
    ]);
  });

  it('prefers the source’s default_location to a first-line guess', () => {
    const { events, warnings } = at('interop-meetup-real-firstline.ics', { hasDefaultLocation: true });
    expect(events[0]?.location).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('keeps "Online via Zoom" as the place name when the event gives no link at all', () => {
    expect(at('interop-tockify.ics').events[0]?.location).toEqual({ name: 'Online via Zoom' });
  });

  it('makes a LOCATION that is a link a virtual location', () => {
    const event = only(extract(calendar(['UID:u1', 'SUMMARY:Talk', 'DTSTART:20270301T190000Z', 'LOCATION:https://example.org/live'])).events);
    expect([event.location, event.virtualLocation]).toEqual([undefined, { url: 'https://example.org/live' }]);
  });

  it('ignores a GEO that is not a coordinate pair, with a warning', () => {
    const { events, warnings } = extract(calendar(['UID:u1', 'SUMMARY:Talk', 'DTSTART:20270301T190000Z', 'LOCATION:Hall', 'GEO:999;-79.4']));
    expect(only(events).location).toEqual({ name: 'Hall' });
    expect(warnings).toEqual(['UID u1: GEO is not a latitude;longitude pair and was ignored']);
  });
});

describe('extractIcs time zones', () => {
  const at = (dtstart: string, ...extra: string[]) =>
    extract(calendar(['UID:tz', 'SUMMARY:Talk', dtstart, ...extra]), { now: new Date('2026-11-01T00:00:00Z') });

  it('reads an IANA TZID without a VTIMEZONE and marks the event’s zone', () => {
    const event = only(at('DTSTART;TZID=Europe/Paris:20270301T190000').events);
    expect([event.startDate, event.timezone]).toEqual(['2027-03-01T19:00:00+01:00', 'Europe/Paris']);
  });

  it('reads a Windows zone name without a VTIMEZONE', () => {
    expect(only(at('DTSTART;TZID=Pacific Standard Time:20270301T190000').events).startDate).toBe('2027-03-01T19:00:00-08:00');
  });

  it('reads the daylight-time spelling node-ical does not know', () => {
    expect(only(at('DTSTART;TZID=Eastern Daylight Time:20270701T190000').events).startDate).toBe('2027-07-01T19:00:00-04:00');
  });

  it('matches Outlook’s "Customized Time Zone" to the source’s zone by its VTIMEZONE offsets', () => {
    const text = [
      'BEGIN:VCALENDAR',
      'BEGIN:VTIMEZONE',
      'TZID:Customized Time Zone',
      'BEGIN:STANDARD',
      'DTSTART:16011104T020000',
      'TZOFFSETFROM:-0400',
      'TZOFFSETTO:-0500',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:16010311T020000',
      'TZOFFSETFROM:-0500',
      'TZOFFSETTO:-0400',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:c1',
      'SUMMARY:Talk',
      'DTSTART;TZID="Customized Time Zone":20270701T190000',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const { events, warnings } = extract(text);
    expect([only(events).startDate, only(events).timezone, warnings]).toEqual(['2027-07-01T19:00:00-04:00', undefined, []]);
  });

  it('reads an unknown TZID in the source’s zone and says so, where SEL would use UTC', () => {
    const { events, warnings } = at('DTSTART;TZID=Mars/Olympus_Mons:20270301T190000');
    expect(only(events).startDate).toBe('2027-03-01T19:00:00-05:00');
    expect(warnings).toEqual(['unknown time zone TZID "Mars/Olympus_Mons": its times were read in America/Toronto, the source\'s timezone']);
  });

  it('reads a quoted UTC offset label as that fixed offset', () => {
    expect(only(at('DTSTART;TZID="UTC-05:00":20270701T190000').events).startDate).toBe('2027-07-01T19:00:00-05:00');
  });

  it('keeps UTC times in UTC', () => {
    expect(only(at('DTSTART:20270301T190000Z').events).startDate).toBe('2027-03-01T19:00:00Z');
  });

  it('warns when the feed’s X-WR-TIMEZONE disagrees with the zone its floating times were read in', () => {
    const text = calendar(['UID:f1', 'SUMMARY:Talk', 'DTSTART:20270301T190000']).replace(
      'PRODID:-//test//EN',
      'PRODID:-//test//EN\r\nX-WR-TIMEZONE:America/Vancouver',
    );
    expect(extract(text).warnings).toEqual([
      "the feed declares X-WR-TIMEZONE America/Vancouver but its times without a zone were read in America/Toronto, the source's timezone; set timezone: America/Vancouver in the source config if that is where they are",
    ]);
  });
});

describe('extractIcs recurrence', () => {
  const weekly = [
    'UID:weekly-1',
    'SUMMARY:Open Studio',
    'DTSTART;TZID=America/Toronto:20270301T190000',
    'DTEND;TZID=America/Toronto:20270301T210000',
    'RRULE:FREQ=WEEKLY;UNTIL=20270329T235959Z',
    'EXDATE;TZID=America/Toronto:20270315T190000',
  ];

  it('keeps 19:00 local across the 2027-03-14 DST change: -05:00 before, -04:00 after', () => {
    const { events } = extract(calendar(weekly), { now: new Date('2027-02-20T00:00:00Z') });
    expect(events.map((e) => [e.startDate, e.endDate])).toEqual([
      ['2027-03-01T19:00:00-05:00', '2027-03-01T21:00:00-05:00'],
      ['2027-03-08T19:00:00-05:00', '2027-03-08T21:00:00-05:00'],
      ['2027-03-22T19:00:00-04:00', '2027-03-22T21:00:00-04:00'],
      ['2027-03-29T19:00:00-04:00', '2027-03-29T21:00:00-04:00'],
    ]);
  });

  it('gives each occurrence the id UID:<start> and the series SEL’s recurrence object', () => {
    const { events } = extract(calendar(weekly), { now: new Date('2027-02-20T00:00:00Z') });
    expect(events[2]?.id).toBe('weekly-1:2027-03-22T19:00:00-04:00');
    expect(events[2]?.recurrence).toEqual({
      external_key: 'demo-feed:weekly-1',
      series_name: 'Open Studio',
      series_start: '2027-03-01T00:00:00-05:00',
      series_end: '2027-03-29T19:59:59-04:00',
      rrule: 'FREQ=WEEKLY;UNTIL=20270329T235959Z',
      exdates: ['2027-03-15T19:00:00-04:00'],
      rdates: null,
      tzid: 'America/Toronto',
    });
  });

  it('skips occurrences that have ended and keeps the one in progress', () => {
    const { events } = extract(calendar(weekly), { now: new Date('2027-03-09T01:00:00Z') });
    expect(starts(events)).toEqual(['2027-03-08T19:00:00-05:00', '2027-03-22T19:00:00-04:00', '2027-03-29T19:00:00-04:00']);
  });

  it('takes no occurrence starting after the horizon', () => {
    const { events } = extract(calendar(weekly), { now: new Date('2027-02-20T00:00:00Z'), horizonDays: 20 });
    expect(starts(events)).toEqual(['2027-03-01T19:00:00-05:00', '2027-03-08T19:00:00-05:00']);
  });

  it('applies an override of one occurrence that the rule produces', () => {
    const override = [
      'UID:weekly-1',
      'SUMMARY:Open Studio (guest night)',
      'RECURRENCE-ID;TZID=America/Toronto:20270308T190000',
      'DTSTART;TZID=America/Toronto:20270308T200000',
      'DTEND;TZID=America/Toronto:20270308T230000',
    ];
    const { events } = extract(calendar(weekly, override), { now: new Date('2027-02-20T00:00:00Z') });
    expect(events[1]).toMatchObject({
      id: 'weekly-1:2027-03-08T19:00:00-05:00',
      name: 'Open Studio (guest night)',
      startDate: '2027-03-08T20:00:00-05:00',
      endDate: '2027-03-08T23:00:00-05:00',
    });
    expect(events).toHaveLength(4);
  });

  it('marks a cancelled occurrence cancelled and leaves the others alone', () => {
    const cancelled = [
      'UID:weekly-1',
      'SUMMARY:Open Studio',
      'STATUS:CANCELLED',
      'RECURRENCE-ID;TZID=America/Toronto:20270322T190000',
      'DTSTART;TZID=America/Toronto:20270322T190000',
    ];
    const { events } = extract(calendar(weekly, cancelled), { now: new Date('2027-02-20T00:00:00Z') });
    expect(events.map((e) => e.cancelled ?? false)).toEqual([false, false, true, false]);
  });

  it('reports a cancelled series once instead of once per occurrence', () => {
    const { events } = extract(calendar([...weekly, 'STATUS:CANCELLED']), { now: new Date('2027-02-20T00:00:00Z') });
    expect(only(events)).toMatchObject({ id: 'weekly-1', cancelled: true });
  });

  it('lists a date-only EXDATE of a timed series as that day’s midnight in the source’s zone', () => {
    const { events } = extract(calendar([...weekly.slice(0, 5), 'EXDATE;VALUE=DATE:20270315']), { now: new Date('2027-02-20T00:00:00Z') });
    expect(events[0]?.recurrence?.exdates).toEqual(['2027-03-15T00:00:00-04:00']);
    expect(starts(events)).not.toContain('2027-03-15T19:00:00-04:00');
  });

  it('repeats an all-day event as calendar dates', () => {
    const { events } = extract(calendar(['UID:d1', 'SUMMARY:Market', 'DTSTART;VALUE=DATE:20270306', 'RRULE:FREQ=WEEKLY;COUNT=3']), {
      now: new Date('2027-03-01T00:00:00Z'),
    });
    expect(events.map((e) => [e.id, e.startDate, e.endDate])).toEqual([
      ['d1:2027-03-06T00:00:00-05:00', '2027-03-06', '2027-03-07'],
      ['d1:2027-03-13T00:00:00-05:00', '2027-03-13', '2027-03-14'],
      ['d1:2027-03-20T00:00:00-04:00', '2027-03-20', '2027-03-21'],
    ]);
  });

  it('ends a rule too dense for node-ical with a warning and its first date only', () => {
    const { events, warnings } = extract(calendar(['UID:m1', 'SUMMARY:Ticker', 'DTSTART:20270101T000000Z', 'RRULE:FREQ=MINUTELY']), {
      now: new Date('2027-03-01T00:00:00Z'),
    });
    expect(events).toEqual([]);
    expect(warnings[0]).toMatch(/^"Ticker" \(UID m1\): its RRULE cannot be expanded \(.*\); only its first date was used$/);
  });

  it('takes an event whose RRULE cannot be read as a single event', () => {
    const { events, warnings } = extract(calendar(['UID:r1', 'SUMMARY:Odd', 'DTSTART:20270301T190000Z', 'RRULE:FREQ=SOMETIMES']));
    expect(only(events)).toMatchObject({ id: 'r1', startDate: '2027-03-01T19:00:00Z' });
    expect(warnings[0]).toMatch(/^VEVENT at line 4 \(UID r1\): its RRULE cannot be read \(.+\); taken as a single event$/);
  });
});

describe('extractIcs text and structure', () => {
  it('unfolds folded lines, including one split inside a word', () => {
    const text = calendar(['UID:f1', 'SUMMARY:A very long tit', ' le that was folded', 'DESCRIPTION:Line one\\nLine', '\ttwo', 'DTSTART:20270301T190000Z']);
    expect(only(extract(text).events)).toMatchObject({ name: 'A very long title that was folded', description: 'Line one\nLinetwo' });
  });

  it('unescapes commas, semicolons, backslashes and newlines', () => {
    const text = calendar(['UID:e1', 'SUMMARY:Rock\\, Paper\\; Scissors', 'DESCRIPTION:C:\\\\path\\nnext', 'DTSTART:20270301T190000Z']);
    expect(only(extract(text).events)).toMatchObject({ name: 'Rock, Paper; Scissors', description: 'C:\\path\nnext' });
  });

  it('keeps the other events when one VEVENT makes node-ical give up on the feed', () => {
    const text = calendar(
      ['UID:ok-1', 'SUMMARY:First', 'DTSTART:20270301T190000Z'],
      ['UID:bad', 'SUMMARY:Broken', 'DTSTART:20270302T190000Z', 'DTSTART:20270303T190000Z'],
      ['UID:ok-2', 'SUMMARY:Second', 'DTSTART:20270304T190000Z'],
    );
    const { events, warnings } = extract(text);
    expect(events.map((e) => e.id)).toEqual(['ok-1', 'ok-2']);
    expect(warnings).toEqual(['VEVENT at line 9 (UID bad) was skipped: duplicate DTSTART encountered, line=DTSTART:20270303T190000Z']);
  });

  it('closes a VEVENT left without END:VEVENT at the next one and keeps both', () => {
    const text = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'UID:a',
      'SUMMARY:A',
      'DTSTART:20270301T190000Z',
      'BEGIN:VEVENT',
      'UID:b',
      'SUMMARY:B',
      'DTSTART:20270302T190000Z',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\n');
    const { events, warnings } = extract(text);
    expect(events.map((e) => e.id)).toEqual(['a', 'b']);
    expect(warnings).toEqual(['VEVENT at line 2 has no END:VEVENT (BEGIN:VEVENT follows at line 6); read up to there']);
  });

  it('refuses a document that is not a calendar', () => {
    expect(() => extract('<!doctype html><html><body>Sign in</body></html>')).toThrow(SelScraperError);
  });

  it('leaves out events that have ended and says so when nothing is left', () => {
    const { events, warnings, allEnded } = extract(calendar(['UID:old', 'SUMMARY:Old', 'DTSTART:20260301T190000Z', 'DTEND:20260301T210000Z']));
    expect(events).toEqual([]);
    expect(warnings).toEqual(['all 1 event(s) in the feed have already ended']);
    expect(allEnded).toBe(1);
  });

  it('keeps an event in progress', () => {
    const text = calendar(['UID:now', 'SUMMARY:Festival', 'DTSTART:20261231T120000Z', 'DTEND:20270102T120000Z']);
    expect(only(extract(text).events).id).toBe('now');
  });

  it('marks a cancelled event cancelled', () => {
    expect(only(extract(calendar(['UID:c', 'SUMMARY:Gone', 'STATUS:CANCELLED', 'DTSTART:20270301T190000Z'])).events).cancelled).toBe(true);
  });

  it('does not publish events marked CLASS:PRIVATE', () => {
    const { events, warnings } = extract(calendar(['UID:p', 'SUMMARY:Busy', 'CLASS:PRIVATE', 'DTSTART:20270301T190000Z']));
    expect([events, warnings]).toEqual([[], ['1 event(s) marked CLASS:PRIVATE or CONFIDENTIAL were not published']]);
  });

  it('derives the same id for an event without UID on every run', () => {
    const text = calendar(['SUMMARY:No id', 'DTSTART:20270301T190000Z']);
    const first = only(extract(text).events).id;
    expect(first).toMatch(/^nouid-[0-9a-f]{16}$/);
    expect(only(extract(text).events).id).toBe(first);
  });

  it('turns node-ical’s console warnings into the feed’s warnings', () => {
    const { events, warnings } = extract(calendar(['UID:d', 'SUMMARY:Odd length', 'DTSTART:20270301T190000Z', 'DURATION:P']));
    expect(only(events).endDate).toBeUndefined();
    expect(warnings).toEqual(['UID d: Ignoring malformed DURATION value: "P" – treating as zero duration']);
  });

  it('uses X-ALT-DESC when there is no DESCRIPTION', () => {
    const text = calendar(['UID:a', 'SUMMARY:A', 'X-ALT-DESC;FMTTYPE=text/html:<p>Rich text</p>', 'DTSTART:20270301T190000Z']);
    expect(only(extract(text).events).description).toBe('<p>Rich text</p>');
  });

  it('changes a webcal:// event URL to https://', () => {
    expect(only(extract(calendar(['UID:w', 'SUMMARY:W', 'URL:webcal://example.org/e/1', 'DTSTART:20270301T190000Z'])).events).url).toBe(
      'https://example.org/e/1',
    );
  });
});

describe('extractIcs: RFC 5545 details SEL reads', () => {
  const event = (...lines: string[]) => only(extract(calendar(['UID:x', 'SUMMARY:X', 'DTSTART:20270301T190000Z', ...lines])).events);

  it('names an ORGANIZER without CN by the local part of its address and keeps the email', () => {
    expect(event('ORGANIZER:mailto:jane@host.test').organizer).toEqual({ name: 'jane', email: 'jane@host.test' });
  });

  it('reads a MAILTO: scheme in any case', () => {
    expect(event('ORGANIZER;CN=Jane Doe:MAILTO:jane@host.test').organizer).toEqual({ name: 'Jane Doe', email: 'jane@host.test' });
  });

  it.each(['pt2h', 'Pt2H', 'PT2h'])('reads DURATION:%s in any case (RFC 5545 values are case-insensitive)', (value) => {
    const { events, warnings } = extract(calendar(['UID:x', 'SUMMARY:X', 'DTSTART:20270301T190000Z', `DURATION:${value}`]));
    expect(only(events).endDate).toBe('2027-03-01T21:00:00Z');
    expect(warnings).toEqual([]);
  });

  it('expands an RRULE written in lower case', () => {
    const { events } = extract(calendar(['UID:r', 'SUMMARY:Weekly', 'DTSTART:20270104T190000Z', 'rrule:freq=weekly;count=3']));
    expect(starts(events)).toEqual(['2027-01-04T19:00:00Z', '2027-01-11T19:00:00Z', '2027-01-18T19:00:00Z']);
  });
});
