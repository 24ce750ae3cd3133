import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError, SelScraperError } from '../errors.ts';
import { mergeReports, type MergedReport, type ReportInput } from '../report/merge.ts';
import { renderSummary } from '../report/render.ts';
import { parseFullRunReport } from '../report/report-file.ts';
import { formatShard } from '../sources/shard.ts';
import { PROGRAM } from './command-name.ts';
import type { CliDeps } from './io.ts';
import type { ReportMergeFlags } from './report.ts';

/** `report merge`: the shards' reports as one; its exit code is the merged run's. */
export async function mergeReportFiles(files: readonly string[], flags: ReportMergeFlags, deps: CliDeps): Promise<number> {
  const merged = mergeReports(await Promise.all(files.map((file) => readReport(path.resolve(deps.cwd, file)))));
  (flags.json ? deps.stderr : deps.stdout).write(renderMerged(merged, deps.command ?? PROGRAM) + '\n');
  if (flags.json) deps.stdout.write(JSON.stringify(merged) + '\n');
  return merged.exitCode;
}

async function readReport(file: string): Promise<ReportInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SelScraperError('ERR_USAGE', `cannot read ${file}: ${describeError(error)}`, { cause: error });
  }
  const parsed = parseFullRunReport(text);
  if (!parsed.ok) {
    throw new SelScraperError('ERR_USAGE', `${file}: ${parsed.problem}`, {
      hint: text.trim() === '' ? 'the run wrote no report: it stopped before it began (see its stderr)' : 'pass the stdout of `scrape all --json`',
    });
  }
  return { file, report: parsed.report };
}

/** The summary of the whole run, then where each shard's journal and failures file are (on its machine). */
function renderMerged(merged: MergedReport, command: string): string {
  const lines = [renderSummary(merged, { command }), '', `merged from ${merged.shards.length} report(s):`];
  for (const shard of merged.shards) {
    const part = shard.shard ? `shard ${formatShard(shard.shard)}` : 'unsharded';
    lines.push(`  ${part}: run ${shard.runId}, exit code ${shard.exitCode} (${shard.file})`);
    if (shard.failures)
      lines.push(`    failures: ${shard.failures.events} event(s) in ${shard.failures.file} on that machine: ${command} scrape replay ${shard.failures.file}`);
  }
  return lines.join('\n');
}
