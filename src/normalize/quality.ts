import { DateTime } from 'luxon';
import type { RawEvent } from '../extract/raw-event.ts';
import { resolveDates } from './event-dates.ts';

/** SEL's all_midnight check (quality.go): ≥ 80 % of ≥ 3 events starting at 00:00 local time. */
export function allMidnight(events: RawEvent[], zone: string, now: Date, pageUrl: string): string[] {
  const starts = events
    .map((event) => resolveDates(event, zone, now))
    .filter((outcome) => outcome.ok)
    .map((outcome) => DateTime.fromISO(outcome.dates.startDate, { setZone: true }));
  if (starts.length < 3) return [];
  const midnight = starts.filter((start) => start.hour === 0 && start.minute === 0 && start.second === 0).length;
  if (midnight * 5 < starts.length * 4) return [];
  return [`all_midnight: ${midnight}/${starts.length} events have T00:00:00 start times on ${pageUrl} — possible time extraction failure`];
}
