import { toRfc3339 } from './dates.ts';

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
 */
export function resolveDates(raw: RawDates, zone: string, _now: Date): DatesOutcome {
  if (raw.startDate === undefined) {
    return { ok: false, reason: raw.dateParts?.length ? `no start date in ${JSON.stringify(raw.dateParts)}` : 'no start date' };
  }
  const start = toRfc3339(raw.startDate, zone);
  if (!start.ok) return { ok: false, reason: `start date: ${start.reason}` };
  const warnings = start.warning ? [start.warning] : [];
  const dates: ResolvedDates = { startDate: start.value, warnings };
  for (const field of ['endDate', 'doorTime'] as const) {
    const value = raw[field];
    if (value === undefined) continue;
    const parsed = toRfc3339(value, zone);
    if (parsed.ok) {
      dates[field] = parsed.value;
      if (parsed.warning) warnings.push(parsed.warning);
    } else {
      warnings.push(`${field} dropped: ${parsed.reason}`);
    }
  }
  return { ok: true, dates };
}
