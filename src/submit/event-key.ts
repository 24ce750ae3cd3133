import type { EventInput } from '../normalize/event-input.ts';
import { hostOf } from '../normalize/urls.ts';

/**
 * The identity SEL deduplicates an event by (sel-api-contract.md §1.3): the scheme and host of
 * source.url with source.eventId. Two events with one key are one event to the server.
 */
export function eventKey(event: EventInput): string {
  return `${hostOf(event.source.url)}|${event.source.eventId}`;
}
