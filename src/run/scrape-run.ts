import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { IANAZone } from 'luxon';
import pLimit from 'p-limit';
import { monotonicFactory } from 'ulid';
import type { Clock } from '../clock.ts';
import type { Env } from '../config/run-config.ts';
import { describeError, SelScraperError, type ErrorCode } from '../errors.ts';
import type { HeadlessBrowser } from '../fetch/browser.ts';
import type { HttpClient } from '../fetch/http-client.ts';
import type { Redactor } from '../keys/redact.ts';
import type { EventInput } from '../normalize/event-input.ts';
import { exitCodeForRun } from '../report/exit-codes.ts';
import { emptyCounters, sourceStatus, sumCounters, type RunReport, type SourceReport } from '../report/run-report.ts';
import { loadSourceDirectory } from '../sources/load.ts';
import { closestMatch } from '../sources/suggest.ts';
import { formatConfigIssue, type SourceConfig } from '../sources/types.ts';
import { BatchSubmitter, type DeliveryResult, type BatchSettings } from '../submit/batch-submitter.ts';
import { eventKey, SeenKeys } from '../submit/event-key.ts';
import type { SelClient } from '../submit/sel-client.ts';
import { VERSION } from '../version.ts';
import { failureRecord, keepFailures, type FailureRecord } from './failures.ts';
import { defaultFailuresPath, RunJournal, submissionJournal, type JournalledResult, type RunDefinition, type SourceSnapshot } from './journal.ts';
import { recheckUnconfirmed, type ResumeState } from './resume.ts';
import { RunStop } from './run-stop.ts';
import { readSourceEvents } from '../read/source-events.ts';
import type { PageOutcome } from '../read/page.ts';

export interface ScrapeOptions {
  sourcesDir: string;
  /** --source names; empty means every enabled source. */
  only: readonly string[];
  dryRun: boolean;
  outFile?: string | undefined;
  allowAdminKey: boolean;
  defaultTimezone: string;
  /** Sources read at once. */
  sourceConcurrency: number;
  batches: BatchSettings;
  /** Shown in the report; the client has its own copy. */
  serverUrl?: string | undefined;
  /** --timeout: the whole run, in ms; none when absent. */
  timeoutMs?: number | undefined;
  /** --source-timeout: reading one source, in ms; none when absent. */
  sourceTimeoutMs?: number | undefined;
  /** After Ctrl-C or --timeout, how long batches in flight may still be confirmed. */
  drainMs?: number;
  /** Journal and failures file of a live run (absent: neither is kept). */
  state?: RunState | undefined;
}

export interface RunState {
  dir: string;
  /** The run id claimed (and locked) for this run. */
  runId: string;
  /** Why the state folder cannot be written at all (the run goes on without state). */
  unsaved?: string | undefined;
  /** What the journal records so the run can be resumed. */
  definition: RunDefinition;
  /** The journal of the interrupted run to continue. */
  resume?: ResumeState | undefined;
  /** --failures: where undelivered events go (default: next to the journal). */
  failuresFile?: string | undefined;
}

/** Batches given up on are queued again this many times before their events count as lost. */
const RESEND_ROUNDS = 2;
const DEFAULT_DRAIN_MS = 15_000;

export interface ScrapeDeps {
  http: HttpClient;
  /** Absent in a dry run: nothing is sent. */
  client?: SelClient | undefined;
  clock: Clock;
  /** The command's environment, handed to page readers (e.g. GraphQL tokens). */
  env?: Env;
  /** Progress and warnings for a human; never the report itself. */
  log: (line: string) => void;
  signal?: AbortSignal;
  /** The run's Chromium for tier 2 sources, when the machine has one. */
  browser?: HeadlessBrowser | undefined;
  /** The command's secrets: the sources' are added to it, and the journal, failures file and --out pass it. */
  redactor?: Redactor;
}

const newRunId = monotonicFactory();

/**
 * `scrape all`: preflight the key, then per source read pages, extract, normalise and queue
 * events for submission, and account for every event until the server confirms it.
 */
export async function runScrape(options: ScrapeOptions, deps: ScrapeDeps): Promise<RunReport> {
  const resume = options.state?.resume;
  const startedAt = deps.clock.now();
  const runId = options.state?.runId ?? newRunId(startedAt);
  if (!IANAZone.isValidZone(options.defaultTimezone)) {
    throw new SelScraperError('ERR_USAGE', `DEFAULT_TIMEZONE is not an IANA time zone: "${options.defaultTimezone}"`, { hint: 'for example America/Toronto' });
  }
  const loaded = await loadSourceDirectory(options.sourcesDir, { defaultTimezone: options.defaultTimezone });
  for (const source of loaded.sources) deps.redactor?.addSource(source);
  const redact = (line: string) => deps.redactor?.redact(line) ?? line;
  for (const issue of loaded.issues) deps.log(formatConfigIssue(issue));
  const selected = selectSources(loaded.sources, loaded.broken, options.only);

  if (!options.dryRun) {
    if (!deps.client) throw new SelScraperError('ERR_INTERNAL', 'no SEL client for a live run');
    await checkKey(deps.client, options.allowAdminKey, runId, deps);
  } else {
    deps.log(`run ${runId}: dry run, nothing will be submitted`);
  }

  const runStop = new RunStop({ clock: deps.clock, ...(deps.signal ? { signal: deps.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), drainMs: options.drainMs ?? DEFAULT_DRAIN_MS });
  let journalError: string | undefined = options.state?.unsaved;
  const journal = openJournal(options, runId, startedAt, redact, (error) => {
    journalError ??= error.message;
    deps.log(`warning: ${error.message}`);
  });
  const out = options.outFile ? createWriteStream(options.outFile, { flags: 'w' }) : undefined;
  const reports = new Map<string, SourceReport>();
  const failures: FailureRecord[] = [];
  const record = (result: DeliveryResult) => {
    recordDelivery(reports, result);
    const failure = failureRecord(result);
    if (failure) failures.push(failure);
  };
  try {
    if (resume && journal && deps.client) {
      const rechecked = await recheckUnconfirmed(resume, deps.client, journal, runStop.hard);
      deps.log(
        `run ${runId}: resuming; ${resume.doneSources.size} source(s) already read, ${resume.finals.size} event(s) already confirmed, ` +
          `${rechecked.confirmed} unconfirmed batch(es) confirmed now, ${rechecked.pending} to send again`,
      );
    }
    const submitter = !options.dryRun && deps.client
      ? new BatchSubmitter({
          client: deps.client,
          clock: deps.clock,
          ...options.batches,
          onResult: record,
          signal: runStop.hard,
          stop: runStop.stop,
          resendRounds: RESEND_ROUNDS,
          ownEventsSince: resume?.startedAt ?? startedAt,
          ...(journal ? { journal: submissionJournal(journal) } : {}),
        })
      : undefined;

    // Events of sources a resumed run does not read again still claim their keys.
    const sentKeys = new SeenKeys(resume ? [...resume.events].filter(([, e]) => resume.doneSources.has(e.source)).map(([key]) => key) : []);
    const brokenFiles = new Set(loaded.broken.map((b) => b.file));
    const limit = pLimit(options.sourceConcurrency);
    const sourceDeps = { ...deps, sentKeys, submitter, out, dryRun: options.dryRun, journal, resume, record, stop: runStop.stop };
    await Promise.all(
      selected.map((source) =>
        limit(async () => {
          const report = newReport(source);
          reports.set(source.name, report);
          if (!source.enabled || brokenFiles.has(source.file)) return;
          const done = resume?.doneSources.get(source.name);
          if (done) return continueSource(source, report, done, sourceDeps);
          if (runStop.stop.aborted) {
            report.error = `not read: ${runStop.reason ?? 'the run was stopped'}`;
            return;
          }
          const began = deps.clock.now();
          deps.log(`${source.name}: reading (${source.method})`);
          const deadline = runStop.forSource(options.sourceTimeoutMs);
          try {
            await scrapeSource(source, report, { ...sourceDeps, signal: deadline.signal });
          } catch (error) {
            report.error = describeError(error);
          } finally {
            deadline.dispose();
          }
          if (deadline.timedOut()) report.error = `${describeError(deadline.signal.reason)}; events read until then are delivered`;
          else if (runStop.stop.aborted) report.error = `stopped while reading: ${runStop.reason ?? 'the run was stopped'}`;
          report.durationMs = deps.clock.now() - began;
          // A source cut short by a stop is read again on resume; one that ended on its own is done.
          if (!runStop.stop.aborted) journal?.append({ type: 'source-done', source: source.name, report: snapshot(report) }, { sync: true });
        }),
      ),
    );
    await submitter?.finish();

    for (const broken of loaded.broken.filter((b) => selected.some((s) => s.file === b.file))) {
      const report = reports.get(broken.name);
      if (report) report.error = broken.issues.map(formatConfigIssue).join('; ');
    }
    const sources = [...reports.values()].map((report) => {
      const source = selected.find((s) => s.name === report.name);
      return { ...report, status: sourceStatus(report, source?.enabled ?? true) };
    });
    const stoppedBy: ErrorCode | undefined = submitter?.stoppedBy?.code ?? (runStop.timedOut ? 'ERR_TIMEOUT' : undefined);
    const brokenSelected = loaded.broken.filter((b) => selected.some((s) => s.file === b.file)).length;
    const failuresFile = options.state && !options.dryRun ? (options.state.failuresFile ?? defaultFailuresPath(options.state.dir, runId)) : undefined;
    const failuresError = failuresFile ? keepFailures(failuresFile, failures, deps.log, { redact }) : undefined;
    const totals = sumCounters(sources);
    const outcome = { sources, brokenConfigs: brokenSelected, ...(stoppedBy ? { stoppedBy } : {}), interrupted: deps.signal?.aborted ?? false };
    journal?.append({ type: 'run-finished', at: new Date(deps.clock.now()).toISOString(), exitCode: exitCodeForRun({ ...outcome, stateLost: failuresError !== undefined }), totals }, { sync: true });
    // Known only now: whether the journal took its last line.
    const stateError = [journalError, failuresError].filter((e) => e !== undefined).join('; ') || undefined;
    const exitCode = exitCodeForRun({ ...outcome, stateLost: stateError !== undefined });
    const runError = submitter?.stoppedBy?.message ?? (runStop.timedOut ? `${runStop.reason}; what was not confirmed by then is counted unknown or failed` : undefined);
    return {
      runId,
      dryRun: options.dryRun,
      server: options.serverUrl ?? null,
      key: deps.client ? deps.client.keyLabel : null,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: deps.clock.now() - startedAt,
      sources,
      totals,
      exitCode,
      error: runError ?? null,
      resumed: resume !== undefined,
      journal: journal && !journalError ? journal.path : null,
      failures: failuresFile && !failuresError && failures.length > 0 ? { file: failuresFile, events: failures.length } : null,
      stateError: stateError ?? null,
    };
  } finally {
    runStop.dispose();
    journal?.close();
    if (out) {
      out.end();
      await once(out, 'close');
    }
  }
}

/** The key preflight: a rejected key stops the run before anything is fetched; an admin key only when allowed. */
export async function checkKey(client: SelClient, allowAdminKey: boolean, runId: string, deps: Pick<ScrapeDeps, 'log' | 'signal'>): Promise<void> {
  const preflight = await client.preflight(deps.signal);
  if (preflight.role === 'admin' && !allowAdminKey) {
    throw new SelScraperError('ERR_KEY_ADMIN_REFUSED', `API key ${client.keyLabel} is an admin key; refusing to scrape with it`, {
      hint: 'admin keys do not belong on build hosts: create an agent key (sel-scraper api-key create <name> --role agent), or pass --allow-admin-key',
    });
  }
  deps.log(`run ${runId}: key ${client.keyLabel} accepted (${preflight.role})`);
}

/** The journal of a live run: a new one, or the interrupted run's when resuming. */
function openJournal(options: ScrapeOptions, runId: string, startedAt: number, redact: (line: string) => string, onError: (error: SelScraperError) => void): RunJournal | undefined {
  const state = options.state;
  if (!state || options.dryRun || state.unsaved) return undefined;
  if (state.resume) {
    const journal = RunJournal.reopen(state.resume.file, onError, { redact });
    journal.append({ type: 'run-resumed', at: new Date(startedAt).toISOString() }, { sync: true });
    return journal;
  }
  let journal: RunJournal;
  try {
    journal = RunJournal.create(state.dir, runId, onError, { redact });
  } catch (error) {
    // A new run whose journal cannot be created still delivers; it only cannot be resumed.
    onError(error as SelScraperError);
    return undefined;
  }
  journal.append({ type: 'run-started', at: new Date(startedAt).toISOString(), runId, version: VERSION, run: state.definition }, { sync: true });
  return journal;
}

interface SourceRunDeps extends ScrapeDeps {
  sentKeys: SeenKeys;
  submitter: BatchSubmitter | undefined;
  out: WriteStream | undefined;
  dryRun: boolean;
  journal: RunJournal | undefined;
  resume: ResumeState | undefined;
  record: (result: DeliveryResult) => void;
  /** Once the run stops, events not yet queued stay unqueued: a resumed run reads the source again. */
  stop: AbortSignal;
}

async function scrapeSource(source: SourceConfig, report: SourceReport, deps: SourceRunDeps): Promise<void> {
  let firstError: string | undefined;
  const outcomes = await readSourceEvents(source, { http: deps.http, clock: deps.clock, ...(deps.env ? { env: deps.env } : {}), ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.browser ? { browser: deps.browser } : {}) }, (page) => {
    notePage(report, page);
    if (!page.ok) firstError ??= page.error;
  });
  if (firstError) report.error = firstError;
  for (const outcome of outcomes) {
    if (deps.stop.aborted) break;
    report.extracted++;
    if (outcome.kind === 'invalid') {
      report.invalid++;
      report.problems.push({ status: 'invalid', ...(outcome.name ? { name: outcome.name } : {}), reason: outcome.reason });
      continue;
    }
    if (outcome.kind === 'skipped') {
      report.skipped++;
      report.warnings.push(`${outcome.name ?? 'event'}: skipped, ${outcome.reason}`);
      continue;
    }
    const key = eventKey(outcome.event);
    if (!deps.sentKeys.claim(key)) {
      report.skipped++;
      report.warnings.push(`${outcome.event.name}: skipped, already seen in this run (${outcome.event.source.eventId})`);
      continue;
    }
    for (const warning of outcome.warnings) report.warnings.push(`${outcome.event.name}: ${warning}`);
    report.submitted++;
    const line = JSON.stringify(outcome.event);
    if (deps.out && !deps.out.write((deps.redactor?.redact(line) ?? line) + '\n')) await once(deps.out, 'drain');
    await deliver(source.name, key, outcome.event, deps);
  }
  if (report.extracted === 0 && report.pages.fetched > 0) report.warnings.push('no events found on any page');
}

/** A source the interrupted run read to the end: its counts come back, its unconfirmed events go out again. */
async function continueSource(source: SourceConfig, report: SourceReport, done: SourceSnapshot, deps: SourceRunDeps): Promise<void> {
  Object.assign(report, { ...done, pages: { ...done.pages }, warnings: [...done.warnings], problems: [...done.problems] });
  for (const [key, queued] of deps.resume?.events ?? []) {
    if (queued.source === source.name) await deliver(source.name, key, queued.event, { ...deps, journal: undefined });
  }
}

/**
 * Hands one event to the submitter, journalled first so a resumed run can send it without
 * reading its source again; an event the server already ruled on (in the run being resumed)
 * is counted as it was, not sent.
 */
async function deliver(sourceName: string, key: string, event: EventInput, deps: SourceRunDeps): Promise<void> {
  const final = deps.resume?.finals.get(key);
  if (final) {
    deps.record(resultFromJournal(sourceName, event, final));
    return;
  }
  if (!deps.submitter) return;
  deps.journal?.append({ type: 'event', source: sourceName, key, event });
  await deps.submitter.add({ sourceName, event, ...(deps.resume?.sentBefore.has(key) ? { sentBefore: true } : {}) });
}

function resultFromJournal(sourceName: string, event: EventInput, result: JournalledResult): DeliveryResult {
  return {
    sourceName,
    event,
    status: result.status,
    final: true,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.selEventId ? { selEventId: result.selEventId } : {}),
  };
}

/** The reading half of a source's report, for the journal. */
function snapshot(report: SourceReport): SourceSnapshot {
  const { extracted, invalid, skipped, submitted, pages, warnings, error, durationMs } = report;
  return { extracted, invalid, skipped, submitted, pages, warnings, error, durationMs, problems: report.problems.filter((p) => p.status === 'invalid') };
}

function notePage(report: SourceReport, page: PageOutcome): void {
  if (page.ok) {
    report.pages.fetched++;
    report.warnings.push(...page.warnings);
  } else {
    report.pages.failed++;
    report.warnings.push(`${page.url}: ${page.error}`);
  }
}

export function recordDelivery(reports: Map<string, SourceReport>, result: DeliveryResult): void {
  const report = reports.get(result.sourceName);
  if (!report) return;
  const counter = result.status === 'duplicate' ? 'duplicates' : result.status;
  report[counter]++;
  if (result.status === 'failed' || result.status === 'unknown') {
    report.problems.push({ status: result.status, name: result.event.name, eventId: result.event.source.eventId, reason: result.reason ?? result.status });
  }
}

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

/**
 * The sources a run covers: all, or those named with --source (an unknown name is a usage
 * error with a suggestion). Broken configs stand in as sources that will be reported failed.
 */
function selectSources(valid: SourceConfig[], broken: { name: string; file: string }[], only: readonly string[]): SourceConfig[] {
  const placeholders = broken.map((b) => ({ name: b.name, file: b.file, enabled: true, method: 'jsonld' }) as SourceConfig);
  const all = [...valid, ...placeholders].sort((a, b) => a.file.localeCompare(b.file));
  if (only.length === 0) return all;
  const byName = new Map(all.map((s) => [s.name.toLowerCase(), s]));
  return only.map((name) => {
    const source = byName.get(name.toLowerCase());
    if (!source) {
      const suggestion = closestMatch(name, [...byName.values()].map((s) => s.name));
      throw new SelScraperError('ERR_USAGE', `no source named "${name}"`, {
        hint: suggestion ? `did you mean \`${suggestion}\`?` : 'run `sel-scraper sources validate` to list the sources',
      });
    }
    return source;
  });
}
