import type { ErrorCode } from '../errors.ts';
import type { DeliveryResult } from '../submit/batch-submitter.ts';
import { exitCodeForRun } from './exit-codes.ts';
import type { Shard } from '../sources/shard.ts';

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
  /** unchanged: sitemap pages not read because they did not change since the source was last read completely. */
  pages: { fetched: number; failed: number; unchanged?: number | undefined };
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
  /** The part of a sharded run this report covers (`scrape all --shard`), for `report merge`; absent when not sharded. */
  shard?: Shard;
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

export function emptyRunReport(input: {
  runId: string | null;
  dryRun: boolean;
  server: string | null;
  key: string | null;
  startedAt: number;
  exitCode: number;
  error: string | null;
  hint: string | null;
  resumed?: boolean;
  totals?: Counters;
}): EmptyRunReport {
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

const COUNTER_NAMES = Object.keys(emptyCounters()) as (keyof Counters)[];

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

/** A source's row before anything is read or delivered. */
export function newReport(source: { name: string; file: string; method: string }): SourceReport {
  return {
    name: source.name,
    file: source.file,
    method: source.method,
    status: 'ok',
    error: null,
    pages: { fetched: 0, failed: 0 },
    durationMs: 0,
    warnings: [],
    problems: [],
    ...emptyCounters(),
  };
}

/** Counts one event's delivery outcome in its source's row; failed and unknown ones also as problems. */
export function recordDelivery(reports: Map<string, SourceReport>, result: DeliveryResult): void {
  const report = reports.get(result.sourceName);
  if (!report) return;
  const counter = result.status === 'duplicate' ? 'duplicates' : result.status;
  report[counter]++;
  if (result.status === 'failed' || result.status === 'unknown') {
    report.problems.push({ status: result.status, name: result.event.name, eventId: result.event.source.eventId, reason: result.reason ?? result.status });
  }
}

export interface FinishedRun extends Pick<
  RunReport,
  'runId' | 'dryRun' | 'server' | 'key' | 'error' | 'resumed' | 'journal' | 'failures' | 'stateError' | 'shard'
> {
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number;
  /** Every row, with its status decided. */
  sources: SourceReport[];
  brokenConfigs: number;
  stoppedBy: ErrorCode | undefined;
  interrupted: boolean;
}

/**
 * The report of a finished `scrape all` or `scrape replay`: totals and the exit code follow from
 * the rows, and from whether the run's state (journal, failures file) was lost.
 */
export function runReport(run: FinishedRun): RunReport {
  const { sources, brokenConfigs, stoppedBy, interrupted } = run;
  return {
    runId: run.runId,
    dryRun: run.dryRun,
    server: run.server,
    key: run.key,
    startedAt: new Date(run.startedAt).toISOString(),
    durationMs: run.finishedAt - run.startedAt,
    sources,
    totals: sumCounters(sources),
    exitCode: exitCodeForRun({ sources, brokenConfigs, ...(stoppedBy ? { stoppedBy } : {}), interrupted, stateLost: run.stateError !== null }),
    error: run.error,
    resumed: run.resumed,
    journal: run.journal,
    failures: run.failures,
    stateError: run.stateError,
    ...(run.shard ? { shard: run.shard } : {}),
  };
}
