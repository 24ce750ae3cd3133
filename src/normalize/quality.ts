import type { RawEvent } from '../extract/raw-event.ts';
import { resolveDates } from './event-dates.ts';

/** SEL's all_midnight check (quality.go): ≥ 80 % of ≥ 3 events starting at 00:00 local time. */
export function allMidnight(events: RawEvent[], zone: string, now: Date, pageUrl: string): string[] {
  // Fewer than 3 events can never trip it: their dates are not worth resolving here.
  if (events.length < 3) return [];
  const starts = events
    .map((event) => resolveDates(event, zone, now))
    .filter((outcome) => outcome.ok)
    .map((outcome) => outcome.dates.startDate);
  if (starts.length < 3) return [];
  // RFC 3339 as toRfc3339 writes it: the wall time in its own offset follows the T.
  const midnight = starts.filter((start) => start.slice(10, 19) === 'T00:00:00').length;
  if (midnight * 5 < starts.length * 4) return [];
  return [`all_midnight: ${midnight}/${starts.length} events have T00:00:00 start times on ${pageUrl} — possible time extraction failure`];
}
