import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError, SelScraperError } from '../errors.ts';
import type { EventInput } from '../normalize/event-input.ts';
import type { DeliveryResult } from '../submit/batch-submitter.ts';

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

/**
 * Writes the failures file whole (a temporary file renamed over it, so a reader never sees half
 * of it), or removes it when nothing failed, so a stale file never outlives a resumed run.
 */
export async function writeFailures(file: string, records: readonly FailureRecord[]): Promise<void> {
  try {
    if (records.length === 0) {
      await rm(file, { force: true });
      return;
    }
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, records.map((r) => JSON.stringify(r) + '\n').join(''));
    await rename(temporary, file);
  } catch (error) {
    throw new SelScraperError('ERR_JOURNAL', `cannot write the failures file ${file}: ${describeError(error)}`, {
      hint: 'check that the directory is writable (--failures or --state-dir)',
      cause: error,
    });
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
    if (problem) throw new SelScraperError('ERR_USAGE', `${where}: ${problem}`, { hint: 'each line needs sourceName, reason, status and event (with name, startDate and source.url/eventId)' });
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
