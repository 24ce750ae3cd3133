import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.ts';
import { describeError, SelScraperError } from '../errors.ts';
import type { Redactor } from '../keys/redact.ts';
import { PRIVATE_DIR_MODE, writePrivateFileAtomically } from '../private-file.ts';
import { describeHolder, ProcessLock, systemLockDeps } from '../process-lock.ts';
import type { RunReport } from '../report/run-report.ts';
import { entriesFromReport, mergeHistory, parseHistory, type HistoryEntry } from './history.ts';

/** Runs kept per source: months of nightly runs, a few hundred KB for SEL's 257 sources. */
const DEFAULT_KEEP_PER_SOURCE = 200;
/** Another writer (a shard finishing on the same host) holds the lock for milliseconds: 2 s is ample. */
const LOCK_TRIES = 20;
const LOCK_WAIT_MS = 100;

export function historyPath(stateDir: string): string {
  return path.join(stateDir, 'history.ndjson');
}

export interface HistoryRead {
  entries: HistoryEntry[];
  /** Lines that were not history entries and were left out. */
  skipped: number;
}

export function readHistory(stateDir: string): HistoryRead {
  let text: string;
  try {
    text = readFileSync(historyPath(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: 0 };
    throw new SelScraperError('ERR_USAGE', `cannot read ${historyPath(stateDir)}: ${describeError(error)}`, {
      hint: "check --state-dir and the file's permissions",
    });
  }
  return parseHistory(text);
}

/**
 * Adds entries to the history: read, merge (no duplicates, bounded per source), and replace the
 * file atomically (mode 0600), under a lock so that two shards
 * finishing together on one host do not lose each other's lines. Returns how many were new.
 * Every error passes `redactor` first: it can quote a URL with a token or a key a server echoed,
 * whether it comes from this run or from an imported report, and the history outlives both.
 */
export async function appendHistory(
  stateDir: string,
  incoming: readonly HistoryEntry[],
  deps: { clock: Clock; redactor?: Redactor | undefined; keepPerSource?: number },
): Promise<number> {
  const redact = (text: string) => deps.redactor?.redact(text) ?? text;
  const cleaned = incoming.map((entry) => (entry.error === null ? entry : { ...entry, error: redact(entry.error) }));
  mkdirSync(stateDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const lock = await lockHistory(stateDir, deps.clock);
  try {
    const { entries } = readHistory(stateDir);
    const merged = mergeHistory(entries, cleaned, deps.keepPerSource ?? DEFAULT_KEEP_PER_SOURCE);
    if (merged.added > 0 || merged.entries.length !== entries.length) {
      writePrivateFileAtomically(historyPath(stateDir), merged.entries.map((e) => JSON.stringify(e) + '\n').join(''));
    }
    return merged.added;
  } finally {
    lock.release();
  }
}

/** The history's writer lock: one process at a time, a dead one's lock taken over, a live one's waited for. */
async function lockHistory(stateDir: string, clock: Clock): Promise<ProcessLock> {
  const file = `${historyPath(stateDir)}.lock`;
  const deps = systemLockDeps(() => clock.now());
  for (let attempt = 1; ; attempt++) {
    const taken = ProcessLock.tryAcquire(file, deps);
    if (taken.ok) return taken.lock;
    if (attempt >= LOCK_TRIES) {
      throw new SelScraperError('ERR_USAGE', `${file} is held by another sel-scraper writing the history (${describeHolder(taken.holder, deps)})`, {
        hint: `if no such process runs any more, remove ${file}`,
      });
    }
    await clock.sleep(LOCK_WAIT_MS);
  }
}

/**
 * After a run: its sources join the history. A history that cannot be written (full disk, a
 * read-only state folder) costs a warning, never the run or its report.
 */
export async function recordHistory(
  stateDir: string,
  report: RunReport,
  deps: { clock: Clock; stderr: { write(text: string): void }; redactor?: Redactor | undefined },
): Promise<void> {
  try {
    await appendHistory(stateDir, entriesFromReport(report), deps);
  } catch (error) {
    deps.stderr.write(`warning: the run history was not updated (${describeError(error)}); \`sources health\` will not count this run\n`);
  }
}
