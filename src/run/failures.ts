import { closeSync, lstatSync, mkdirSync, openSync, realpathSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError, SelScraperError } from '../errors.ts';
import type { EventInput } from '../normalize/event-input.ts';
import type { DeliveryResult } from '../submit/batch-submitter.ts';
import { PRIVATE_DIR_MODE, writeAllSync, writePrivateFileAtomically, type WriteAll } from '../private-file.ts';

/** One line of a failures file: an event that was not delivered, and why. */
export interface FailureRecord {
  sourceName: string;
  reason: string;
  status: 'failed' | 'unknown';
  event: EventInput;
}

export function failureRecord(result: DeliveryResult): FailureRecord | undefined {
  if (result.status !== 'failed' && result.status !== 'unknown') return undefined;
  return { sourceName: result.sourceName, reason: result.reason ?? result.status, status: result.status, event: result.event };
}

/** How failure lines reach the disk: the writer (injected to play a full disk) and the redactor. */
export interface FailuresOutput {
  write?: WriteAll;
  redact?: (line: string) => string;
}

/**
 * Writes the failures file whole and private (0600), each line through `redact` (a server's
 * reason may quote a key): a temporary file beside it, renamed over it once complete, so a
 * reader never sees half of it and a failed write leaves no temporary behind. A file that is
 * not a regular file (`--failures /dev/stderr`, a FIFO) is written directly. When nothing
 * failed the file is removed, so a stale one never outlives a resumed run.
 * Throws ERR_JOURNAL; keepFailures is what a run calls.
 */
export function writeFailures(file: string, records: readonly FailureRecord[], options: FailuresOutput = {}): void {
  const write = options.write ?? writeAllSync;
  const redact = options.redact ?? ((line: string) => line);
  try {
    if (records.length === 0) {
      // Only a file of ours goes: never a device, a FIFO or what a symlink points at.
      if (lstatSync(file, { throwIfNoEntry: false })?.isFile()) rmSync(file);
      return;
    }
    const text = records.map((r) => redact(JSON.stringify(r)) + '\n').join('');
    const target = existingTarget(file);
    if (target && !statSync(target).isFile()) {
      writeToDevice(target, text, write);
      return;
    }
    const destination = target ?? file;
    mkdirSync(path.dirname(destination), { recursive: true, mode: PRIVATE_DIR_MODE });
    writePrivateFileAtomically(destination, text, write);
  } catch (error) {
    throw new SelScraperError('ERR_JOURNAL', `cannot write the failures file ${file}: ${describeError(error)}`, {
      hint: 'check that the directory is writable and the disk has room (--failures or --state-dir)',
      cause: error,
    });
  }
}

/**
 * Writes the failures file; when it cannot be, every record goes to `spill` as one NDJSON line
 * instead (the run's stderr), so no undelivered event is recorded nowhere. Returns why the file
 * could not be written, or undefined when it was.
 */
export function keepFailures(file: string, records: readonly FailureRecord[], spill: (line: string) => void, output: FailuresOutput = {}): string | undefined {
  try {
    writeFailures(file, records, output);
    return undefined;
  } catch (error) {
    for (const record of records) spill(JSON.stringify(record));
    const where = records.length > 0 ? `; its ${records.length} event(s) were printed on stderr as NDJSON instead` : '';
    return `${describeError(error)}${where}`;
  }
}

/** Where `file` really is when it exists (a symlink's target is replaced, not the link). */
function existingTarget(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A FIFO or a device is written as it is: it cannot be replaced, nor made private. */
function writeToDevice(file: string, text: string, write: WriteAll): void {
  const fd = openSync(file, 'w');
  try {
    write(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Reads a failures file for `scrape replay`, checking each line enough to send it. */
export async function readFailures(file: string): Promise<FailureRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SelScraperError('ERR_USAGE', `cannot read ${file}: ${describeError(error)}`, {
      hint: 'pass the failures file a run printed (by default .sel-scraper/runs/<run-id>.failures.ndjson)',
      cause: error,
    });
  }
  const records: FailureRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SelScraperError('ERR_USAGE', `${where}: not JSON`, { hint: 'each line of a failures file is one JSON object' });
    }
    const problem = recordProblem(value);
    if (problem)
      throw new SelScraperError('ERR_USAGE', `${where}: ${problem}`, {
        hint: 'each line needs sourceName, reason, status and event (with name, startDate and source.url/eventId)',
      });
    records.push(value as FailureRecord);
  });
  return records;
}

function recordProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not an object';
  if (typeof value.sourceName !== 'string') return 'sourceName is missing';
  if (value.status !== 'failed' && value.status !== 'unknown') return 'status is neither "failed" nor "unknown"';
  const event = value.event;
  if (!isObject(event)) return 'event is missing';
  if (typeof event.name !== 'string' || typeof event.startDate !== 'string') return 'event has no name or startDate';
  const source = event.source;
  if (!isObject(source) || typeof source.url !== 'string' || typeof source.eventId !== 'string') return 'event has no source.url and source.eventId';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
