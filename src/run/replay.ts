import { monotonicFactory } from 'ulid';
import type { Clock } from '../clock.ts';
import type { ErrorCode } from '../errors.ts';
import { exitCodeForRun } from '../report/exit-codes.ts';
import { sourceStatus, sumCounters, type RunReport, type SourceReport } from '../report/run-report.ts';
import { BatchSubmitter, type DeliveryResult, type BatchSettings } from '../submit/batch-submitter.ts';
import { eventKey } from '../submit/event-key.ts';
import type { SelClient } from '../submit/sel-client.ts';
import type { Redactor } from '../keys/redact.ts';
import { failureRecord, keepFailures, type FailureRecord } from './failures.ts';
import { RunStop } from './run-stop.ts';
import { checkKey, newReport, recordDelivery } from './scrape-run.ts';

export interface ReplayOptions {
  /** The failures file replayed, shown as each source's file. */
  file: string;
  records: readonly FailureRecord[];
  allowAdminKey: boolean;
  batches: BatchSettings;
  serverUrl: string;
  timeoutMs?: number | undefined;
  /** Where the events still not delivered go. */
  failuresFile: (replayId: string) => string;
}

export interface ReplayDeps {
  client: SelClient;
  clock: Clock;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** The failures file passes it: a server's reason may quote the key. */
  redactor?: Redactor;
}

const newReplayId = monotonicFactory();

/**
 * `scrape replay`: sends the events of a failures file again, as `scrape all` would (same key
 * preflight, batching, polling and accounting), and writes those still not delivered to a new
 * failures file. One report row per source named in the file.
 */
export async function runReplay(options: ReplayOptions, deps: ReplayDeps): Promise<RunReport> {
  const startedAt = deps.clock.now();
  const replayId = newReplayId(startedAt);
  const runStop = new RunStop({ clock: deps.clock, ...(deps.signal ? { signal: deps.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), drainMs: 15_000, startedAt });
  await checkKey(deps.client, options.allowAdminKey, replayId, { log: deps.log, signal: runStop.stop }).catch((error: unknown) => {
    runStop.dispose();
    throw error;
  });
  const reports = new Map<string, SourceReport>();
  const failures: FailureRecord[] = [];
  try {
    const submitter = new BatchSubmitter({
      client: deps.client,
      clock: deps.clock,
      ...options.batches,
      onResult: (result: DeliveryResult) => {
        recordDelivery(reports, result);
        const failure = failureRecord(result);
        if (failure) failures.push(failure);
      },
      signal: runStop.hard,
      stop: runStop.stop,
      resendRounds: 2,
    });
    const seen = new Set<string>();
    for (const record of options.records) {
      let report = reports.get(record.sourceName);
      if (!report) {
        report = newReport({ name: record.sourceName, file: options.file, method: 'replay' });
        reports.set(record.sourceName, report);
      }
      report.extracted++;
      const key = eventKey(record.event);
      if (seen.has(key)) {
        report.skipped++;
        report.warnings.push(`${record.event.name}: skipped, already in this file (${record.event.source.eventId})`);
        continue;
      }
      seen.add(key);
      report.submitted++;
      await submitter.add({ sourceName: record.sourceName, event: record.event });
    }
    await submitter.finish();

    const sources = [...reports.values()].map((report) => ({ ...report, status: sourceStatus(report, true) }));
    const failuresFile = options.failuresFile(replayId);
    const failuresError = keepFailures(failuresFile, failures, deps.log, { redact: (line) => deps.redactor?.redact(line) ?? line });
    const stoppedBy: ErrorCode | undefined = submitter.stoppedBy?.code ?? (runStop.timedOut ? 'ERR_TIMEOUT' : undefined);
    return {
      runId: replayId,
      dryRun: false,
      server: options.serverUrl,
      key: deps.client.keyLabel,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: deps.clock.now() - startedAt,
      sources,
      totals: sumCounters(sources),
      exitCode: exitCodeForRun({ sources, brokenConfigs: 0, ...(stoppedBy ? { stoppedBy } : {}), interrupted: deps.signal?.aborted ?? false, stateLost: failuresError !== undefined }),
      error: submitter.stoppedBy?.message ?? (runStop.timedOut ? (runStop.reason ?? null) : null),
      resumed: false,
      journal: null,
      failures: !failuresError && failures.length > 0 ? { file: failuresFile, events: failures.length } : null,
      stateError: failuresError ?? null,
    };
  } finally {
    runStop.dispose();
  }
}
