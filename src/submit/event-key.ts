import { hash } from 'node:crypto';
import type { EventInput } from '../normalize/event-input.ts';
import { hostOf } from '../normalize/urls.ts';

/**
 * The identity SEL deduplicates an event by (sel-api-contract.md §1.3): the scheme and host of
 * source.url with source.eventId. Two events with one key are one event to the server.
 */
export function eventKey(event: EventInput): string {
  return `${hostOf(event.source.url)}|${event.source.eventId}`;
}

/**
 * The event keys a run has already queued, held as 120-bit digests: a key (a host and an event
 * URL) is a long string, and a run keeps one per event until it ends, so the set would grow with
 * every source read. Two keys sharing a digest is a 2^-120-per-pair chance, far below any risk
 * of a dropped event that matters.
 */
export class SeenKeys {
  private readonly digests = new Set<string>();

  constructor(keys: Iterable<string> = []) {
    for (const key of keys) this.digests.add(digest(key));
  }

  /** Records `key`; false when it was already there. */
  claim(key: string): boolean {
    const d = digest(key);
    if (this.digests.has(d)) return false;
    this.digests.add(d);
    return true;
  }
}

function digest(key: string): string {
  return hash('sha1', key, 'base64').slice(0, 20);
}
