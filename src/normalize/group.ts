import type { RawEvent } from '../extract/raw-event.ts';

/**
 * SEL's multi-occurrence grouping (scraper.go groupByURLAndName): rows that share a URL and a
 * name are one event shown several times, e.g. one play with a block per performance. The
 * first row gives the fields; every row's dates become an occurrence. Rows without a URL are
 * never grouped, because two different events can share a name. Rows that carry their own
 * identity (an ICS UID, a JSON-LD identifier) are grouped by that identity alone: the same
 * event listed on two pages is one, two events that share a page URL and a name are two.
 */
export function groupOccurrences(events: readonly RawEvent[]): RawEvent[] {
  const groups = new Map<string, RawEvent[]>();
  const order: (RawEvent | string)[] = [];
  for (const event of events) {
    // An ICS occurrence is an event of its own, whatever its URL.
    if (event.recurrence || (!event.opaqueId && (!event.url || !event.name))) {
      order.push(event);
      continue;
    }
    const key = event.opaqueId ? `id|||${event.id ?? ''}` : `${event.url}|||${event.name}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else {
      groups.set(key, [event]);
      order.push(key);
    }
  }
  return order.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const group = groups.get(entry) ?? [];
    const first = group[0] as RawEvent;
    if (group.length === 1 || (first.occurrences?.length ?? 0) > 0) return first;
    const occurrences = group
      .filter((row) => row.startDate !== undefined || (row.dateParts?.length ?? 0) > 0)
      .map((row) => ({
        ...(row.startDate === undefined ? {} : { startDate: row.startDate }),
        ...(row.endDate === undefined ? {} : { endDate: row.endDate }),
        ...(row.doorTime === undefined ? {} : { doorTime: row.doorTime }),
        ...(row.dateParts === undefined ? {} : { dateParts: row.dateParts }),
      }));
    return { ...first, occurrences };
  });
}
