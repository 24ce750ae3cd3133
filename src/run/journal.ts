import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describeError, SelScraperError } from '../errors.ts';
import type { EventInput } from '../normalize/event-input.ts';
import type { Counters, EventProblem, SourceReport } from '../report/run-report.ts';
import type { DeliveryResult, DeliveryStatus, SubmissionJournal } from '../submit/batch-submitter.ts';
import { eventKey } from '../submit/event-key.ts';

/** What a resumed run must repeat to be the same run: which sources, read how, sent where. */
export interface RunDefinition {
  sourcesDir: string;
  only: string[];
  /** Absolute path of the --fixtures directory, or null for the network. */
  fixtures: string | null;
  serverUrl: string;
  /** describeKey() of the key: the key itself is never written. */
  keyLabel: string;
  batchSize: number;
  defaultTimezone: string;
}

/** A source's reading, as it stood when the source was done; deliveries are journalled apart. */
export type SourceSnapshot = Pick<SourceReport, 'extracted' | 'invalid' | 'skipped' | 'submitted' | 'pages' | 'warnings' | 'error' | 'durationMs'> & {
  problems: EventProblem[];
};

export interface JournalledResult {
  key: string;
  status: DeliveryStatus;
  /** The server's verdict on this very event: resuming does not send it again. */
  final?: true;
  reason?: string;
  selEventId?: string;
}

export type JournalEntry =
  | { type: 'run-started'; at: string; runId: string; version: string; run: RunDefinition }
  | { type: 'run-resumed'; at: string }
  | { type: 'event'; source: string; key: string; event: EventInput }
  | { type: 'source-done'; source: string; report: SourceSnapshot }
  | { type: 'batch-sending'; keys: string[] }
  | { type: 'batch-posted'; batchId: string; keys: string[] }
  | { type: 'batch-confirmed'; batchId: string; results: JournalledResult[] }
  | { type: 'events-settled'; batchId?: string; results: JournalledResult[] }
  | { type: 'run-finished'; at: string; exitCode: number; totals: Counters };

const RUN_FILE = /^([0-9A-HJKMNP-TV-Z]{26})\.ndjson$/;

export function runsDirectory(stateDir: string): string {
  return path.join(stateDir, 'runs');
}

export function journalPath(stateDir: string, runId: string): string {
  return path.join(runsDirectory(stateDir), `${runId}.ndjson`);
}

export function defaultFailuresPath(stateDir: string, runId: string): string {
  return path.join(runsDirectory(stateDir), `${runId}.failures.ndjson`);
}

/** The most recent run in the state directory (run ids are ULIDs, so they sort by start time). */
export function latestRunId(stateDir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(runsDirectory(stateDir));
  } catch {
    return undefined;
  }
  return names
    .map((name) => RUN_FILE.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort()
    .at(-1);
}

/** Journals kept in a state directory: enough to resume any recent run, bounded for cron. */
export const JOURNALS_KEPT = 20;

/**
 * Removes all but the newest `keep` journals (a journal holds every event of its run, so an
 * hourly cron job would otherwise fill the disk). Failures files are the user's and stay.
 */
export function pruneJournals(stateDir: string, keep = JOURNALS_KEPT): void {
  let names: string[];
  try {
    names = readdirSync(runsDirectory(stateDir));
  } catch {
    return;
  }
  const journals = names.filter((name) => RUN_FILE.test(name)).sort();
  for (const name of journals.slice(0, Math.max(0, journals.length - keep))) {
    try {
      unlinkSync(path.join(runsDirectory(stateDir), name));
    } catch {
      // Another run pruned it first, or it is not ours to remove: either way, not worth failing a run.
    }
  }
}

/**
 * The run journal: append-only NDJSON, one fact per line, written synchronously so lines never
 * interleave and a line is complete in the file before the step it records goes ahead. `sync`
 * (fsync) is called at batch boundaries: before a POST leaves, the events it carries are on disk.
 * A write failure does not stop the run (its events still count); the journal is then abandoned,
 * reported once through `onError`, and the run cannot be resumed.
 */
export class RunJournal {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly onError: (error: SelScraperError) => void,
  ) {
    this.fd = fd;
  }

  /** A new journal for a new run. */
  static create(stateDir: string, runId: string, onError: (error: SelScraperError) => void): RunJournal {
    const file = journalPath(stateDir, runId);
    try {
      mkdirSync(runsDirectory(stateDir), { recursive: true });
      return new RunJournal(file, openSync(file, 'wx'), onError);
    } catch (error) {
      throw journalError(`cannot create the run journal ${file}`, error);
    }
  }

  /** An existing journal, to continue: a line torn by a crash is cut off first. */
  static reopen(file: string, onError: (error: SelScraperError) => void): RunJournal {
    try {
      const text = readFileSync(file);
      const end = text.lastIndexOf(0x0a) + 1;
      if (end < text.length) truncateSync(file, end);
      return new RunJournal(file, openSync(file, 'a'), onError);
    } catch (error) {
      throw journalError(`cannot reopen the run journal ${file}`, error);
    }
  }

  append(entry: JournalEntry, options: { sync?: boolean } = {}): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, JSON.stringify(entry) + '\n');
      if (options.sync) fsyncSync(this.fd);
    } catch (error) {
      this.abandon(journalError(`cannot write the run journal ${this.path}; this run cannot be resumed`, error));
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
    } catch (error) {
      this.onError(journalError(`cannot close the run journal ${this.path}`, error));
    }
    this.fd = undefined;
  }

  private abandon(error: SelScraperError): void {
    const fd = this.fd;
    this.fd = undefined;
    try {
      if (fd !== undefined) closeSync(fd);
    } catch {
      // Already failing; the first error is the one reported.
    }
    this.onError(error);
  }
}

/**
 * Every complete entry of a journal. The last line may be torn (the process died while writing
 * it) and is ignored; any other unreadable line means the file is not a journal we wrote.
 */
export function readJournal(file: string): JournalEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw journalError(`cannot read the run journal ${file}`, error);
  }
  // What follows the last newline is either nothing or a torn line.
  const complete = text.split('\n').slice(0, -1);
  const entries: JournalEntry[] = [];
  complete.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      throw new SelScraperError('ERR_JOURNAL', `${file}:${index + 1}: not a journal line`, { hint: 'the run journal was edited or damaged; start a new run instead of resuming this one' });
    }
  });
  return entries;
}

function journalError(message: string, error: unknown): SelScraperError {
  return new SelScraperError('ERR_JOURNAL', `${message}: ${describeError(error)}`, {
    hint: 'check that --state-dir is writable and the disk has room',
    cause: error,
  });
}

/** The submitter's records into the journal; each is a batch boundary, so each is fsync'd. */
export function submissionJournal(journal: RunJournal): SubmissionJournal {
  return {
    sending: (keys) => journal.append({ type: 'batch-sending', keys: [...keys] }, { sync: true }),
    posted: (batchId, keys) => journal.append({ type: 'batch-posted', batchId, keys: [...keys] }, { sync: true }),
    settled: (results, batchId) => {
      const journalled = results.map(journalledResult);
      journal.append(batchId && results.some((r) => r.final) ? { type: 'batch-confirmed', batchId, results: journalled } : { type: 'events-settled', ...(batchId ? { batchId } : {}), results: journalled }, { sync: true });
    },
  };
}

function journalledResult(result: DeliveryResult): JournalledResult {
  return {
    key: eventKey(result.event),
    status: result.status,
    ...(result.final ? { final: true as const } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.selEventId ? { selEventId: result.selEventId } : {}),
  };
}
