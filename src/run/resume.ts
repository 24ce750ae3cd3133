import { decodeTime } from 'ulid';
import { SelScraperError } from '../errors.ts';
import type { EventInput } from '../normalize/event-input.ts';
import { mintedSince } from '../submit/batch-submitter.ts';
import type { SelClient } from '../submit/sel-client.ts';
import type { Counters } from '../report/run-report.ts';
import type { JournalEntry, JournalledResult, RunDefinition, RunJournal, SourceSnapshot } from './journal.ts';
import { readJournal } from './journal.ts';

/** What an interrupted run had done, read back from its journal. */
export interface ResumeState {
  file: string;
  runId: string;
  /** When the run first started (epoch ms): SEL ids minted since then are this run's. */
  startedAt: number;
  run: RunDefinition;
  /** Sources read to the end: not read again. */
  doneSources: Map<string, SourceSnapshot>;
  /** Every event queued for submission, by SEL key (the latest copy). */
  events: Map<string, { source: string; event: EventInput }>;
  /** The server's verdict per key: these events are not sent again. */
  finals: Map<string, JournalledResult>;
  /** Batches the server accepted whose results were never read: batch id → keys in batch order. */
  unconfirmed: Map<string, string[]>;
  /** Keys that were in a POST: the server may hold them although no answer says so. */
  sentBefore: Set<string>;
  /** How the run last finished, when that finish left nothing to resume. */
  complete: { at: string; exitCode: number; totals: Counters } | undefined;
}

/**
 * The state of run `runId` from its journal `file`. The run id inside must be the file's own:
 * it names the failures file and the lock, so a journal cannot point them anywhere else.
 */
export function loadResumeState(file: string, runId: string): ResumeState {
  return resumeStateOf(file, runId, readJournal(file));
}

/** The state of run `runId` from the entries of its journal `file` (read by the caller). */
export function resumeStateOf(file: string, runId: string, entries: readonly JournalEntry[]): ResumeState {
  const start = entries[0];
  if (start?.type !== 'run-started') {
    throw new SelScraperError('ERR_JOURNAL', `${file} does not start with a run-started line`, {
      hint: 'pass the run id of a journal written by `scrape all`',
    });
  }
  if (start.runId !== runId) {
    throw new SelScraperError('ERR_JOURNAL', `${file}:1: run id ${JSON.stringify(start.runId)} is not ${runId}, the journal's own`, {
      hint: 'the run journal was edited or damaged; start a new run instead of resuming this one',
    });
  }
  const state: ResumeState = {
    file,
    runId: start.runId,
    // The journalled start, not the run id's time: a monotonic id keeps the latest time it has
    // seen, so after the clock steps back it is later than the run's real start.
    startedAt: startedAtOf(start),
    run: start.run,
    doneSources: new Map(),
    events: new Map(),
    finals: new Map(),
    unconfirmed: new Map(),
    sentBefore: new Set(),
    complete: undefined,
  };
  for (const entry of entries) apply(state, entry);
  return state;
}

function apply(state: ResumeState, entry: JournalEntry): void {
  switch (entry.type) {
    case 'event':
      state.events.set(entry.key, { source: entry.source, event: entry.event });
      return;
    case 'source-done':
      state.doneSources.set(entry.source, entry.report);
      return;
    case 'batch-sending':
      for (const key of entry.keys) state.sentBefore.add(key);
      return;
    case 'batch-posted':
      state.unconfirmed.set(entry.batchId, entry.keys);
      return;
    case 'batch-confirmed':
    case 'events-settled':
      if (entry.batchId && entry.results.some((r) => r.final)) state.unconfirmed.delete(entry.batchId);
      for (const result of entry.results) if (result.final) state.finals.set(result.key, result);
      return;
    case 'run-resumed':
      state.complete = undefined;
      return;
    case 'run-finished':
      state.complete = entry.complete === true ? { at: entry.at, exitCode: entry.exitCode, totals: entry.totals } : undefined;
      return;
    default:
      return;
  }
}

/**
 * Asks the server once about each batch it accepted but whose results the interrupted run never
 * read (SEL keeps results 7 days). Completed batches become final results, journalled; the
 * others stay unknown and their events are sent again (the server deduplicates them).
 */
export async function recheckUnconfirmed(
  state: ResumeState,
  client: SelClient,
  journal: RunJournal,
  signal?: AbortSignal,
): Promise<{ confirmed: number; pending: number }> {
  let confirmed = 0;
  for (const [batchId, keys] of [...state.unconfirmed]) {
    if (signal?.aborted) break;
    const status = await client.batchStatus(batchId, signal);
    if (status.kind !== 'completed') continue;
    const results: JournalledResult[] = [];
    for (const item of status.results) {
      const key = keys[item.index];
      if (key === undefined) continue;
      // A "duplicate" of an event this run posted before, minted since the run began, is ours.
      const ours = item.status === 'duplicate' && mintedSince(item.eventId, state.startedAt);
      results.push({
        key,
        status: ours ? 'created' : item.status,
        final: true,
        ...(item.error ? { reason: item.error } : {}),
        ...(item.eventId ? { selEventId: item.eventId } : {}),
      });
    }
    journal.append({ type: 'batch-confirmed', batchId, results }, { sync: true });
    for (const result of results) state.finals.set(result.key, result);
    state.unconfirmed.delete(batchId);
    confirmed++;
  }
  return { confirmed, pending: state.unconfirmed.size };
}

function startedAtOf(start: { at: string; runId: string }): number {
  const at = Date.parse(start.at);
  return Number.isNaN(at) ? decodeTime(start.runId) : at;
}
