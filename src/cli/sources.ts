import type { Command } from 'commander';
import { examples } from './help.ts';
import type { CliDeps } from './io.ts';
import { intOption, ratioOption, verdictListOption } from './options.ts';
import type { Verdict } from '../health/verdict.ts';

export interface ValidateFlags {
  sources: string;
  json?: boolean;
}

export interface HealthFlags {
  sources: string;
  stateDir: string;
  json?: boolean;
  html?: string;
  failOn?: Verdict[];
  brokenAfter: number;
  window: number;
  dropRatio: number;
  minMedian: number;
  staleDays: number;
}

const HEALTH_HELP = `
Verdicts, most urgent first:
  broken    failed --broken-after runs in a row (default 2)
  dropped   yielded under --drop-ratio (0.5) of its median over the last --window (10) runs
  degraded  new trouble: its last run failed, all start times became midnight,
            invalid events or warnings rose
  stale     not run for --stale-days (3)
  new       fewer than 3 runs so far
  ok        none of the above
  disabled  enabled: false in its config (never "broken")

Examples:
  sel-scraper sources health
  sel-scraper sources health --html /var/www/sel/health.html
  sel-scraper sources health --fail-on broken,dropped     # exit 3 when one is, for CI alerts
`;

export function registerSourcesCommands(program: Command, deps: CliDeps, setExitCode: (code: number) => void): void {
  const sources = program
    .command('sources')
    .description('inspect source configs')
    .addHelpText('after', examples([['sources validate --sources configs/sources', 'check every config'], ['sources health', 'which sources broke, from past runs']]));
  sources
    .command('validate')
    .description('check every source config the way `scrape all` loads it, without fetching')
    .option('--sources <dir>', 'directory of SEL source YAML files', 'configs/sources')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', examples([['sources validate', 'configs/sources, as scrape all loads it'], ['sources validate --sources ../sel/configs/sources --json', 'every error and warning with file:line:col, for a script']], 'Exit status: 0 every config loads (warnings allowed); 2 a config has an error.'))
    .action(async (flags: ValidateFlags) => setExitCode(await (await import('./sources-validate.ts')).validateSources(flags, deps)));
  sources
    .command('health')
    .description('which sources broke, dropped or degraded, from the history of past runs')
    .option('--sources <dir>', 'directory of SEL source YAML files (sources not run yet show as new; disabled ones as disabled)', 'configs/sources')
    .option('--state-dir <dir>', 'where scrape all keeps history.ndjson', '.sel-scraper')
    .option('--json', 'print the health of every source as one JSON object on stdout')
    .option('--html <file>', 'also write a self-contained HTML page (sparklines, sortable table)')
    .option('--fail-on <verdicts>', 'exit 3 when a source has one of these verdicts, e.g. broken,dropped', verdictListOption)
    .option('--broken-after <n>', 'failed runs in a row that make a source broken', intOption(1, 100), 2)
    .option('--window <n>', 'recent runs the median and the trend cover', intOption(2, 200), 10)
    .option('--drop-ratio <r>', 'a yield below this share of the median is a drop', ratioOption, 0.5)
    .option('--min-median <n>', 'smallest median yield a drop is judged against', intOption(0, 1_000_000), 5)
    .option('--stale-days <n>', 'days without a run after which a source is stale', intOption(1, 3650), 3)
    .addHelpText('after', HEALTH_HELP)
    .action(async (flags: HealthFlags) => setExitCode(await (await import('./sources-health.ts')).sourcesHealth(flags, deps)));
}
