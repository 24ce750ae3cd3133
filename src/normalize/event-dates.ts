import { isIso8601, toRfc3339 } from './dates.ts';
import { assembleDates } from './human-dates.ts';

export interface RawDates {
  startDate?: string;
  endDate?: string;
  doorTime?: string;
  dateParts?: string[];
}

export interface ResolvedDates {
  startDate: string;
  endDate?: string;
  doorTime?: string;
  yearWasInferred?: boolean;
  warnings: string[];
}

export type DatesOutcome = { ok: true; dates: ResolvedDates } | { ok: false; reason: string };

/**
 * Start, end and door time of one event or occurrence as RFC 3339 in `zone`. A start is
 * required; a bad end or door time is dropped with a warning rather than losing the event.
 * ISO 8601 values go through toRfc3339, so "2026-02-30" is an error, not a guess; free text
 * (CSS date_selectors parts, "Tue, Dec 8 · 7:30pm" in a start_date, and an ISO date followed by
 * a 12-hour time, "2026-03-05 7:30 PM", as an API field_map "{{.date}} {{.time}}" writes it) goes
 * through the human-date assembler, with the year inferred from `now`, as SEL falls through to
 * its fuzzy parser.
 */
export function resolveDates(raw: RawDates, zone: string, now: Date): DatesOutcome {
  const parts = (raw.dateParts ?? []).filter((part) => part.trim() !== '');
  if (parts.length === 0 && (raw.startDate === undefined || raw.startDate.trim() === '')) {
    return { ok: false, reason: raw.dateParts?.length ? 'no start date: the date selectors found no text' : 'no start date' };
  }

  const warnings: string[] = [];
  let dates: ResolvedDates;
  let endFromText: string | undefined;
  if (parts.length > 0 || !isIso8601(raw.startDate ?? '')) {
    const assembled = assembleDates(parts.length > 0 ? parts : [raw.startDate ?? ''], zone, now);
    if ('error' in assembled) return { ok: false, reason: `start date: ${assembled.error}` };
    warnings.push(...assembled.warnings);
    dates = { startDate: assembled.start, warnings };
    if (assembled.yearWasInferred) dates.yearWasInferred = true;
    endFromText = assembled.end;
  } else {
    const start = toRfc3339(raw.startDate ?? '', zone);
    if (!start.ok) return { ok: false, reason: `start date: ${start.reason}` };
    if (start.warning) warnings.push(start.warning);
    dates = { startDate: start.value, warnings };
  }

  if (endFromText) dates.endDate = endFromText;
  else if (raw.endDate !== undefined && raw.endDate.trim() !== '') resolveEnd(raw.endDate, dates, zone, now);
  if (raw.doorTime !== undefined && raw.doorTime.trim() !== '') resolveDoorTime(raw.doorTime, dates, zone, now);
  return { ok: true, dates };
}

/** A human end ("9:00 PM", "Mar 8") is read after the start: its date and year come from it. */
function resolveEnd(text: string, dates: ResolvedDates, zone: string, now: Date): void {
  if (isIso8601(text)) {
    const parsed = toRfc3339(text, zone);
    if (!parsed.ok) {
      dates.warnings.push(`endDate dropped: ${parsed.reason}`);
      return;
    }
    dates.endDate = parsed.value;
    if (parsed.warning) dates.warnings.push(parsed.warning);
    return;
  }
  const assembled = assembleDates([text], zone, now, { anchor: dates.startDate });
  if ('error' in assembled) {
    dates.warnings.push(`endDate dropped: ${assembled.error}`);
    return;
  }
  dates.endDate = assembled.start;
  dates.warnings.push(...assembled.warnings);
  if (assembled.yearWasInferred) dates.yearWasInferred = true;
}

/** Doors open before the start, so a time-only door time ("18:30") takes the start's day. */
function resolveDoorTime(text: string, dates: ResolvedDates, zone: string, now: Date): void {
  const parsed = isIso8601(text) ? toRfc3339(text, zone) : undefined;
  if (parsed?.ok) {
    dates.doorTime = parsed.value;
    if (parsed.warning) dates.warnings.push(parsed.warning);
    return;
  }
  if (parsed) {
    dates.warnings.push(`doorTime dropped: ${parsed.reason}`);
    return;
  }
  const assembled = assembleDates([dates.startDate.slice(0, 10), text], zone, now);
  if ('error' in assembled) {
    dates.warnings.push(`doorTime dropped: ${assembled.error}`);
    return;
  }
  dates.doorTime = assembled.start;
  dates.warnings.push(...assembled.warnings);
}
