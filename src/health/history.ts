import type { RunReport, SourceReport, SourceStatus } from '../report/run-report.ts';

/**
 * One source's outcome in one run, as kept in `<state-dir>/history.ndjson`. Compact on purpose:
 * the journals that hold every event are pruned, this line outlives them.
 */
export interface HistoryEntry {
  runId: string;
  /** When the run started (ISO 8601), the order entries are judged in. */
  at: string;
  source: string;
  status: Exclude<SourceStatus, 'disabled'>;
  dryRun: boolean;
  pages: number;
  pagesFailed: number;
  extracted: number;
  invalid: number;
  created: number;
  duplicates: number;
  failed: number;
  unknown: number;
  warnings: number;
  /** Sitemap pages not read because unchanged since the last complete read (an incremental run); absent when none. */
  unchanged?: number;
  /** SEL's all_midnight quality warning: dates found, times lost. */
  allMidnight: boolean;
  errorClass: ErrorClass | null;
  /** The source's error, cut short: enough to recognise it at a glance. */
  error: string | null;
}

export type ErrorClass = 'config' | 'robots' | 'unreachable' | 'timeout' | 'http' | 'needs-browser' | 'extract' | 'other';

const MAX_ERROR_CHARS = 300;

/** What the history takes from a run report: a live report, or one read back from a file. */
export type SourceOutcome = Pick<
  SourceReport,
  'name' | 'status' | 'error' | 'pages' | 'warnings' | 'extracted' | 'invalid' | 'created' | 'duplicates' | 'failed' | 'unknown'
> & {
  /** The run this source ran in, when it differs from the report's (a merged report of shards). */
  runId?: string | undefined;
};
export interface RunOutcome extends Pick<RunReport, 'runId' | 'dryRun' | 'startedAt'> {
  sources: readonly SourceOutcome[];
}

/** The history lines of a run: one per source that was read (disabled sources are not runs). */
export function entriesFromReport(report: RunOutcome): HistoryEntry[] {
  return report.sources.filter((s) => s.status !== 'disabled').map((source) => entryFromSource(report, source));
}

function entryFromSource(report: RunOutcome, source: SourceOutcome): HistoryEntry {
  return {
    runId: source.runId ?? report.runId,
    at: report.startedAt,
    source: source.name,
    status: source.status === 'disabled' ? 'ok' : source.status,
    dryRun: report.dryRun,
    pages: source.pages.fetched,
    pagesFailed: source.pages.failed,
    extracted: source.extracted,
    invalid: source.invalid,
    created: source.created,
    duplicates: source.duplicates,
    failed: source.failed,
    unknown: source.unknown,
    warnings: source.warnings.length,
    ...(source.pages.unchanged ? { unchanged: source.pages.unchanged } : {}),
    allMidnight: source.warnings.some((w) => w.startsWith('all_midnight')),
    errorClass: source.error === null ? null : classifyError(source.error),
    error: source.error === null ? null : source.error.slice(0, MAX_ERROR_CHARS),
  };
}

/** A coarse name for what went wrong, so a history can tell "the site is down" from "the config broke". */
export function classifyError(error: string): ErrorClass {
  if (/\.ya?ml:\d+:\d+|unknown key|config/i.test(error)) return 'config';
  if (/robots\.txt/i.test(error)) return 'robots';
  if (/unreachable|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/i.test(error)) return 'unreachable';
  if (/timed out|timeout/i.test(error)) return 'timeout';
  if (/\bHTTP \d{3}\b/.test(error)) return 'http';
  if (/needs a browser/i.test(error)) return 'needs-browser';
  if (/JSON|extract|selector/i.test(error)) return 'extract';
  return 'other';
}

/**
 * Reads history lines, skipping any that are not a history entry (a line cut short by a crash,
 * a hand edit) rather than failing the whole history for one line; `skipped` counts them.
 */
export function parseHistory(text: string): { entries: HistoryEntry[]; skipped: number } {
  const entries: HistoryEntry[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (isHistoryEntry(value)) entries.push(value);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { entries, skipped };
}

function isHistoryEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const counts = ['pages', 'pagesFailed', 'extracted', 'invalid', 'created', 'duplicates', 'failed', 'unknown', 'warnings'];
  return (
    typeof entry.runId === 'string' &&
    typeof entry.source === 'string' &&
    typeof entry.at === 'string' &&
    !Number.isNaN(Date.parse(entry.at)) &&
    (entry.status === 'ok' || entry.status === 'partial' || entry.status === 'failed') &&
    counts.every((name) => typeof entry[name] === 'number')
  );
}

/**
 * The history after adding `incoming`: an entry already present (same run, same source) is not
 * added twice, so importing a report again changes nothing; each source keeps its newest
 * `keepPerSource` runs. Entries come back oldest first.
 */
export function mergeHistory(
  existing: readonly HistoryEntry[],
  incoming: readonly HistoryEntry[],
  keepPerSource: number,
): { entries: HistoryEntry[]; added: number } {
  const seen = new Set(existing.map(entryKey));
  const fresh = incoming.filter((entry) => {
    const key = entryKey(entry);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const bySource = groupBySource([...existing, ...fresh]);
  const kept = [...bySource.values()].flatMap((entries) => entries.slice(-keepPerSource));
  return { entries: kept.sort(byTime), added: fresh.length };
}

/** Each source's entries, oldest first. */
export function groupBySource(entries: readonly HistoryEntry[]): Map<string, HistoryEntry[]> {
  const groups = new Map<string, HistoryEntry[]>();
  for (const entry of [...entries].sort(byTime)) {
    const list = groups.get(entry.source);
    if (list) list.push(entry);
    else groups.set(entry.source, [entry]);
  }
  return groups;
}

function entryKey(entry: HistoryEntry): string {
  return `${entry.runId}\u0000${entry.source}`;
}

function byTime(a: HistoryEntry, b: HistoryEntry): number {
  return Date.parse(a.at) - Date.parse(b.at) || a.runId.localeCompare(b.runId);
}
