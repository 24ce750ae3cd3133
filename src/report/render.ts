import type { Counters, RunReport, SourceReport } from './run-report.ts';

const COLUMNS: { title: string; value: (r: Counters) => number }[] = [
  { title: 'EXTRACTED', value: (r) => r.extracted },
  { title: 'INVALID', value: (r) => r.invalid },
  { title: 'SKIPPED', value: (r) => r.skipped },
  { title: 'SUBMITTED', value: (r) => r.submitted },
  { title: 'CREATED', value: (r) => r.created },
  { title: 'DUP', value: (r) => r.duplicates },
  { title: 'FAILED', value: (r) => r.failed },
  { title: 'UNKNOWN', value: (r) => r.unknown },
];

const MAX_PROBLEMS_SHOWN = 5;
const MAX_WARNINGS_SHOWN = 3;

export interface SummaryOptions {
  /** The command as the user runs it (`node bin/sel-scraper`, `npx sel-scraper`), for the follow-up commands. */
  command?: string;
  /** Every warning of every source, not the first few. */
  verbose?: boolean;
}

/** The summary a person reads: one row per source, totals, then what went wrong and where, and the warnings. */
export function renderSummary(report: RunReport, options: SummaryOptions = {}): string {
  const rows: string[][] = [['SOURCE', 'STATUS', ...COLUMNS.map((c) => c.title), 'TIME']];
  for (const source of report.sources) {
    rows.push([source.name, source.status, ...COLUMNS.map((c) => String(c.value(source))), seconds(source.durationMs)]);
  }
  rows.push(['TOTAL', '', ...COLUMNS.map((c) => String(c.value(report.totals))), seconds(report.durationMs)]);
  const widths = rows.reduce<number[]>((max, row) => row.map((cell, i) => Math.max(max[i] ?? 0, cell.length)), []);
  const lines = rows.map((row) =>
    row
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(rows.length - 1, 0, '-'.repeat(lines[0]?.length ?? 0));

  const details = report.sources.flatMap(describeProblems);
  const warnings = report.sources.flatMap((source) => describeWarnings(source, options.verbose ?? false));
  const mode = report.dryRun ? 'dry run (nothing submitted)' : `server ${report.server ?? '?'}, key ${report.key ?? '?'}`;
  return [
    ...lines,
    ...(details.length ? ['', ...details] : []),
    ...(warnings.length ? ['', 'warnings:', ...warnings] : []),
    ...(report.error ? ['', `error: ${report.error}`] : []),
    ...(report.stateError ? ['', `state not saved: ${report.stateError}`] : []),
    ...followUps(report, options.command ?? 'sel-scraper'),
    '',
    `run ${report.runId}${report.resumed ? ' (resumed)' : ''}: ${mode}; exit code ${report.exitCode}`,
  ].join('\n');
}

/** Where the undelivered events went, and how to finish the job. */
function followUps(report: RunReport, command: string): string[] {
  const lines: string[] = [];
  if (report.failures) {
    lines.push(`failures: ${report.failures.events} event(s) not delivered, written to ${report.failures.file}`);
    lines.push(`  re-submit them after a fix: ${command} scrape replay ${report.failures.file}`);
  }
  const unfinished = report.totals.unknown > 0 || report.error !== null || report.exitCode === 130;
  if (report.journal && unfinished) lines.push(`journal: ${report.journal}; continue this run with: ${command} scrape all --resume ${report.runId}`);
  return lines.length ? ['', ...lines] : [];
}

function describeProblems(source: SourceReport): string[] {
  const out: string[] = [];
  if (source.error) out.push(`${source.name}: ${source.status === 'failed' ? 'failed' : 'error'}: ${source.error}`);
  for (const problem of source.problems.slice(0, MAX_PROBLEMS_SHOWN)) {
    out.push(`${source.name}: ${problem.status}: ${problem.name ?? '(no name)'}: ${problem.reason}`);
  }
  if (source.problems.length > MAX_PROBLEMS_SHOWN) {
    out.push(`${source.name}: … and ${source.problems.length - MAX_PROBLEMS_SHOWN} more (see --json)`);
  }
  return out;
}

/** A source's warnings: how many, and the first few (all with --verbose). */
function describeWarnings(source: SourceReport, verbose: boolean): string[] {
  if (source.warnings.length === 0) return [];
  const shown = verbose ? source.warnings : source.warnings.slice(0, MAX_WARNINGS_SHOWN);
  const more = source.warnings.length - shown.length;
  return [
    `  ${source.name}: ${source.warnings.length} warning${source.warnings.length === 1 ? '' : 's'}`,
    ...shown.map((warning) => `    ${warning}`),
    ...(more > 0 ? [`    … and ${more} more (--verbose shows all)`] : []),
  ];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
