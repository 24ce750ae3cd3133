import { SelScraperError } from '../errors.ts';
import { formatShard, type Shard } from '../sources/shard.ts';
import { EXIT, worstExitCode } from './exit-codes.ts';
import { sumCounters, type RunReport, type SourceReport } from './run-report.ts';

/** A report to merge and where it came from (named in errors). */
export interface ReportInput {
  file: string;
  report: RunReport;
}

/** One merged report's origin: enough to resume or replay that shard on its machine. */
export interface ShardOrigin {
  file: string;
  runId: string;
  shard: Shard | null;
  exitCode: number;
  error: string | null;
  journal: string | null;
  failures: RunReport['failures'];
}

/**
 * A run report made of several: every source keeps the run id it ran in (so `health import`
 * of the merged report and of the shards' own reports agrees), and `shards` lists the parts.
 */
export interface MergedReport extends RunReport {
  sources: (SourceReport & { runId: string })[];
  shards: ShardOrigin[];
}

/**
 * The reports of the shards of one run, as one: sources concatenated in shard order, totals
 * summed, the exit code the worst of theirs. Refused (a usage error) when they cannot be parts
 * of one run: a source in two reports, dry and live runs mixed, different servers, shards of
 * different splits or the same shard twice. A shard with no report makes the merge partial
 * (exit 3 at least) and says which: its sources were never accounted for.
 */
export function mergeReports(inputs: readonly ReportInput[]): MergedReport {
  const first = inputs[0];
  if (!first) throw new SelScraperError('ERR_USAGE', 'no reports to merge');
  checkSameRun(inputs);
  const ordered = [...inputs].sort((a, b) => (a.report.shard?.index ?? 0) - (b.report.shard?.index ?? 0));
  const missing = missingShards(ordered);
  const owner = new Map<string, string>();
  const sources = ordered.flatMap(({ file, report }) =>
    report.sources.map((source) => {
      const key = source.name.toLowerCase();
      const other = owner.get(key);
      if (other !== undefined) {
        throw new SelScraperError('ERR_USAGE', `source "${source.name}" is in two reports: ${other} and ${file}`, {
          hint: 'merge the reports of the shards of one run (scrape all --shard i/n), each once',
        });
      }
      owner.set(key, file);
      return { ...source, runId: report.runId };
    }),
  );
  const starts = ordered.map(({ report }) => Date.parse(report.startedAt));
  const ends = ordered.map(({ report }) => Date.parse(report.startedAt) + report.durationMs);
  const earliest = (ordered[starts.indexOf(Math.min(...starts))] ?? first).report;
  const errors = [
    ...ordered.flatMap(({ report }) => (report.error ? [`${partName(report)}: ${report.error}`] : [])),
    ...(missing.length > 0 ? [`no report from shard ${missing.join(', ')}: its sources were not accounted for`] : []),
  ];
  const stateErrors = ordered.flatMap(({ report }) => (report.stateError ? [`${partName(report)}: ${report.stateError}`] : []));
  const keys = [...new Set(ordered.flatMap(({ report }) => (report.key ? [report.key] : [])))];
  return {
    runId: earliest.runId,
    dryRun: first.report.dryRun,
    server: first.report.server,
    key: keys.length > 0 ? keys.join(', ') : null,
    startedAt: earliest.startedAt,
    durationMs: Math.max(...ends) - Math.min(...starts),
    sources,
    totals: sumCounters(ordered.map(({ report }) => report.totals)),
    exitCode: worstExitCode([...ordered.map(({ report }) => report.exitCode), ...(missing.length > 0 ? [EXIT.partial] : [])]),
    error: errors.length > 0 ? errors.join('; ') : null,
    resumed: ordered.some(({ report }) => report.resumed),
    journal: null,
    failures: null,
    stateError: stateErrors.length > 0 ? stateErrors.join('; ') : null,
    shards: ordered.map(({ file, report }) => ({
      file,
      runId: report.runId,
      shard: report.shard ?? null,
      exitCode: report.exitCode,
      error: report.error,
      journal: report.journal,
      failures: report.failures,
    })),
  };
}

function checkSameRun(inputs: readonly ReportInput[]): void {
  const [first, ...others] = inputs as [ReportInput, ...ReportInput[]];
  for (const other of others) {
    if (other.report.dryRun !== first.report.dryRun) {
      throw new SelScraperError('ERR_USAGE', `${first.file} is ${describeMode(first.report)} but ${other.file} is ${describeMode(other.report)}`, {
        hint: 'merge the reports of one run',
      });
    }
    if (normalizedServer(other.report.server) !== normalizedServer(first.report.server)) {
      throw new SelScraperError('ERR_USAGE', `${first.file} was sent to ${first.report.server} but ${other.file} to ${other.report.server}`, {
        hint: 'merge the reports of one run',
      });
    }
  }
  const sharded = inputs.flatMap((input) => (input.report.shard ? [{ file: input.file, shard: input.report.shard }] : []));
  const counts = new Set(sharded.map(({ shard }) => shard.count));
  if (counts.size > 1) {
    throw new SelScraperError(
      'ERR_USAGE',
      `the reports are shards of different splits: ${sharded.map(({ file, shard }) => `${file} is ${formatShard(shard)}`).join(', ')}`,
      {
        hint: 'every shard of one run uses the same --shard i/N',
      },
    );
  }
  const byIndex = new Map<number, string>();
  for (const { file, shard } of sharded) {
    const other = byIndex.get(shard.index);
    if (other !== undefined)
      throw new SelScraperError('ERR_USAGE', `shard ${formatShard(shard)} is reported twice: ${other} and ${file}`, { hint: "pass each shard's report once" });
    byIndex.set(shard.index, file);
  }
}

/** The shards of the split that sent no report ("2/4"); none when no report is sharded. */
function missingShards(inputs: readonly ReportInput[]): string[] {
  const shards = inputs.flatMap((input) => (input.report.shard ? [input.report.shard] : []));
  const count = shards[0]?.count;
  if (count === undefined) return [];
  const present = new Set(shards.map((s) => s.index));
  return Array.from({ length: count }, (_, i) => i + 1)
    .filter((index) => !present.has(index))
    .map((index) => formatShard({ index, count }));
}

function partName(report: RunReport): string {
  return report.shard ? `shard ${formatShard(report.shard)}` : `run ${report.runId}`;
}

function describeMode(report: RunReport): string {
  return report.dryRun ? 'a dry run' : 'a live run';
}

function normalizedServer(server: string | null): string | null {
  return server === null ? null : server.replace(/\/+$/, '');
}
