import { DateTime } from 'luxon';
import ical from 'node-ical';
import type { EventInstance, VEvent } from 'node-ical';
import { cleanLine } from '../normalize/text.ts';
import type { IcsOptions } from './ics.ts';
import { resolveLocation, type ResolvedLocation } from './ics-place.ts';
import type { RawEvent, RawRecurrence } from './raw-event.ts';

/** State of one extractIcs call shared by the mapping steps. */
export interface IcsRun {
  feedUrl: string;
  options: IcsOptions;
  now: number;
  /** Last start time (ms) an occurrence of a series may have. */
  windowEnd: number;
  warnings: string[];
  counts: { past: number; firstLineGuesses: number };
  locations: WeakMap<VEvent, ResolvedLocation>;
  quietly<T>(what: string, fn: () => T): T;
}

/** node-ical's Date: `tz` is the (already resolved) TZID, `dateOnly` marks VALUE=DATE. */
type IcalDate = Date & { tz?: string; dateOnly?: boolean };

interface Moment {
  ms: number;
  /** RFC 3339 with its zone's offset, or YYYY-MM-DD for an all-day date. */
  text: string;
}

interface Times {
  start: Moment;
  end?: Moment;
  zone: string;
}

interface Slot {
  /** The occurrence's place in the series (RECURRENCE-ID for an override): its identity. */
  slot: IcalDate;
  ev: VEvent;
  start: IcalDate;
  durationMs: number;
}

const DAY = 86_400_000;

/**
 * A non-recurring event (or an override without its series) as a raw event, or undefined when
 * it has ended. One without a readable DTSTART is kept without a start, so the report lists it
 * as invalid; its text is not passed on, where "tomorrow" would be read as a human date.
 */
export function singleTimes(ev: VEvent, fallback: VEvent | undefined, id: string, run: IcsRun): RawEvent | undefined {
  const start = ev.start as unknown;
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) {
    if (typeof start === 'string') run.warnings.push(`"${textOf(ev.summary) ?? id}" (UID ${id}): DTSTART "${start}" is not an iCalendar date`);
    return toRaw(ev, fallback, undefined, id, run);
  }
  let duration = durationOf(ev);
  if (duration < 0) {
    run.warnings.push(`"${textOf(ev.summary) ?? id}" (UID ${id}): DTEND is before DTSTART; the end was dropped`);
    duration = 0;
  }
  const times = timesOf(start, duration, (start as IcalDate).dateOnly === true, run);
  if (hasEnded(times, run)) {
    run.counts.past++;
    return undefined;
  }
  return toRaw(ev, fallback, times, id, run);
}

/**
 * A recurring event's occurrences from now to the horizon, one raw event each with the id
 * `UID:<slot>` and a shared `recurrence`. node-ical expands the RRULE (DST-correct, EXDATE
 * and overrides applied); what it leaves out is added here: RDATEs, an out-of-pattern DTSTART
 * (RFC 5545 counts it as the first occurrence) and overrides whose RECURRENCE-ID the rule
 * does not produce, which a calendar app would still show.
 */
export function expandSeries(master: VEvent, overrides: readonly VEvent[], uid: string, rrule: string, run: IcsRun): RawEvent[] {
  const first = master.start as IcalDate;
  const allDay = first.dateOnly === true;
  const zone = allDay ? run.options.zone : zoneOf(first, run.options.zone);
  const baseMs = Math.max(durationOf(master), 0);
  const name = textOf(master.summary) ?? uid;
  let instances: EventInstance[];
  try {
    instances = run.quietly(`UID ${uid}`, () =>
      ical.expandRecurringEvent(master, { from: new Date(run.now - baseMs - 2 * DAY), to: new Date(run.windowEnd + 2 * DAY), expandOngoing: true }),
    );
  } catch (error) {
    run.warnings.push(
      `"${name}" (UID ${uid}): its RRULE cannot be expanded (${error instanceof Error ? error.message : String(error)}); only its first date was used`,
    );
    const single = singleTimes(master, undefined, uid, run);
    return single ? [single] : [];
  }

  const key = (d: IcalDate) => (allDay ? dayKey(d) : String(d.getTime()));
  const slots: Slot[] = instances.map((i) => {
    const overridden = i.isOverride && i.event.recurrenceid instanceof Date;
    return {
      slot: overridden ? (i.event.recurrenceid as IcalDate) : i.start,
      ev: i.event,
      start: i.start,
      durationMs: overridden ? durationOf(i.event) || baseMs : baseMs,
    };
  });
  const seen = new Set(slots.map((s) => key(s.slot)));
  const used = new Set(slots.map((s) => s.ev));
  const add = (slot: IcalDate, override: VEvent | undefined) => {
    if (seen.has(key(slot)) || isExcluded(master, slot, allDay, zone)) return;
    seen.add(key(slot));
    if (override) used.add(override);
    const start = override?.start instanceof Date ? (override.start as IcalDate) : slot;
    slots.push({ slot, ev: override ?? master, start, durationMs: override ? durationOf(override) || baseMs : baseMs });
  };
  const rdates = rdatesOf(master, allDay, run);
  for (const slot of [first, ...rdates]) add(slot, master.recurrences?.[allDay ? dayKey(slot) : slot.toISOString()] as VEvent | undefined);
  for (const override of overrides) {
    if (!used.has(override) && override.recurrenceid instanceof Date) add(override.recurrenceid, override);
  }

  const timed = slots.map((s) => ({ ...s, times: timesOf(s.start, s.durationMs, allDay, run) }));
  const upcoming = timed.filter((s) => !hasEnded(s.times, run) && s.times.start.ms <= run.windowEnd).sort((a, b) => a.times.start.ms - b.times.start.ms);
  if (upcoming.length === 0 && timed.every((s) => hasEnded(s.times, run))) run.counts.past++;
  if (upcoming.length > run.options.maxOccurrences) {
    run.warnings.push(
      `"${name}" (UID ${uid}): ${upcoming.length} occurrences in the next ${run.options.horizonDays} days; only the first ${run.options.maxOccurrences} were taken`,
    );
    upcoming.length = run.options.maxOccurrences;
  }
  if (isCancelled(master)) {
    // One entry says the series is off; SEL has no field to withdraw what it already holds.
    return upcoming[0] ? [{ ...toRaw(master, undefined, upcoming[0].times, uid, run), cancelled: true }] : [];
  }

  const slotText = (slot: IcalDate) => (allDay ? dayStart(slot, run.options.zone) : rfc3339(slot.getTime(), zone));
  const exdates = [...new Set(Object.values(master.exdate ?? {}))]
    .sort((a, b) => a.getTime() - b.getTime())
    .map((d) => ((d as IcalDate).dateOnly ? dayStart(d, run.options.zone) : rfc3339(d.getTime(), zone)));
  const recurrence: RawRecurrence = {
    external_key: `${run.options.sourceName}:${uid}`,
    series_name: cleanLine(name) ?? uid,
    series_start: allDay
      ? dayStart(first, run.options.zone)
      : (DateTime.fromMillis(first.getTime(), { zone }).startOf('day').toISO({ suppressMilliseconds: true }) ?? ''),
    series_end: untilOf(rrule, zone, run.options.zone),
    rrule,
    exdates: exdates.length > 0 ? exdates : null,
    rdates: rdates.length > 0 ? rdates.map(slotText) : null,
    tzid: zone,
  };
  return upcoming.map((s) => ({ ...toRaw(s.ev, s.ev === master ? undefined : master, s.times, `${uid}:${slotText(s.slot)}`, run), recurrence }));
}

/** `<slot>` of an occurrence id for an override met without its series. */
export function slotTextOf(slot: Date, run: IcsRun): string {
  const date = slot as IcalDate;
  return date.dateOnly ? dayStart(date, run.options.zone) : rfc3339(date.getTime(), zoneOf(date, run.options.zone));
}

function toRaw(ev: VEvent, fallback: VEvent | undefined, times: Times | undefined, id: string, run: IcsRun): RawEvent {
  const pick = (key: string): unknown => (ev as Record<string, unknown>)[key] ?? (fallback as Record<string, unknown> | undefined)?.[key];
  const event: RawEvent = { pageUrl: run.feedUrl, id, opaqueId: true };
  const name = textOf(pick('summary'));
  if (name !== undefined) event.name = name;
  const description = textOf(pick('description')) ?? textOf(pick('ALT-DESC'));
  if (description !== undefined) event.description = description;
  if (times) {
    event.startDate = times.start.text;
    if (times.end) event.endDate = times.end.text;
    if (times.zone !== run.options.zone) event.timezone = times.zone;
  }
  const url = textOf(pick('url'))
    ?.trim()
    .replace(/^webcal:\/\//i, 'https://');
  if (url) event.url = url;
  const image = textOf(pick('image'))?.trim();
  if (image && /^https?:\/\//i.test(image)) event.image = image;

  let place = run.locations.get(ev);
  if (!place) {
    const geo = geoOf(pick('geo'), id, run);
    const location = textOf(pick('location'));
    place = resolveLocation(
      { ...(location ? { location } : {}), ...(description ? { description } : {}), ...(url ? { url } : {}), ...(geo ? { geo } : {}) },
      { hasDefaultLocation: run.options.hasDefaultLocation },
    );
    if (place.guessedFromFirstLine) run.counts.firstLineGuesses++;
    run.locations.set(ev, place);
  }
  if (place.location) event.location = place.location;
  if (place.virtualLocation) event.virtualLocation = place.virtualLocation;

  const organizer = organizerOf(pick('organizer'));
  if (organizer) event.organizer = organizer;
  const categories = pick('categories');
  if (Array.isArray(categories)) {
    const keywords = [...new Set(categories.map((c) => textOf(c)?.trim()).filter((c): c is string => !!c))];
    if (keywords.length > 0) event.keywords = keywords;
  }
  if (isCancelled(ev)) event.cancelled = true;
  return event;
}

function timesOf(start: IcalDate, durationMs: number, allDay: boolean, run: IcsRun): Times {
  if (allDay) {
    // node-ical builds all-day dates at local midnight: their local fields are the calendar day.
    const day = DateTime.fromObject(localFields(start), { zone: run.options.zone });
    const days = Math.round(durationMs / DAY);
    const end = day.plus({ days });
    return {
      zone: run.options.zone,
      start: { ms: day.toMillis(), text: day.toISODate() ?? '' },
      ...(days > 0 ? { end: { ms: end.toMillis(), text: end.toISODate() ?? '' } } : {}),
    };
  }
  const zone = zoneOf(start, run.options.zone);
  const ms = start.getTime();
  return {
    zone,
    start: { ms, text: rfc3339(ms, zone) },
    ...(durationMs > 0 ? { end: { ms: ms + durationMs, text: rfc3339(ms + durationMs, zone) } } : {}),
  };
}

/** Ended, as SEL counts it: its end has passed, or its start when it has no length. */
function hasEnded(times: Times, run: IcsRun): boolean {
  return (times.end ?? times.start).ms <= run.now;
}

function durationOf(ev: VEvent): number {
  const start = ev.start as unknown;
  const end = ev.end as unknown;
  return start instanceof Date && end instanceof Date && !Number.isNaN(end.getTime()) ? end.getTime() - start.getTime() : 0;
}

/**
 * Every TZID was rewritten to an IANA zone before node-ical read the feed, so a date's `tz` is
 * a real zone; UTC is spelled so that RFC 3339 gets a "Z", as SEL writes it.
 */
function zoneOf(date: IcalDate, fallback: string): string {
  const tz = date.tz;
  if (!tz) return fallback;
  return /^(?:Etc\/)?(?:UTC|UCT|GMT|Zulu|Universal)$/i.test(tz) ? 'UTC' : tz;
}

function rfc3339(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}

function localFields(date: Date): { year: number; month: number; day: number } {
  return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate() };
}

function dayKey(date: Date): string {
  const { year, month, day } = localFields(date);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Midnight of an all-day date in the source's zone, in RFC 3339 (how SEL writes such an id). */
function dayStart(date: Date, zone: string): string {
  return DateTime.fromObject(localFields(date), { zone }).toISO({ suppressMilliseconds: true }) ?? dayKey(date);
}

/**
 * EXDATE as node-ical matches it: the exact instant, or a date-only EXDATE that removes every
 * occurrence that day.
 */
function isExcluded(master: VEvent, slot: IcalDate, allDay: boolean, zone: string): boolean {
  const exdates = master.exdate;
  if (!exdates) return false;
  if (allDay) return exdates[dayKey(slot)] !== undefined;
  const day = DateTime.fromMillis(slot.getTime(), { zone }).toISODate() ?? '';
  return exdates[slot.toISOString()] !== undefined || (exdates[day] as IcalDate | undefined)?.dateOnly === true;
}

/** RDATE values (node-ical keeps them as text); a PERIOD counts by its start. */
function rdatesOf(ev: VEvent, allDay: boolean, run: IcsRun): IcalDate[] {
  const out: IcalDate[] = [];
  const items = (ev as Record<string, unknown>).rdate;
  for (const item of Array.isArray(items) ? items : items === undefined ? [] : [items]) {
    const params = typeof item === 'object' && item !== null && 'params' in item ? (item as { params: Record<string, unknown> }).params : {};
    const tz = typeof params.TZID === 'string' ? params.TZID : run.options.zone;
    for (const part of (textOf(item) ?? '').split(',')) {
      const value = part.split('/')[0]?.trim() ?? '';
      const date = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
      if (date) {
        if (allDay) out.push(Object.assign(new Date(Number(date[1]), Number(date[2]) - 1, Number(date[3])), { dateOnly: true as const }));
        continue;
      }
      if (allDay) continue;
      const zone = /Z$/i.test(value) ? 'UTC' : tz;
      const parsed = DateTime.fromFormat(value.replace(/Z$/i, ''), "yyyyMMdd'T'HHmmss", { zone });
      if (parsed.isValid) out.push(Object.assign(parsed.toJSDate(), { tz: zone }));
      else run.warnings.push(`"${textOf(ev.summary) ?? ev.uid}": RDATE "${value}" is not a date and was ignored`);
    }
  }
  return out;
}

/** The RRULE's UNTIL as RFC 3339 in the series' zone, or null for COUNT and endless rules. */
function untilOf(rrule: string, zone: string, dayZone: string): string | null {
  const until = /(?:^|;)UNTIL=(\d{8})(?:T(\d{6})(Z)?)?/i.exec(rrule);
  if (!until) return null;
  const [, date = '', time, utc] = until;
  const parsed = time
    ? DateTime.fromFormat(`${date}T${time}`, "yyyyMMdd'T'HHmmss", { zone: utc ? 'UTC' : zone }).setZone(zone)
    : DateTime.fromFormat(date, 'yyyyMMdd', { zone: dayZone });
  return parsed.isValid ? parsed.toISO({ suppressMilliseconds: true }) : null;
}

function geoOf(value: unknown, id: string, run: IcsRun): { latitude: number; longitude: number } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { lat, lon } = value as { lat?: unknown; lon?: unknown };
  if (typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) return { latitude: lat, longitude: lon };
  run.warnings.push(`UID ${id}: GEO is not a latitude;longitude pair and was ignored`);
  return undefined;
}

/** ORGANIZER: CN names it; without CN, as SEL does, the local part of its mailto: address. */
function organizerOf(value: unknown): RawEvent['organizer'] {
  const item: unknown = Array.isArray(value) ? value[0] : value;
  const params = typeof item === 'object' && item !== null && 'params' in item ? (item as { params: Record<string, unknown> }).params : {};
  const address = textOf(item)?.trim() ?? '';
  const email = /^mailto:(.+)$/i.exec(address)?.[1]?.trim();
  const cn = typeof params.CN === 'string' ? params.CN.replace(/^"(.*)"$/, '$1').trim() : undefined;
  const name = cn || email?.split('@')[0]?.trim();
  if (!name) return undefined;
  return { name, ...(email ? { email } : {}), ...(/^https?:\/\//i.test(address) ? { url: address } : {}) };
}

function isCancelled(ev: VEvent): boolean {
  return textOf(ev.status)?.trim().toUpperCase() === 'CANCELLED';
}

/** A node-ical text value: a string, or {params, val} when the property had parameters. */
export function textOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null && 'val' in value) return textOf(value.val);
  return undefined;
}
