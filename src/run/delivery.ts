import type { Clock } from '../clock.ts';
import { SelScraperError, type ErrorCode } from '../errors.ts';
import { recordDelivery, type SourceReport } from '../report/run-report.ts';
import { BatchSubmitter, type BatchSettings, type DeliveryResult, type QueuedEvent, type SubmissionJournal } from '../submit/batch-submitter.ts';
import type { SelClient } from '../submit/sel-client.ts';
import { failureRecord, keepFailures, type FailureRecord, type FailuresOutput } from './failures.ts';
import type { ProgressSink } from '../report/progress.ts';
import type { RunStop } from './run-stop.ts';
import { reportingSubmission } from './submission-progress.ts';

/** Batches given up on are queued again this many times before their events count as lost. */
const RESEND_ROUNDS = 2;
/** After Ctrl-C or --timeout, how long batches in flight may still be confirmed. */
export const DEFAULT_DRAIN_MS = 15_000;

/** The key preflight: a rejected key stops the run before anything is fetched; an admin key only when allowed. */
export async function checkKey(
  client: SelClient,
  allowAdminKey: boolean,
  runId: string,
  deps: { log: (line: string) => void; signal?: AbortSignal; progress?: ProgressSink | undefined },
): Promise<void> {
  const preflight = await client.preflight(deps.signal);
  if (preflight.role === 'admin' && !allowAdminKey) {
    throw new SelScraperError('ERR_KEY_ADMIN_REFUSED', `API key ${client.keyLabel} is an admin key; refusing to scrape with it`, {
      hint: 'admin keys do not belong on build hosts: create an agent key (sel-scraper api-key create <name> --role agent), or pass --allow-admin-key',
    });
  }
  if (deps.progress) deps.progress({ type: 'key-accepted', key: client.keyLabel, role: preflight.role });
  else deps.log(`run ${runId}: key ${client.keyLabel} accepted (${preflight.role})`);
}

export interface DeliveryOptions {
  client: SelClient;
  clock: Clock;
  batches: BatchSettings;
  runStop: RunStop;
  /** Source rows the outcomes are counted in, by source name. */
  reports: Map<string, SourceReport>;
  journal?: SubmissionJournal | undefined;
  /** When the run began, so a re-sent event SEL created in an earlier attempt of this run counts as created. */
  ownEventsSince?: number;
  /** Told of each batch posted and settled. */
  progress?: ProgressSink | undefined;
}

/**
 * Delivering a run's events, as `scrape all` and `scrape replay` both do: batched and
 * confirmed by the submitter until the run's stop, each outcome counted in its source's row,
 * and the events not delivered kept for the failures file.
 */
export class DeliverySession {
  private readonly failures: FailureRecord[] = [];
  private readonly submitter: BatchSubmitter;
  /** Whether some event ended without the server's final verdict: a run with none is complete, and --resume has nothing to do. */
  private someUnsettled = false;

  constructor(private readonly options: DeliveryOptions) {
    const { runStop, ownEventsSince } = options;
    const journal = reportingSubmission(options.journal, options.progress);
    this.submitter = new BatchSubmitter({
      client: options.client,
      clock: options.clock,
      ...options.batches,
      onResult: (result) => this.record(result),
      signal: runStop.hard,
      stop: runStop.stop,
      resendRounds: RESEND_ROUNDS,
      ...(ownEventsSince === undefined ? {} : { ownEventsSince }),
      ...(journal ? { journal } : {}),
    });
  }

  /** Counts an outcome: one the submitter reached, or one already known (a resumed run's journal). */
  record(result: DeliveryResult): void {
    if (!result.final) this.someUnsettled = true;
    recordDelivery(this.options.reports, result);
    const failure = failureRecord(result);
    if (failure) this.failures.push(failure);
  }

  add(item: QueuedEvent): Promise<void> {
    return this.submitter.add(item);
  }

  /** Waits until every event added has an outcome (or the run's hard stop). */
  finish(): Promise<void> {
    return this.submitter.finish();
  }

  /** Whether every event added has the server's final verdict (created, duplicate, or failed for good). */
  get settled(): boolean {
    return !this.someUnsettled;
  }

  /** The submitter's fatal error (a revoked key), which ends the delivery early. */
  get fatalError(): SelScraperError | undefined {
    return this.submitter.stoppedBy;
  }

  /**
   * Writes (or removes, when empty) the failures file, or spills its lines when it cannot be
   * written: the report's `failures` field, and why the file was not written.
   */
  keepFailures(
    file: string,
    spill: (line: string) => void,
    output: FailuresOutput,
  ): { failures: { file: string; events: number } | null; error: string | undefined } {
    const error = keepFailures(file, this.failures, spill, output);
    return { failures: !error && this.failures.length > 0 ? { file, events: this.failures.length } : null, error };
  }
}

/** What ended a run early, for its report: the submitter's fatal error (a revoked key), else --timeout. */
export function earlyEnd(delivery: DeliverySession | undefined, runStop: RunStop): { code: ErrorCode; message: string } | undefined {
  const fatal = delivery?.fatalError;
  if (fatal) return { code: fatal.code, message: fatal.message };
  if (runStop.timedOut) return { code: 'ERR_TIMEOUT', message: `${runStop.reason}; what was not confirmed by then is counted unknown or failed` };
  return undefined;
}
