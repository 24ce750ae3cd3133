import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { IANAZone } from 'luxon';
import pLimit from 'p-limit';
import { monotonicFactory } from 'ulid';
import type { Clock } from '../clock.ts';
import type { Env } from '../config/run-config.ts';
import { describeError, SelScraperError } from '../errors.ts';
import type { HeadlessBrowser } from '../fetch/browser.ts';
import type { HttpClient } from '../fetch/http-client.ts';
import type { Redactor } from '../keys/redact.ts';
import type { EventInput } from '../normalize/event-input.ts';
import { newReport, runReport, sourceStatus, type FinishedRun, type RunReport, type SourceReport } from '../report/run-report.ts';
import { loadSourceDirectory, type LoadedSources } from '../sources/load.ts';
import { filterSources, type SourceFilter } from '../sources/selection.ts';
import { closestMatch } from '../sources/suggest.ts';
import { formatConfigIssue, type SourceConfig } from '../sources/types.ts';
import type { BatchSettings, DeliveryResult } from '../submit/batch-submitter.ts';
import { eventKey, SeenKeys } from '../submit/event-key.ts';
import type { SelClient } from '../submit/sel-client.ts';
import { VERSION } from '../version.ts';
import { checkKey, DEFAULT_DRAIN_MS, DeliverySession, earlyEnd } from './delivery.ts';
import { defaultFailuresPath, RunJournal, submissionJournal, type JournalledResult, type RunDefinition, type SourceSnapshot } from './journal.ts';
import { lastCompleteReads, sourceFingerprint } from './last-read.ts';
import { recheckUnconfirmed, type ResumeState } from './resume.ts';
import { RunStop } from './run-stop.ts';
import { assertSourcesToRun } from './sources-to-run.ts';
import type { ProgressEvent, ProgressSink } from '../report/progress.ts';
import { readSourceEvents } from '../read/source-events.ts';
import type { PageOutcome } from '../read/page.ts';

export interface ScrapeOptions {
  sourcesDir: string;
  /** --source names; empty means every enabled source. */
  only: readonly string[];
  /** --tier and --shard, applied after --source. */
  filter?: SourceFilter | undefined;
  /** --limit: events submitted per source at most (SEL counts the submit-ready ones); none when absent. */
  limit?: number | undefined;
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
  /** Whether no site the run asked about could be reached: then the report says so. */
  noSiteReached?: () => boolean;
  /** Told what the run does as it does it (sources, pages, batches); the report comes at the end. */
  progress?: ProgressSink;
}

const newRunId = monotonicFactory();

/** A config that did not load: the run reports it as a failed source and reads nothing for it. */
type BrokenConfig = LoadedSources['broken'][number];

/** One row of the run: a source to read, or a config that did not load. */
type Selected = { kind: 'source'; config: SourceConfig } | { kind: 'broken'; config: BrokenConfig };

/**
 * `scrape all`: preflight the key, then per source read pages, extract, normalise and queue
 * events for submission, and account for every event until the server confirms it.
 */
export async function runScrape(options: ScrapeOptions, deps: ScrapeDeps): Promise<RunReport> {
  const resume = options.state?.resume;
  const startedAt = deps.clock.now();
  const runId = options.state?.runId ?? newRunId(startedAt);
  const selected = await loadSelection(options, deps);
  deps.progress?.({ type: 'run-started', runId, sources: selected.length, dryRun: options.dryRun, resumed: resume !== undefined });
  const redact = (line: string) => deps.redactor?.redact(line) ?? line;
  // Made before the preflight, so that --timeout (counted from the start) bounds it too.
  const runStop = new RunStop({
    clock: deps.clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    drainMs: options.drainMs ?? DEFAULT_DRAIN_MS,
    startedAt,
  });
  await preflight(options, deps, runId, runStop.stop).catch((error: unknown) => {
    runStop.dispose();
    throw error;
  });
  let journalError: string | undefined = options.state?.unsaved;
  const journal = openJournal(options, runId, startedAt, redact, (error) => {
    journalError ??= error.message;
    deps.log(`warning: ${error.message}`);
  });
  const out = options.outFile ? createWriteStream(options.outFile, { flags: 'w' }) : undefined;
  // One row per selected source, in file order, before any source is read.
  const reports = new Map<string, SourceReport>(selected.map((entry) => [entry.config.name, selectedReport(entry)]));
  try {
    if (resume && journal && deps.client) await recheckResumed(resume, deps.client, journal, runStop, runId, deps.log);
    const delivery =
      !options.dryRun && deps.client
        ? new DeliverySession({
            client: deps.client,
            clock: deps.clock,
            batches: options.batches,
            runStop,
            reports,
            ownEventsSince: resume?.startedAt ?? startedAt,
            journal: journal && submissionJournal(journal),
            progress: deps.progress,
          })
        : undefined;
    const sourceDeps: SourceRunDeps = {
      ...deps,
      sentKeys: claimedKeys(resume),
      delivery,
      out,
      journal,
      resume,
      stop: runStop.stop,
      limit: options.limit,
      lastReads: lastReadsFor(options, runId, selected),
    };
    const limit = pLimit(options.sourceConcurrency);
    await Promise.all(selected.map((entry) => limit(() => readSelected(entry, reports, options, runStop, sourceDeps))));
    await delivery?.finish();

    const failuresFile = options.state && !options.dryRun ? (options.state.failuresFile ?? defaultFailuresPath(options.state.dir, runId)) : undefined;
    const kept = failuresFile && delivery ? delivery.keepFailures(failuresFile, deps.log, { redact }) : { failures: null, error: undefined };
    const ended = earlyEnd(delivery, runStop);
    const offline = deps.noSiteReached?.() ? 'no site could be reached: is this machine offline?' : undefined;
    const finished: FinishedRun = {
      runId,
      dryRun: options.dryRun,
      server: options.serverUrl ?? null,
      key: deps.client ? deps.client.keyLabel : null,
      startedAt,
      finishedAt: deps.clock.now(),
      sources: [...reports.values()].map((row) => ({ ...row, status: sourceStatus(row, isEnabled(selected, row.name)) })),
      brokenConfigs: selected.filter((entry) => entry.kind === 'broken').length,
      stoppedBy: ended?.code,
      interrupted: deps.signal?.aborted ?? false,
      error: ended?.message ?? offline ?? null,
      resumed: resume !== undefined,
      journal: null,
      failures: kept.failures,
      stateError: kept.error ?? null,
      ...(options.filter?.shard ? { shard: options.filter.shard } : {}),
    };
    const { exitCode, totals } = runReport(finished);
    const complete = !finished.interrupted && !ended && (delivery?.settled ?? true);
    journal?.append({ type: 'run-finished', at: new Date(deps.clock.now()).toISOString(), exitCode, totals, complete }, { sync: true });
    // Known only now: whether the journal took its last line.
    const stateError = [journalError, kept.error].filter((e) => e !== undefined).join('; ') || null;
    return runReport({ ...finished, stateError, journal: journal && !journalError ? journal.path : null });
  } finally {
    runStop.dispose();
    journal?.close();
    if (out) {
      out.end();
      await once(out, 'close');
    }
  }
}

/**
 * The configs of the run, their secrets known to the redactor and their issues logged; a default
 * timezone that is no zone stops the run first.
 */
async function loadSelection(options: ScrapeOptions, deps: Pick<ScrapeDeps, 'log' | 'redactor'>): Promise<Selected[]> {
  if (!IANAZone.isValidZone(options.defaultTimezone)) {
    throw new SelScraperError('ERR_USAGE', `DEFAULT_TIMEZONE is not an IANA time zone: "${options.defaultTimezone}"`, { hint: 'for example America/Toronto' });
  }
  const loaded = await loadSourceDirectory(options.sourcesDir, { defaultTimezone: options.defaultTimezone });
  for (const source of loaded.sources) deps.redactor?.addSource(source);
  for (const issue of loaded.issues) deps.log(formatConfigIssue(issue));
  assertSourcesToRun(loaded, options.sourcesDir);
  const rows = selectSources(loaded, options.only);
  const candidates = rows.map((row) => ({
    name: row.config.name,
    enabled: row.kind === 'broken' || row.config.enabled,
    tier: row.kind === 'source' ? row.config.tier : null,
    broken: row.kind === 'broken',
  }));
  const kept = new Set(filterSources(candidates, options.filter ?? {}, (candidate) => candidate.broken).map((candidate) => candidate.name));
  return rows.filter((row) => kept.has(row.config.name));
}

/** Incremental sitemaps: only a live run has a server to have delivered to, and --full turns it off. */
function lastReadsFor(options: ScrapeOptions, runId: string, selected: readonly Selected[]): ReadonlyMap<string, number> {
  const state = options.state;
  if (options.dryRun || !state || state.definition.full) return new Map();
  const sources = selected.flatMap((entry) => (entry.kind === 'source' ? [entry.config] : []));
  return lastCompleteReads({ stateDir: state.dir, beforeRunId: runId, definition: state.definition }, sources);
}

/** A live run checks its key before anything is fetched; a dry run says it sends nothing. */
async function preflight(options: ScrapeOptions, deps: ScrapeDeps, runId: string, stop: AbortSignal): Promise<void> {
  if (options.dryRun) return;
  if (!deps.client) throw new SelScraperError('ERR_INTERNAL', 'no SEL client for a live run');
  await checkKey(deps.client, options.allowAdminKey, runId, { log: deps.log, signal: stop, progress: deps.progress });
}

/** Before a resumed run reads anything: the batches it left unconfirmed are asked about again. */
async function recheckResumed(
  resume: ResumeState,
  client: SelClient,
  journal: RunJournal,
  runStop: RunStop,
  runId: string,
  log: (line: string) => void,
): Promise<void> {
  const rechecked = await recheckUnconfirmed(resume, client, journal, runStop.hard);
  log(
    `run ${runId}: resuming; ${resume.doneSources.size} source(s) already read, ${resume.finals.size} event(s) already confirmed, ` +
      `${rechecked.confirmed} unconfirmed batch(es) confirmed now, ${rechecked.pending} to send again`,
  );
}

/** Events of sources a resumed run does not read again still claim their keys. */
function claimedKeys(resume: ResumeState | undefined): SeenKeys {
  if (!resume) return new SeenKeys();
  return new SeenKeys([...resume.events].filter(([, queued]) => resume.doneSources.has(queued.source)).map(([key]) => key));
}

function selectedReport(entry: Selected): SourceReport {
  if (entry.kind === 'source') return newReport(entry.config);
  const report = newReport({ ...entry.config, method: 'invalid' });
  report.error = entry.config.issues.map(formatConfigIssue).join('; ');
  return report;
}

function isEnabled(selected: readonly Selected[], name: string): boolean {
  const entry = selected.find((s) => s.config.name === name);
  return entry?.kind !== 'source' || entry.config.enabled;
}

/**
 * One row's turn: a broken config or a disabled source has nothing to read; a source the
 * resumed run already read is continued; any other is read until it ends, times out or the run stops.
 */
async function readSelected(entry: Selected, reports: Map<string, SourceReport>, options: ScrapeOptions, runStop: RunStop, deps: SourceRunDeps): Promise<void> {
  if (entry.kind === 'broken' || !entry.config.enabled) return;
  const source = entry.config;
  const report = reports.get(source.name);
  if (!report) return;
  const done = deps.resume?.doneSources.get(source.name);
  if (done) return continueSource(source, report, done, deps);
  if (runStop.stop.aborted) {
    report.error = `not read: ${runStop.reason ?? 'the run was stopped'}`;
    return;
  }
  const began = deps.clock.now();
  deps.progress?.({ type: 'source-started', source: source.name, method: source.method });
  const deadline = runStop.forSource(options.sourceTimeoutMs);
  try {
    await scrapeSource(source, report, { ...deps, signal: deadline.signal });
  } catch (error) {
    report.error = describeError(error);
  } finally {
    deadline.dispose();
  }
  if (deadline.timedOut()) report.error = `${describeError(deadline.signal.reason)}; events read until then are delivered`;
  else if (runStop.stop.aborted) report.error = `stopped while reading: ${runStop.reason ?? 'the run was stopped'}`;
  report.durationMs = deps.clock.now() - began;
  deps.progress?.(finishedEvent(report));
  // A source cut short by a stop is read again on resume; one that ended on its own is done.
  if (!runStop.stop.aborted)
    deps.journal?.append({ type: 'source-done', source: source.name, report: snapshot(report), config: sourceFingerprint(source) }, { sync: true });
}

/** The journal of a live run: a new one, or the interrupted run's when resuming. */
function openJournal(
  options: ScrapeOptions,
  runId: string,
  startedAt: number,
  redact: (line: string) => string,
  onError: (error: SelScraperError) => void,
): RunJournal | undefined {
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
  /** Absent in a dry run. */
  delivery: DeliverySession | undefined;
  out: WriteStream | undefined;
  journal: RunJournal | undefined;
  resume: ResumeState | undefined;
  /** Once the run stops, events not yet queued stay unqueued: a resumed run reads the source again. */
  stop: AbortSignal;
  limit: number | undefined;
  /** Sitemap sources read completely before: when (epoch ms). */
  lastReads: ReadonlyMap<string, number>;
}

async function scrapeSource(source: SourceConfig, report: SourceReport, deps: SourceRunDeps): Promise<void> {
  let firstError: string | undefined;
  const since = deps.lastReads.get(source.name);
  const outcomes = await readSourceEvents(
    source,
    {
      http: deps.http,
      clock: deps.clock,
      ...(deps.env ? { env: deps.env } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.browser ? { browser: deps.browser } : {}),
      ...(since !== undefined ? { unchangedSince: since } : {}),
    },
    (page) => {
      notePage(report, page);
      deps.progress?.(
        page.ok
          ? { type: 'page-read', source: source.name, url: page.url, ok: true, events: page.events.length }
          : { type: 'page-read', source: source.name, url: page.url, ok: false, events: 0, error: page.error },
      );
      if (!page.ok) firstError ??= page.error;
    },
  );
  if (firstError) report.error = firstError;
  if (report.pages.unchanged && since !== undefined) {
    deps.log(
      `${source.name}: ${report.pages.unchanged} sitemap page(s) unchanged since its last complete read (${new Date(since).toISOString()}) not read again (--full reads them)`,
    );
  }
  let beyondLimit = 0;
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
    // Past --limit nothing is claimed: an event this source does not send stays free for another.
    if (deps.limit !== undefined && report.submitted >= deps.limit) {
      beyondLimit++;
      continue;
    }
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
  if (beyondLimit > 0) {
    report.skipped += beyondLimit;
    report.warnings.push(`${beyondLimit} more event(s) not submitted: --limit ${deps.limit}`);
  }
  if (report.extracted === 0 && report.pages.fetched > 0 && !report.pages.unchanged) report.warnings.push('no events found on any page');
}

/** A source the interrupted run read to the end: its counts come back, its unconfirmed events go out again. */
async function continueSource(source: SourceConfig, report: SourceReport, done: SourceSnapshot, deps: SourceRunDeps): Promise<void> {
  Object.assign(report, { ...done, pages: { ...done.pages }, warnings: [...done.warnings], problems: [...done.problems] });
  for (const [key, queued] of deps.resume?.events ?? []) {
    if (queued.source === source.name) await deliver(source.name, key, queued.event, { ...deps, journal: undefined });
  }
}

/**
 * Hands one event to the delivery session, journalled first so a resumed run can send it without
 * reading its source again; an event the server already ruled on (in the run being resumed)
 * is counted as it was, not sent.
 */
async function deliver(sourceName: string, key: string, event: EventInput, deps: SourceRunDeps): Promise<void> {
  if (!deps.delivery) return;
  const final = deps.resume?.finals.get(key);
  if (final) {
    deps.delivery.record(resultFromJournal(sourceName, event, final));
    return;
  }
  deps.journal?.append({ type: 'event', source: sourceName, key, event });
  await deps.delivery.add({ sourceName, event, ...(deps.resume?.sentBefore.has(key) ? { sentBefore: true } : {}) });
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

/** How a source's reading went, for progress: deliveries come later. */
function finishedEvent(report: SourceReport): ProgressEvent {
  const { name, pages, extracted, invalid, warnings, durationMs, error } = report;
  return {
    type: 'source-finished',
    source: name,
    status: sourceStatus(report, true),
    pages: { ...pages },
    extracted,
    invalid,
    warnings: warnings.length,
    durationMs,
    error,
  };
}

function notePage(report: SourceReport, page: PageOutcome): void {
  if (page.ok) {
    report.pages.fetched++;
    if (page.unchanged) report.pages.unchanged = (report.pages.unchanged ?? 0) + page.unchanged;
    report.warnings.push(...page.warnings);
  } else {
    report.pages.failed++;
    report.warnings.push(`${page.url}: ${page.error}`);
  }
}

/**
 * The rows a run covers, in file order: every config, or those named with --source (an unknown
 * name is a usage error with a suggestion). Broken configs are rows that will be reported failed.
 */
function selectSources(loaded: LoadedSources, only: readonly string[]): Selected[] {
  const all: Selected[] = [
    ...loaded.sources.map((config) => ({ kind: 'source' as const, config })),
    ...loaded.broken.map((config) => ({ kind: 'broken' as const, config })),
  ];
  all.sort((a, b) => a.config.file.localeCompare(b.config.file));
  if (only.length === 0) return all;
  const byName = new Map(all.map((entry) => [entry.config.name.toLowerCase(), entry]));
  return only.map((name) => {
    const entry = byName.get(name.toLowerCase());
    if (!entry) {
      const suggestion = closestMatch(
        name,
        [...byName.values()].map((e) => e.config.name),
      );
      throw new SelScraperError('ERR_USAGE', `no source named "${name}"`, {
        hint: suggestion ? `did you mean \`${suggestion}\`?` : 'run `sel-scraper sources validate` to list the sources',
      });
    }
    return entry;
  });
}
