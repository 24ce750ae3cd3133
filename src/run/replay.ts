import { monotonicFactory } from 'ulid';
import type { Clock } from '../clock.ts';
import type { Redactor } from '../keys/redact.ts';
import type { ProgressSink } from '../report/progress.ts';
import { newReport, runReport, sourceStatus, type RunReport, type SourceReport } from '../report/run-report.ts';
import type { BatchSettings } from '../submit/batch-submitter.ts';
import { eventKey } from '../submit/event-key.ts';
import type { SelClient } from '../submit/sel-client.ts';
import { checkKey, DEFAULT_DRAIN_MS, DeliverySession, earlyEnd } from './delivery.ts';
import type { FailureRecord } from './failures.ts';
import { RunStop } from './run-stop.ts';

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
  /** Told of the replay's steps: the key accepted, each batch posted and settled. */
  progress?: ProgressSink;
}

const newReplayId = monotonicFactory();

/**
 * `scrape replay`: sends the events of a failures file again, as `scrape all` would (same key
 * preflight, delivery session and accounting), and writes those still not delivered to a new
 * failures file. One report row per source named in the file.
 */
export async function runReplay(options: ReplayOptions, deps: ReplayDeps): Promise<RunReport> {
  const startedAt = deps.clock.now();
  const replayId = newReplayId(startedAt);
  const runStop = new RunStop({
    clock: deps.clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    drainMs: DEFAULT_DRAIN_MS,
    startedAt,
  });
  const sources = new Set(options.records.map((record) => record.sourceName)).size;
  deps.progress?.({ type: 'run-started', runId: replayId, sources, dryRun: false, resumed: false, replaying: options.records.length });
  await checkKey(deps.client, options.allowAdminKey, replayId, { log: deps.log, signal: runStop.stop, progress: deps.progress }).catch((error: unknown) => {
    runStop.dispose();
    throw error;
  });
  const reports = new Map<string, SourceReport>();
  try {
    const delivery = new DeliverySession({ client: deps.client, clock: deps.clock, batches: options.batches, runStop, reports, progress: deps.progress });
    await queueRecords(options, reports, delivery);
    await delivery.finish();
    const kept = delivery.keepFailures(options.failuresFile(replayId), deps.log, { redact: (line) => deps.redactor?.redact(line) ?? line });
    const ended = earlyEnd(delivery, runStop);
    return runReport({
      runId: replayId,
      dryRun: false,
      server: options.serverUrl,
      key: deps.client.keyLabel,
      startedAt,
      finishedAt: deps.clock.now(),
      sources: [...reports.values()].map((report) => ({ ...report, status: sourceStatus(report, true) })),
      brokenConfigs: 0,
      stoppedBy: ended?.code,
      interrupted: deps.signal?.aborted ?? false,
      error: ended?.message ?? null,
      resumed: false,
      journal: null,
      failures: kept.failures,
      stateError: kept.error ?? null,
    });
  } finally {
    runStop.dispose();
  }
}

/** Each record once (a file may list an event twice), counted under the source it came from. */
async function queueRecords(options: ReplayOptions, reports: Map<string, SourceReport>, delivery: DeliverySession): Promise<void> {
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
    await delivery.add({ sourceName: record.sourceName, event: record.event });
  }
}
