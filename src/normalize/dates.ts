import { DateTime, IANAZone } from 'luxon';

export type DateResult = { ok: true; value: string; dateOnly: boolean; warning?: string } | { ok: false; reason: string };

const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// ISO 8601 as sites write it: extended (2026-05-01T19:00) or basic (20260501T1900), unpadded
// month, day and hour tolerated, then rewritten in the one form the rest of this module reads.
const EXTENDED = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([zZ]|[+-]\d{2}(?::?\d{2})?)?$/;
const BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?)?([zZ]|[+-]\d{2}(?::?\d{2})?)?$/;

function canonicalIso(value: string): string | undefined {
  const m = EXTENDED.exec(value) ?? BASIC.exec(value);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = m;
  const date = `${year}-${month?.padStart(2, '0')}-${day?.padStart(2, '0')}`;
  if (hour === undefined) return date;
  return `${date}T${hour.padStart(2, '0')}:${minute}${second ? `:${second}` : ''}${fraction ? `.${fraction}` : ''}${offset ?? ''}`;
}

/** Whether the text is an ISO 8601 date or date-time that toRfc3339 reads (valid or not as a date). */
export function isIso8601(input: string): boolean {
  return canonicalIso(input.trim()) !== undefined;
}

/**
 * An ISO 8601 date or date-time as SEL's server wants it: RFC 3339 with an offset.
 * - With an offset: the same instant, written the way Go's RFC 3339 parser accepts.
 * - Without one: read as wall time in `zone`, with that day's offset (DST-correct).
 * - Date only: midnight in `zone`, as SEL's scraper does.
 * A wall time that does not exist (spring-forward gap) is reported, never moved silently.
 */
export function toRfc3339(input: string, zone: string): DateResult {
  const iso = canonicalIso(input.trim());
  if (iso === undefined) return { ok: false, reason: `not an ISO 8601 date: "${input}"` };
  if (HAS_OFFSET.test(iso) && !DATE_ONLY.test(iso)) {
    const written = asWritten(iso);
    if (written) return { ok: true, value: written, dateOnly: false };
    const parsed = DateTime.fromISO(iso, { setZone: true });
    if (!parsed.isValid) return { ok: false, reason: `invalid date "${input}": ${parsed.invalidExplanation ?? parsed.invalidReason}` };
    return { ok: true, value: format(parsed), dateOnly: false };
  }
  const parsed = DateTime.fromISO(iso, { zone: memoizedZone(zone) });
  if (!parsed.isValid) return { ok: false, reason: `invalid date "${input}": ${parsed.invalidExplanation ?? parsed.invalidReason}` };
  const dateOnly = DATE_ONLY.test(iso);
  const wall = iso.length >= 16 ? iso.slice(11, 16) : '00:00';
  if (!dateOnly && `${twoDigits(parsed.hour)}:${twoDigits(parsed.minute)}` !== wall.padStart(5, '0')) {
    return {
      ok: true,
      value: format(parsed),
      dateOnly,
      warning: `"${input}" does not exist in ${zone} (clocks jump forward); sent as ${format(parsed)}`,
    };
  }
  return { ok: true, value: format(parsed), dateOnly };
}

const WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/i;

/**
 * A canonical date-time with its own offset, as `format` would write it, without luxon (a third
 * of JSON-LD's dates carry one): seconds added, `+HH:MM`, and `Z` for a zero offset. Anything
 * unusual (a fraction, an out-of-range field, a year before 1000) is left to luxon.
 */
function asWritten(iso: string): string | undefined {
  const m = WITH_OFFSET.exec(iso);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second = '00', sign, offsetHours = '00', offsetMinutes = '00'] = m;
  const y = Number(year);
  const mo = Number(month);
  if (y < 1000 || mo < 1 || mo > 12 || Number(day) < 1 || Number(day) > daysIn(y, mo)) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  const zero = offsetHours === '00' && offsetMinutes === '00';
  const offset = sign === undefined || zero ? 'Z' : `${sign}${offsetHours}:${offsetMinutes}`;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** RFC 3339 with seconds, no milliseconds unless present, offset as ±HH:MM or Z for UTC. */
function format(dt: DateTime): string {
  const withMillis = dt.millisecond !== 0;
  return dt.toISO({ suppressMilliseconds: !withMillis, includeOffset: true }) ?? dt.toString();
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Epoch milliseconds of an RFC 3339 string produced by toRfc3339. That output is always in the
 * ECMAScript date-time format (seconds, 3-digit fraction, Z or ±HH:MM), which Date.parse reads
 * exactly, at a fraction of the cost of a luxon parse.
 */
export function instantOf(rfc3339: string): number {
  return Date.parse(rfc3339);
}

const HOUR_MS = 3_600_000;
/** Hours remembered per zone before the memo starts over (a run touches a few thousand). */
const MAX_HOURS = 100_000;

/**
 * An IANA zone whose offsets are remembered per UTC hour. Luxon asks Intl for the offset on every
 * conversion (formatToParts, microseconds each, two per date); a run converts thousands of dates
 * in a handful of zones. An hour is remembered only when its first and last millisecond have the
 * same offset, so an hour holding a transition is always asked afresh: no zone changes offset
 * twice within an hour, so the remembered value is exact.
 */
class MemoizedZone extends IANAZone {
  private readonly hours = new Map<number, number | null>();

  override offset(ts: number): number {
    if (!this.isValid || !Number.isFinite(ts)) return super.offset(ts);
    const hour = Math.floor(ts / HOUR_MS);
    let known = this.hours.get(hour);
    if (known === undefined) {
      const first = super.offset(hour * HOUR_MS);
      known = first === super.offset((hour + 1) * HOUR_MS - 1) ? first : null;
      if (this.hours.size >= MAX_HOURS) this.hours.clear();
      this.hours.set(hour, known);
    }
    return known ?? super.offset(ts);
  }
}

/**
 * One memoized zone per name for the process, like luxon's own zone cache: offsets are a pure
 * function of the zone name and the instant, so sharing them cannot leak between runs.
 */
const memoizedZones = new Map<string, MemoizedZone>();

function memoizedZone(name: string): MemoizedZone {
  let zone = memoizedZones.get(name);
  if (!zone) {
    zone = new MemoizedZone(name);
    memoizedZones.set(name, zone);
  }
  return zone;
}
