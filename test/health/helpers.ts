import type { HistoryEntry } from '../../src/health/history.ts';

export const NOW = Date.parse('2026-11-25T12:00:00Z');
export const DAY = 86_400_000;

/** A history entry `daysAgo` days before NOW, ok with `extracted` events unless told otherwise. */
export function entry(source: string, daysAgo: number, over: Partial<HistoryEntry> = {}): HistoryEntry {
  const at = new Date(NOW - daysAgo * DAY).toISOString();
  return {
    runId: `01RUN${String(1000 - daysAgo).padStart(4, '0')}`,
    at,
    source,
    status: 'ok',
    dryRun: false,
    pages: 1,
    pagesFailed: 0,
    extracted: 40,
    invalid: 0,
    created: 40,
    duplicates: 0,
    failed: 0,
    unknown: 0,
    warnings: 0,
    allMidnight: false,
    errorClass: null,
    error: null,
    ...over,
  };
}

/** Nightly runs, oldest first, one per yield given, the last one today. */
export function nightly(source: string, yields: readonly number[], last: Partial<HistoryEntry> = {}): HistoryEntry[] {
  return yields.map((extracted, i) => entry(source, yields.length - 1 - i, { extracted, created: extracted, ...(i === yields.length - 1 ? last : {}) }));
}
