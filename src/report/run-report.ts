export type SourceStatus = 'ok' | 'partial' | 'failed' | 'disabled';

export interface Counters {
  extracted: number;
  invalid: number;
  skipped: number;
  submitted: number;
  created: number;
  duplicates: number;
  failed: number;
  unknown: number;
}

/** One event that did not end as created or duplicate, with why. */
export interface EventProblem {
  status: 'invalid' | 'failed' | 'unknown';
  name?: string;
  eventId?: string;
  reason: string;
}

export interface SourceReport extends Counters {
  name: string;
  file: string;
  method: string;
  status: SourceStatus;
  error: string | null;
  pages: { fetched: number; failed: number };
  durationMs: number;
  warnings: string[];
  problems: EventProblem[];
}

export interface RunReport {
  runId: string;
  dryRun: boolean;
  server: string | null;
  key: string | null;
  startedAt: string;
  durationMs: number;
  sources: SourceReport[];
  totals: Counters;
  exitCode: number;
  /** A run-level failure that is not any one source's (e.g. the key was revoked mid-run). */
  error: string | null;
  /** This run continued an interrupted one (`scrape all --resume`). */
  resumed: boolean;
  /** The run journal, for `--resume`; null when none was kept (dry run). */
  journal: string | null;
  /** Events that failed or stayed unknown, for `scrape replay`; null when there are none. */
  failures: { file: string; events: number } | null;
  /**
   * Why the run's state (journal, failures file) was not saved, e.g. a full disk; null when it
   * was. Undelivered events that no failures file could take were printed on stderr as NDJSON.
   */
  stateError: string | null;
}

/**
 * The report of a run that did nothing: stopped before it started (a missing or rejected key, an
 * unreachable server, no sources), or a --resume of a run that was already complete. `--json`
 * prints it so that a cron job's report file is never empty.
 */
export interface EmptyRunReport extends Omit<RunReport, 'runId'> {
  /** Null when the run stopped before it had an id. */
  runId: string | null;
  /** What to do about `error`. */
  hint: string | null;
}

export function emptyRunReport(input: { runId: string | null; dryRun: boolean; server: string | null; key: string | null; startedAt: number; exitCode: number; error: string | null; hint: string | null; resumed?: boolean; totals?: Counters }): EmptyRunReport {
  return {
    runId: input.runId,
    dryRun: input.dryRun,
    server: input.server,
    key: input.key,
    startedAt: new Date(input.startedAt).toISOString(),
    durationMs: 0,
    sources: [],
    totals: input.totals ?? emptyCounters(),
    exitCode: input.exitCode,
    error: input.error,
    hint: input.hint,
    resumed: input.resumed ?? false,
    journal: null,
    failures: null,
    stateError: null,
  };
}

export function emptyCounters(): Counters {
  return { extracted: 0, invalid: 0, skipped: 0, submitted: 0, created: 0, duplicates: 0, failed: 0, unknown: 0 };
}

export const COUNTER_NAMES = Object.keys(emptyCounters()) as (keyof Counters)[];

export function sumCounters(reports: readonly Counters[]): Counters {
  const totals = emptyCounters();
  for (const report of reports) for (const name of COUNTER_NAMES) totals[name] += report[name];
  return totals;
}

/**
 * ok: every page read and every event delivered (or, in a dry run, ready to be).
 * partial: something was lost on the way (a page, an invalid event, a failed or unknown one).
 * failed: nothing could be read at all.
 */
export function sourceStatus(report: Omit<SourceReport, 'status'>, enabled: boolean): SourceStatus {
  if (!enabled) return 'disabled';
  if (report.error !== null && report.pages.fetched === 0) return 'failed';
  const lost = report.invalid + report.failed + report.unknown + report.pages.failed;
  return lost > 0 || report.error !== null ? 'partial' : 'ok';
}
