import type { Command } from 'commander';
import { examples } from './help.ts';
import type { CliDeps } from './io.ts';
import { intOption, ratioOption, shardOption, tierOption, verdictListOption } from './options.ts';
import type { Shard } from '../sources/shard.ts';
import type { Verdict } from '../health/verdict.ts';
import type { NewSourceFlags } from './sources-new.ts';
import { DEFAULT_THRESHOLDS } from '../health/verdict.ts';

export interface ValidateFlags {
  sources: string;
  json?: boolean;
}

export interface ListFlags {
  sources: string;
  json?: boolean;
  tier?: number;
  shard?: Shard;
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
  broken    failed --broken-after runs in a row (default ${DEFAULT_THRESHOLDS.brokenAfter})
  dropped   yielded under --drop-ratio (${DEFAULT_THRESHOLDS.dropRatio}) of its median over the last --window (${DEFAULT_THRESHOLDS.window}) runs
  degraded  new trouble: its last run failed, all start times became midnight,
            invalid events or warnings rose
  stale     not run for --stale-days (${DEFAULT_THRESHOLDS.staleDays})
  new       fewer than ${DEFAULT_THRESHOLDS.minRuns} runs so far
  ok        none of the above
  disabled  enabled: false in its config (never "broken")

Examples:
  sel-scraper sources health
  sel-scraper sources health --html /var/www/sel/health.html
  sel-scraper sources health --fail-on broken,dropped     # exit 3 when one is, for CI alerts
`;

const NEW_HELP = `
What it tries, in this order, keeping the first that yields at least half as many events as the best:
  JSON-LD events on the page   → tier 0
  a calendar feed it links to  → extraction_method: ics
  repeated cards with dates    → tier 1 with inferred selectors
  with --render, cards the page's scripts build → tier 2 (static HTML is kept while it yields half as many)
Each draft is read exactly as \`scrape source\` would read it before anything is written; the file's
comments say what was inferred, how sure it is, and what to review. An existing file is never
overwritten. Exit 3 when no draft yields an event (nothing is written).

Examples:
  sel-scraper sources new lakeshore-arts --url https://lakeshore-arts.example/whats-on
  sel-scraper sources new lakeshore-arts --url https://lakeshore-arts.example/whats-on --sources my-sources
  sel-scraper scrape source lakeshore-arts --record fixtures/lakeshore-arts   # check it, keep what it read
`;

export function registerSourcesCommands(program: Command, deps: CliDeps, setExitCode: (code: number) => void): void {
  const sources = program
    .command('sources')
    .description('inspect source configs')
    .addHelpText(
      'after',
      examples([
        ['sources validate --sources configs/sources', 'check every config'],
        ['sources list --json', 'what each config reads'],
        ['sources new my-venue --url https://example.org/events', 'draft a config from a page'],
        ['sources health', 'which sources broke, from past runs'],
      ]),
    );
  sources
    .command('validate')
    .description('check every source config the way `scrape all` loads it, without fetching')
    .option('--sources <dir>', 'directory of SEL source YAML files', 'configs/sources')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      examples(
        [
          ['sources validate', 'configs/sources, as scrape all loads it'],
          ['sources validate --sources ../sel/configs/sources --json', 'every error and warning with file:line:col, for a script'],
        ],
        'Exit status: 0 every config loads (warnings allowed); 2 a config has an error.',
      ),
    )
    .action(async (flags: ValidateFlags) => setExitCode(await (await import('./sources-validate.ts')).validateSources(flags, deps)));
  sources
    .command('list')
    .description("the sources of a folder: name, URL, tier and method, enabled, schedule (SEL's scrape list)")
    .option('--sources <dir>', 'directory of SEL source YAML files', 'configs/sources')
    .option('--json', 'print the list as one JSON object on stdout')
    .option('--tier <n>', 'only sources whose tier is n, as `scrape all --tier`', tierOption)
    .option('--shard <i/n>', 'only the sources `scrape all --shard i/n` runs', shardOption)
    .addHelpText(
      'after',
      '\nExamples:\n  sel-scraper sources list --sources configs/sources\n  sel-scraper sources list --shard 2/4 --json     # what the second of four shards runs\n',
    )
    .action(async (flags: ListFlags) => setExitCode(await (await import('./sources-list.ts')).listSources(flags, deps)));
  sources
    .command('schema')
    .description('print the JSON Schema of a source config (for editors: yaml-language-server, VS Code)')
    .addHelpText(
      'after',
      examples(
        [['sources schema > source.schema.json', 'the schema, for an editor or a validator']],
        'The same schema ships in the package as schema/source.schema.json. Put this line at the top of a config:\n  # yaml-language-server: $schema=https://raw.githubusercontent.com/Togather-Foundation/sel-scraper/main/schema/source.schema.json',
      ),
    )
    .action(async () => setExitCode((await import('./sources-schema.ts')).printSourceSchema(deps)));
  sources
    .command('new <name>')
    .description(
      'draft <dir>/<name>.yaml from an events page or feed: JSON-LD, an ICS feed, or inferred CSS selectors (with --render, tier 2), checked before writing',
    )
    .requiredOption('--url <url>', 'the events listing page')
    .option('--sources <dir>', 'directory of SEL source YAML files to write into', 'configs/sources')
    .option('--timezone <zone>', 'IANA zone for times without an offset, written into the draft (default: $DEFAULT_TIMEZONE or America/Toronto)')
    .option('--fixtures <dir>', 'answer every fetch from recorded responses in <dir>')
    .option('--render', 'also render the page in Chromium and draft from the cards its scripts build (tier 2)')
    .addHelpText('after', NEW_HELP)
    .action(async (name: string, flags: NewSourceFlags) => setExitCode(await (await import('./sources-new.ts')).newSource(name, flags, deps)));
  sources
    .command('health')
    .description('which sources broke, dropped or degraded, from the history of past runs')
    .option('--sources <dir>', 'directory of SEL source YAML files (sources not run yet show as new; disabled ones as disabled)', 'configs/sources')
    .option('--state-dir <dir>', 'where scrape all keeps history.ndjson', '.sel-scraper')
    .option('--json', 'print the health of every source as one JSON object on stdout')
    .option('--html <file>', 'also write a self-contained HTML page (sparklines, sortable table)')
    .option('--fail-on <verdicts>', 'exit 3 when a source has one of these verdicts, e.g. broken,dropped', verdictListOption)
    .option('--broken-after <n>', 'failed runs in a row that make a source broken', intOption(1, 100), DEFAULT_THRESHOLDS.brokenAfter)
    .option('--window <n>', 'recent runs the median and the trend cover', intOption(2, 200), DEFAULT_THRESHOLDS.window)
    .option('--drop-ratio <r>', 'a yield below this share of the median is a drop', ratioOption, DEFAULT_THRESHOLDS.dropRatio)
    .option('--min-median <n>', 'smallest median yield a drop is judged against', intOption(0, 1_000_000), DEFAULT_THRESHOLDS.minMedian)
    .option('--stale-days <n>', 'days without a run after which a source is stale', intOption(1, 3650), DEFAULT_THRESHOLDS.staleDays)
    .addHelpText('after', HEALTH_HELP)
    .action(async (flags: HealthFlags) => setExitCode(await (await import('./sources-health.ts')).sourcesHealth(flags, deps)));
}
