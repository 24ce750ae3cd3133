import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.ts';
import { describeError, SelScraperError } from '../errors.ts';
import type { Redactor } from '../keys/redact.ts';
import { writePrivateFileAtomically } from '../private-file.ts';
import type { RunReport } from '../report/run-report.ts';
import { entriesFromReport, mergeHistory, parseHistory, type HistoryEntry } from './history.ts';

/** Runs kept per source: months of nightly runs, a few hundred KB for SEL's 257 sources. */
const DEFAULT_KEEP_PER_SOURCE = 200;
const LOCK_TRIES = 20;
const LOCK_WAIT_MS = 100;
/** A lock older than this was left by a process that died mid-write. */
const STALE_LOCK_MS = 30_000;

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
 */
export async function appendHistory(
  stateDir: string,
  incoming: readonly HistoryEntry[],
  clock: Clock,
  keepPerSource = DEFAULT_KEEP_PER_SOURCE,
): Promise<number> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const release = await lockHistory(stateDir, clock);
  try {
    const { entries } = readHistory(stateDir);
    const merged = mergeHistory(entries, incoming, keepPerSource);
    if (merged.added > 0 || merged.entries.length !== entries.length) {
      writePrivateFileAtomically(historyPath(stateDir), merged.entries.map((e) => JSON.stringify(e) + '\n').join(''));
    }
    return merged.added;
  } finally {
    release();
  }
}

async function lockHistory(stateDir: string, clock: Clock): Promise<() => void> {
  const lock = `${historyPath(stateDir)}.lock`;
  for (let attempt = 1; ; attempt++) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock, clock.now())) {
        rmSync(lock, { force: true });
        continue;
      }
      if (attempt >= LOCK_TRIES) {
        throw new SelScraperError('ERR_USAGE', `${lock} is held by another sel-scraper writing the history`, {
          hint: `if no other run is writing, remove ${lock}`,
        });
      }
      await clock.sleep(LOCK_WAIT_MS);
    }
  }
}

function isStale(lock: string, nowMs: number): boolean {
  try {
    return nowMs - statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    return true;
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
  // A source's error can quote a URL with a token or a server echoing a key; the history outlives the run.
  const redact = (text: string) => deps.redactor?.redact(text) ?? text;
  try {
    await appendHistory(
      stateDir,
      entriesFromReport(report).map((entry) => (entry.error === null ? entry : { ...entry, error: redact(entry.error) })),
      deps.clock,
    );
  } catch (error) {
    deps.stderr.write(`warning: the run history was not updated (${describeError(error)}); \`sources health\` will not count this run\n`);
  }
}
