import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { IANAZone } from 'luxon';
import pLimit from 'p-limit';
import { monotonicFactory } from 'ulid';
import type { Clock } from '../clock.ts';
import { describeError, SelScraperError, type ErrorCode } from '../errors.ts';
import type { HttpClient } from '../fetch/http-client.ts';
import { hostOf } from '../normalize/urls.ts';
import { exitCodeForRun } from '../report/exit-codes.ts';
import { emptyCounters, sourceStatus, sumCounters, type RunReport, type SourceReport } from '../report/run-report.ts';
import { loadSourceDirectory } from '../sources/load.ts';
import { closestMatch } from '../sources/suggest.ts';
import { formatConfigIssue, type SourceConfig } from '../sources/types.ts';
import { BatchSubmitter, type DeliveryResult } from '../submit/batch-submitter.ts';
import type { SelClient } from '../submit/sel-client.ts';
import { readSourceEvents } from './source-events.ts';
import type { PageOutcome } from './source-pages.ts';

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
  /** Batches between POST and confirmation at once. */
  concurrency: number;
  batchSize: number;
  maxBatchBytes: number;
  pollTimeoutMs: number;
  /** Shown in the report; the client has its own copy. */
  serverUrl?: string | undefined;
}

export interface ScrapeDeps {
  http: HttpClient;
  /** Absent in a dry run: nothing is sent. */
  client?: SelClient | undefined;
  clock: Clock;
  /** Progress and warnings for a human; never the report itself. */
  log: (line: string) => void;
  signal?: AbortSignal;
}

const newRunId = monotonicFactory();

/**
 * `scrape all`: preflight the key, then per source read pages, extract, normalise and queue
 * events for submission, and account for every event until the server confirms it.
 */
export async function runScrape(options: ScrapeOptions, deps: ScrapeDeps): Promise<RunReport> {
  const runId = newRunId(deps.clock.now());
  const startedAt = deps.clock.now();
  if (!IANAZone.isValidZone(options.defaultTimezone)) {
    throw new SelScraperError('ERR_USAGE', `DEFAULT_TIMEZONE is not an IANA time zone: "${options.defaultTimezone}"`, { hint: 'for example America/Toronto' });
  }
  const loaded = await loadSourceDirectory(options.sourcesDir, { defaultTimezone: options.defaultTimezone });
  for (const issue of loaded.issues) deps.log(formatConfigIssue(issue));
  const selected = selectSources(loaded.sources, loaded.broken, options.only);

  if (!options.dryRun) {
    if (!deps.client) throw new SelScraperError('ERR_INTERNAL', 'no SEL client for a live run');
    const preflight = await deps.client.preflight(deps.signal);
    if (preflight.role === 'admin' && !options.allowAdminKey) {
      throw new SelScraperError('ERR_KEY_ADMIN_REFUSED', `API key ${deps.client.keyLabel} is an admin key; refusing to scrape with it`, {
        hint: 'admin keys do not belong on build hosts: create an agent key (sel-scraper api-key create <name> --role agent), or pass --allow-admin-key',
      });
    }
    deps.log(`run ${runId}: key ${deps.client.keyLabel} accepted (${preflight.role})`);
  } else {
    deps.log(`run ${runId}: dry run, nothing will be submitted`);
  }

  const out = options.outFile ? createWriteStream(options.outFile, { flags: 'w' }) : undefined;
  const reports = new Map<string, SourceReport>();
  const submitter = !options.dryRun && deps.client
    ? new BatchSubmitter({
        client: deps.client,
        clock: deps.clock,
        concurrency: options.concurrency,
        batchSize: options.batchSize,
        maxBatchBytes: options.maxBatchBytes,
        pollTimeoutMs: options.pollTimeoutMs,
        pollInitialMs: 1_000,
        pollMaxMs: 10_000,
        onResult: (result) => recordDelivery(reports, result),
        ...(deps.signal ? { signal: deps.signal } : {}),
      })
    : undefined;

  const sentKeys = new Set<string>();
  const brokenFiles = new Set(loaded.broken.map((b) => b.file));
  const limit = pLimit(options.sourceConcurrency);
  try {
    await Promise.all(
      selected.map((source) =>
        limit(async () => {
          const report = newReport(source);
          reports.set(source.name, report);
          if (!source.enabled || brokenFiles.has(source.file)) return;
          const began = deps.clock.now();
          deps.log(`${source.name}: reading (${source.method})`);
          try {
            await scrapeSource(source, report, { ...deps, sentKeys, submitter, out, dryRun: options.dryRun });
          } catch (error) {
            report.error = describeError(error);
          }
          report.durationMs = deps.clock.now() - began;
        }),
      ),
    );
    await submitter?.finish();
  } finally {
    if (out) {
      out.end();
      await once(out, 'close');
    }
  }

  for (const broken of loaded.broken.filter((b) => selected.some((s) => s.file === b.file))) {
    const report = reports.get(broken.name);
    if (report) report.error = broken.issues.map(formatConfigIssue).join('; ');
  }
  const sources = [...reports.values()].map((report) => {
    const source = selected.find((s) => s.name === report.name);
    return { ...report, status: sourceStatus(report, source?.enabled ?? true) };
  });
  const stoppedBy: ErrorCode | undefined = submitter?.stoppedBy?.code;
  const brokenSelected = loaded.broken.filter((b) => selected.some((s) => s.file === b.file)).length;
  return {
    runId,
    dryRun: options.dryRun,
    server: options.serverUrl ?? null,
    key: deps.client ? deps.client.keyLabel : null,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: deps.clock.now() - startedAt,
    sources,
    totals: sumCounters(sources),
    exitCode: exitCodeForRun({ sources, brokenConfigs: brokenSelected, ...(stoppedBy ? { stoppedBy } : {}), interrupted: deps.signal?.aborted ?? false }),
    error: submitter?.stoppedBy ? submitter.stoppedBy.message : null,
  };
}

interface SourceRunDeps extends ScrapeDeps {
  sentKeys: Set<string>;
  submitter: BatchSubmitter | undefined;
  out: WriteStream | undefined;
  dryRun: boolean;
}

async function scrapeSource(source: SourceConfig, report: SourceReport, deps: SourceRunDeps): Promise<void> {
  let firstError: string | undefined;
  const outcomes = await readSourceEvents(source, { http: deps.http, clock: deps.clock, ...(deps.signal ? { signal: deps.signal } : {}) }, (page) => {
    notePage(report, page);
    if (!page.ok) firstError ??= page.error;
  });
  if (firstError) report.error = firstError;
  for (const outcome of outcomes) {
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
    const key = `${hostOf(outcome.event.source.url)}|${outcome.event.source.eventId}`;
    if (deps.sentKeys.has(key)) {
      report.skipped++;
      report.warnings.push(`${outcome.event.name}: skipped, already seen in this run (${outcome.event.source.eventId})`);
      continue;
    }
    deps.sentKeys.add(key);
    for (const warning of outcome.warnings) report.warnings.push(`${outcome.event.name}: ${warning}`);
    report.submitted++;
    if (deps.out && !deps.out.write(JSON.stringify(outcome.event) + '\n')) await once(deps.out, 'drain');
    await deps.submitter?.add({ sourceName: source.name, event: outcome.event });
  }
  if (report.extracted === 0 && report.pages.fetched > 0) report.warnings.push('no events found on any page');
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

function recordDelivery(reports: Map<string, SourceReport>, result: DeliveryResult): void {
  const report = reports.get(result.sourceName);
  if (!report) return;
  const counter = result.status === 'duplicate' ? 'duplicates' : result.status;
  report[counter]++;
  if (result.status === 'failed' || result.status === 'unknown') {
    report.problems.push({ status: result.status, name: result.event.name, eventId: result.event.source.eventId, reason: result.reason ?? result.status });
  }
}

function newReport(source: SourceConfig): SourceReport {
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
