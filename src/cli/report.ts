import type { Command } from 'commander';
import { examples } from './help.ts';
import type { CliDeps } from './io.ts';

export interface ReportMergeFlags {
  json?: boolean;
}

const MERGE_HELP = `
Examples:
  sel-scraper report merge shard-1.json shard-2.json shard-3.json
  sel-scraper report merge reports/*.json --json > run.json

Totals are summed and the exit code is the worst of the shards' (internal error, then
interrupted, usage/config, key rejected, server unreachable, partial, ok). A source in two
reports, dry and live reports mixed, or shards of different splits are refused (exit 2); a
shard with no report makes the merge partial (exit 3) and is named.
`;

export function registerReportCommands(program: Command, deps: CliDeps, setExitCode: (code: number) => void): void {
  const report = program
    .command('report')
    .description('work with the JSON reports of `scrape all --json`')
    .addHelpText('after', examples([['report merge shard-1.json shard-2.json', 'one report for the shards of one run']]));
  report
    .command('merge <report.json...>')
    .description('merge the reports of the shards of one run (scrape all --shard i/n) into one report')
    .option('--json', 'print the merged report as one JSON object on stdout (the summary goes to stderr)')
    .addHelpText('after', MERGE_HELP)
    .action(async (files: string[], flags: ReportMergeFlags) => setExitCode(await (await import('./report-merge.ts')).mergeReportFiles(files, flags, deps)));
}
