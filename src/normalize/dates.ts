import { DateTime } from 'luxon';

export type DateResult =
  | { ok: true; value: string; dateOnly: boolean; warning?: string }
  | { ok: false; reason: string };

const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:[zZ]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time as SEL's server wants it: RFC 3339 with an offset.
 * - With an offset: the same instant, written the way Go's RFC 3339 parser accepts.
 * - Without one: read as wall time in `zone`, with that day's offset (DST-correct).
 * - Date only: midnight in `zone`, as SEL's scraper does.
 * A wall time that does not exist (spring-forward gap) is reported, never moved silently.
 */
export function toRfc3339(input: string, zone: string): DateResult {
  const value = input.trim();
  if (!ISO_LIKE.test(value)) return { ok: false, reason: `not an ISO 8601 date: "${input}"` };
  const iso = value.replace(' ', 'T').replace(',', '.');
  if (HAS_OFFSET.test(iso) && !DATE_ONLY.test(iso)) {
    const parsed = DateTime.fromISO(iso, { setZone: true });
    if (!parsed.isValid) return { ok: false, reason: `invalid date "${input}": ${parsed.invalidExplanation ?? parsed.invalidReason}` };
    return { ok: true, value: format(parsed), dateOnly: false };
  }
  const parsed = DateTime.fromISO(iso, { zone });
  if (!parsed.isValid) return { ok: false, reason: `invalid date "${input}": ${parsed.invalidExplanation ?? parsed.invalidReason}` };
  const dateOnly = DATE_ONLY.test(iso);
  const wall = iso.length >= 16 ? iso.slice(11, 16) : '00:00';
  if (!dateOnly && parsed.toFormat('HH:mm') !== wall.padStart(5, '0')) {
    return {
      ok: true,
      value: format(parsed),
      dateOnly,
      warning: `"${input}" does not exist in ${zone} (clocks jump forward); sent as ${format(parsed)}`,
    };
  }
  return { ok: true, value: format(parsed), dateOnly };
}

/** RFC 3339 with seconds, no milliseconds unless present, offset as ±HH:MM or Z for UTC. */
function format(dt: DateTime): string {
  const withMillis = dt.millisecond !== 0;
  return dt.toISO({ suppressMilliseconds: !withMillis, includeOffset: true }) ?? dt.toString();
}

/** Epoch milliseconds of an RFC 3339 string produced by toRfc3339. */
export function instantOf(rfc3339: string): number {
  return DateTime.fromISO(rfc3339, { setZone: true }).toMillis();
}
