import { closeSync, fchmodSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { describeError, SelScraperError } from '../errors.ts';
import type { EventInput } from '../normalize/event-input.ts';
import type { Shard } from '../sources/shard.ts';
import type { Counters, EventProblem, SourceReport } from '../report/run-report.ts';
import type { DeliveryResult, DeliveryStatus, SubmissionJournal } from '../submit/batch-submitter.ts';
import { eventKey } from '../submit/event-key.ts';
import { isRunId } from './run-id.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, writeAllSync, type WriteAll } from '../private-file.ts';
import { runsDirectory } from './state-dir.ts';

export { runsDirectory };

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
  /** --tier, --shard, --limit and --full; absent in journals of older versions (none of them given). */
  tier?: number;
  shard?: Shard;
  limit?: number;
  full?: boolean;
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
  | { type: 'source-done'; source: string; report: SourceSnapshot; config?: string }
  | { type: 'batch-sending'; keys: string[] }
  | { type: 'batch-posted'; batchId: string; keys: string[] }
  | { type: 'batch-confirmed'; batchId: string; results: JournalledResult[] }
  | { type: 'events-settled'; batchId?: string; results: JournalledResult[] }
  /** `complete`: every source read, every event with the server's verdict (absent in journals of older versions). */
  | { type: 'run-finished'; at: string; exitCode: number; totals: Counters; complete?: boolean };

const RUN_FILE = /^(.{26})\.ndjson$/;
const LOCK_FILE = /^(.{26})\.lock$/;

/** Every path below comes from a run id checked as a ULID: none can lead out of runs/. */
export function journalPath(stateDir: string, runId: string): string {
  return path.join(runsDirectory(stateDir), `${checkedRunId(runId)}.ndjson`);
}

export function lockPath(stateDir: string, runId: string): string {
  return path.join(runsDirectory(stateDir), `${checkedRunId(runId)}.lock`);
}

export function defaultFailuresPath(stateDir: string, runId: string): string {
  return path.join(runsDirectory(stateDir), `${checkedRunId(runId)}.failures.ndjson`);
}

function checkedRunId(runId: string): string {
  if (!isRunId(runId)) throw new SelScraperError('ERR_INTERNAL', `not a run id: ${JSON.stringify(runId)}`);
  return runId;
}

/** The most recent run in the state directory (run ids are ULIDs, so they sort by start time). */
export function latestRunId(stateDir: string): string | undefined {
  return journalledRunIds(stateDir).at(-1);
}

/** The runs with a journal in the state directory, oldest first; none when there is no such folder. */
export function journalledRunIds(stateDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(runsDirectory(stateDir));
  } catch {
    return [];
  }
  return names
    .map((name) => RUN_FILE.exec(name)?.[1])
    .filter(isRunId)
    .sort();
}

/** Journals kept in a state directory: enough to resume any recent run, bounded for cron. */
const JOURNALS_KEPT = 20;

/**
 * Removes all but the newest `keep` journals (a journal holds every event of its run, so an
 * hourly cron job would otherwise fill the disk), with their locks, and the locks that runs
 * killed before their journal began left behind. A run a live process holds (`isHeld`) keeps
 * its journal and lock, however old. Failures files are the user's and stay.
 */
export function pruneJournals(stateDir: string, keep = JOURNALS_KEPT, isHeld: (runId: string) => boolean = () => false): void {
  let names: string[];
  try {
    names = readdirSync(runsDirectory(stateDir));
  } catch {
    return;
  }
  const runIds = names
    .map((name) => RUN_FILE.exec(name)?.[1])
    .filter(isRunId)
    .sort();
  const lockOnly = names
    .map((name) => LOCK_FILE.exec(name)?.[1])
    .filter(isRunId)
    .filter((runId) => !runIds.includes(runId));
  for (const runId of runIds.slice(0, Math.max(0, runIds.length - keep))) {
    if (isHeld(runId)) continue;
    removeQuietly(journalPath(stateDir, runId));
    removeQuietly(lockPath(stateDir, runId));
  }
  for (const runId of lockOnly) if (!isHeld(runId)) removeQuietly(lockPath(stateDir, runId));
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Another run pruned it first, or it was never there: not worth failing a run.
  }
}

/**
 * The run journal: append-only NDJSON, one fact per line, written synchronously so lines never
 * interleave and a line is complete in the file before the step it records goes ahead (nothing
 * is ever rewritten or cut: a line torn by a crash stays, and the next writer starts a line of
 * its own). `sync` (fsync) is called at batch boundaries: before a POST leaves, the events it
 * carries are on disk. The file is 0600 whatever the umask. A write failure (a full disk) does
 * not stop the run (its events still count); the journal is then abandoned, reported once
 * through `onError`, and the run cannot be resumed.
 */
/** How journal lines reach the disk: the writer (injected to play a full disk) and the redactor. */
export interface JournalOutput {
  write?: WriteAll;
  redact?: (line: string) => string;
}

const noRedaction = (line: string) => line;

export class RunJournal {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly onError: (error: SelScraperError) => void,
    private readonly write: WriteAll,
    /** Each line passes it before it is written: a server's reason or a page may quote a secret. */
    private readonly redact: (line: string) => string,
  ) {
    this.fd = fd;
  }

  /** A new journal for a new run. */
  static create(stateDir: string, runId: string, onError: (error: SelScraperError) => void, options: JournalOutput = {}): RunJournal {
    const file = journalPath(stateDir, runId);
    try {
      mkdirSync(runsDirectory(stateDir), { recursive: true, mode: PRIVATE_DIR_MODE });
      const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
      fchmodSync(fd, PRIVATE_FILE_MODE);
      return new RunJournal(file, fd, onError, options.write ?? writeAllSync, options.redact ?? noRedaction);
    } catch (error) {
      throw journalError(`cannot create the run journal ${file}`, error);
    }
  }

  /**
   * An existing journal, to continue. A line torn by a crash is ended, not cut off: the journal
   * only grows, and readJournal skips a torn line that a `run-resumed` line follows.
   */
  static reopen(file: string, onError: (error: SelScraperError) => void, options: JournalOutput = {}): RunJournal {
    const write = options.write ?? writeAllSync;
    try {
      const fd = openSync(file, 'a+');
      try {
        // Only the last byte says whether a line was torn: the journal holds every event of the run.
        const { size } = fstatSync(fd);
        const last = Buffer.alloc(1);
        if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) write(fd, '\n');
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      return new RunJournal(file, fd, onError, write, options.redact ?? noRedaction);
    } catch (error) {
      throw journalError(`cannot reopen the run journal ${file}`, error);
    }
  }

  append(entry: JournalEntry, options: { sync?: boolean } = {}): void {
    if (this.fd === undefined) return;
    try {
      this.write(this.fd, this.redact(JSON.stringify(entry)) + '\n');
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
 * Every complete entry of a journal. A line torn by a crash (the process died while writing it)
 * is ignored: the last line, or one a resumed run closed, which a `run-resumed` line follows.
 * Any other unreadable line means the file is not a journal we wrote.
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
      if (complete[index + 1]?.startsWith('{"type":"run-resumed"')) return;
      throw new SelScraperError('ERR_JOURNAL', `${file}:${index + 1}: not a journal line`, {
        hint: 'the run journal was edited or damaged; start a new run instead of resuming this one',
      });
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
      journal.append(
        batchId && results.some((r) => r.final)
          ? { type: 'batch-confirmed', batchId, results: journalled }
          : { type: 'events-settled', ...(batchId ? { batchId } : {}), results: journalled },
        { sync: true },
      );
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
