import type { ProgressEvent } from './progress.ts';

interface Reading {
  method: string;
  pages: number;
  /** Event rows found on the pages read so far. */
  rows: number;
}

interface ActiveWait {
  reason: string;
  until: number;
}

/**
 * A run's progress so far, counted from its events: what a live view shows. Pure: the time of
 * each event is given, never read.
 */
export class ProgressTally {
  runId: string | undefined;
  dryRun = false;
  resumed = false;
  /** Events a replay re-submits; undefined for a run that reads sources. */
  replaying: number | undefined;
  /** Sources of the run (disabled and broken ones included); 0 until the run says. */
  sources = 0;
  startedAt: number | undefined;
  readonly reading = new Map<string, Reading>();
  done = { all: 0, failed: 0, partial: 0 };
  pages = { fetched: 0, failed: 0 };
  /** Events of the sources read to the end. */
  extracted = 0;
  invalid = 0;
  /** Batches posted, and those the server confirmed (every event with its verdict). */
  batches = { posted: 0, confirmed: 0 };
  outcomes = { created: 0, duplicates: 0, failed: 0, unknown: 0 };
  private waits: ActiveWait[] = [];

  apply(event: ProgressEvent, at: number): void {
    this.startedAt ??= at;
    switch (event.type) {
      case 'run-started':
        Object.assign(this, { runId: event.runId, sources: event.sources, dryRun: event.dryRun, resumed: event.resumed, replaying: event.replaying });
        return;
      case 'source-started':
        this.reading.set(event.source, { method: event.method, pages: 0, rows: 0 });
        return;
      case 'page-read': {
        const reading = this.reading.get(event.source);
        if (reading) {
          reading.pages++;
          reading.rows += event.events;
        }
        if (event.ok) this.pages.fetched++;
        else this.pages.failed++;
        return;
      }
      case 'source-finished':
        this.reading.delete(event.source);
        this.done.all++;
        if (event.status === 'failed') this.done.failed++;
        if (event.status === 'partial') this.done.partial++;
        this.extracted += event.extracted;
        this.invalid += event.invalid;
        return;
      case 'batch-posted':
        this.batches.posted++;
        return;
      case 'batch-settled':
        if (event.batchId !== undefined && event.unknown === 0) this.batches.confirmed++;
        for (const key of ['created', 'duplicates', 'failed', 'unknown'] as const) this.outcomes[key] += event[key];
        return;
      case 'waiting':
        this.waits.push({ reason: event.reason, until: at + event.ms });
        return;
      case 'key-accepted':
        return;
    }
  }

  /** Event rows found so far, on sources done and on pages of sources still being read. */
  get eventsSoFar(): number {
    let rows = 0;
    for (const reading of this.reading.values()) rows += reading.rows;
    return this.extracted + rows;
  }

  /** The waits still running at `now`, longest first. */
  waitsAt(now: number): { reason: string; remainingMs: number }[] {
    this.waits = this.waits.filter((w) => w.until > now);
    return this.waits.map((w) => ({ reason: w.reason, remainingMs: w.until - now })).sort((a, b) => b.remainingMs - a.remainingMs);
  }
}
