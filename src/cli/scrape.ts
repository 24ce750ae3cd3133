import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXIT, EXIT_MEANINGS } from '../report/exit-codes.ts';
import { emptyRunReport } from '../report/run-report.ts';
import { examples } from './help.ts';
import type { CliDeps } from './io.ts';
import type { PreviewFlags } from './scrape-preview.ts';
import type { InspectFlags } from './scrape-inspect.ts';
import { intOption, shardOption, tierOption } from './options.ts';
import { DEFAULT_BROWSER_PAGES } from '../fetch/browser.ts';
import type { Shard } from '../sources/shard.ts';

const BROWSER_PAGES_HELP = 'tier 2 pages rendering in Chromium at once, whatever --source-concurrency is (each holds a renderer process)';
const INSPECT_HELP = `
Examples:
  sel-scraper scrape inspect https://example.org/events
  sel-scraper scrape inspect https://example.org/events --render     # what JavaScript builds and loads
  sel-scraper sources new example-org --url https://example.org/events   # then draft a config from it
`;
const RECORD_HELP =
  'save every response fetched into <dir> as a --fixtures folder (no cookies or credentials; tier 2 pages are read without the browser, as a replay reads them)';

export interface ScrapeAllFlags {
  sources: string;
  server?: string;
  key?: string;
  keyFile?: string;
  source?: string[];
  dryRun?: boolean;
  out?: string;
  json?: boolean;
  concurrency: number;
  batchSize: number;
  fixtures?: string;
  allowAdminKey?: boolean;
  pollTimeout: number;
  rateLimit: number;
  maxRetryAfter: number;
  sourceConcurrency: number;
  /** A run id, or true for the latest run. */
  resume?: string | true;
  stateDir: string;
  failures?: string;
  /** Seconds; 0 = none. */
  timeout: number;
  sourceTimeout: number;
  hostDelay: number;
  browserPages: number;
  tier?: number;
  limit?: number;
  shard?: Shard;
  full?: boolean;
  record?: string;
  /** No progress: warnings, errors and the summary only. */
  quiet?: boolean;
  /** Every page, wait and warning. */
  verbose?: boolean;
}

export interface ScrapeReplayFlags {
  server?: string;
  key?: string;
  keyFile?: string;
  json?: boolean;
  concurrency: number;
  batchSize: number;
  allowAdminKey?: boolean;
  pollTimeout: number;
  rateLimit: number;
  maxRetryAfter: number;
  stateDir: string;
  failures?: string;
  timeout: number;
  quiet?: boolean;
  verbose?: boolean;
}

export function registerScrapeCommands(program: Command, deps: CliDeps, setExitCode: (code: number) => void, argv: readonly string[] = []): void {
  const scrape = program
    .command('scrape')
    .description('scrape event sources and submit them to SEL')
    .addHelpText(
      'after',
      examples([
        ['scrape all --dry-run', 'read every source of configs/sources, submit nothing'],
        ['scrape source lakeshore-arts-centre', 'what one source yields now'],
        ['scrape replay 01JD9W3M5Q0X7R2V8K4T6Y1B3N', 're-submit the events a run could not deliver'],
      ]),
    );
  scrape
    .command('source <name>')
    .description('show what one configured source yields now, without submitting')
    .option('--sources <dir>', 'directory of SEL source YAML files', 'configs/sources')
    .option('--fixtures <dir>', 'answer every fetch from recorded responses in <dir>')
    .option('--json', 'print the result as JSON on stdout')
    .option('--browser-pages <n>', BROWSER_PAGES_HELP, intOption(1, 64), DEFAULT_BROWSER_PAGES)
    .option(
      '--tier <n>',
      "read the source as this tier instead of its own (0 JSON-LD, 1 CSS, 2 headless, 3 REST/GraphQL), as SEL's test-fixture --tier",
      tierOption,
    )
    .option('--limit <n>', "show at most this many events (SEL's --limit; 0 = no limit)", intOption(0, 1_000_000))
    .option('--record <dir>', RECORD_HELP)
    .addHelpText(
      'after',
      examples([
        ['scrape source lakeshore-arts-centre', 'live, from configs/sources'],
        ['scrape source harbour-jazz-club --sources ../sel/configs/sources --json', 'every event as SEL would receive it'],
        ['scrape source lakeshore-arts-centre --fixtures fixtures', 'from recorded responses, offline'],
      ]),
    )
    .action(async (name: string, flags: PreviewFlags) => setExitCode(await (await import('./scrape-preview.ts')).previewNamedSource(name, flags, deps)));
  scrape
    .command('url <url>')
    .description('show the JSON-LD events a page yields, without submitting')
    .option('--timezone <zone>', 'IANA zone for times without an offset (default: $DEFAULT_TIMEZONE or America/Toronto)')
    .option('--fixtures <dir>', 'answer every fetch from recorded responses in <dir>')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      examples([
        ['scrape url https://lakeshore-arts.example/whats-on', 'the JSON-LD events of one page'],
        ['scrape url https://harbourjazz.example/shows --timezone America/Halifax --json', 'times without an offset read in Halifax'],
      ]),
    )
    .action(async (url: string, flags: PreviewFlags) =>
      setExitCode(await (await import('./scrape-preview.ts')).previewUrl(url, { ...flags, sources: '' }, deps)),
    );
  scrape
    .command('inspect <url>')
    .description('show what a page offers a source config: JSON-LD events, calendar feeds, event cards with selectors, event links, data-* attributes')
    .option('--render', 'also render the page in Chromium: the cards its scripts build and the JSON it loads (for headless.intercept or a tier 3 REST source)')
    .option('--timezone <zone>', 'IANA zone dates without an offset are read in (default: $DEFAULT_TIMEZONE or America/Toronto)')
    .option('--fixtures <dir>', 'answer every fetch from recorded responses in <dir>')
    .option('--json', 'print the findings as one JSON object on stdout')
    .addHelpText('after', INSPECT_HELP)
    .action(async (url: string, flags: InspectFlags) => setExitCode(await (await import('./scrape-inspect.ts')).inspectUrl(url, flags, deps)));
  const all = scrape
    .command('all')
    .description('scrape every enabled source in a directory of SEL source configs')
    .option('--sources <dir>', 'directory of SEL source YAML files', 'configs/sources')
    .option('--server <url>', 'SEL server base URL (default: $SEL_SERVER_URL)')
    .option('--key <key>', 'SEL API key (default: $SEL_API_KEY, else $SEL_INGEST_KEY); visible in `ps`, prefer --key-file')
    .option('--key-file <path>', 'read the SEL API key from a file, or from standard input with -')
    .option('--source <name...>', 'only these sources (repeatable)')
    .option('--dry-run', 'extract and validate, submit nothing (no key needed)')
    .option('--out <file.ndjson>', 'write every event submitted (or that would be) as NDJSON')
    .option('--json', 'print the run report as one JSON object on stdout')
    .option('--concurrency <n>', 'batches in flight at once', intOption(1, 16), 2)
    .option('--batch-size <n>', 'events per batch (SEL allows at most 100)', intOption(1, 100), 100)
    .option('--fixtures <dir>', 'answer every source fetch from recorded responses in <dir>')
    .option('--allow-admin-key', 'scrape even with an admin key (not recommended)')
    .option('--poll-timeout <seconds>', 'how long to wait for the server to confirm a batch', intOption(1, 3600), 120)
    .option('--rate-limit <per-minute>', 'requests per minute to the SEL server (0 = no limit)', intOption(0, 100_000), 60)
    .option('--max-retry-after <seconds>', 'longest Retry-After the client waits for', intOption(0, 3600), 120)
    .option('--source-concurrency <n>', 'sources read at once (each host still gets one request at a time)', intOption(1, 256), 64)
    .option('--resume [run-id]', 'continue an interrupted run (the latest when no id is given): sources read and events confirmed are not done again')
    .option('--state-dir <dir>', 'where run journals and failures files are kept', '.sel-scraper')
    .option('--failures <file.ndjson>', 'where to write events not delivered (default: <state-dir>/runs/<run-id>.failures.ndjson)')
    .option('--timeout <seconds>', 'stop the whole run after this long, confirming what is in flight (0 = none)', intOption(0, 7 * 86_400), 0)
    .option('--source-timeout <seconds>', 'stop reading one source after this long (0 = none)', intOption(0, 86_400), 0)
    .option('--host-delay <seconds>', 'least time between two requests to one site (robots.txt Crawl-delay wins when longer)', secondsOption(0, 3600), 1)
    .option('--browser-pages <n>', BROWSER_PAGES_HELP, intOption(1, 64), DEFAULT_BROWSER_PAGES)
    .option('--tier <n>', "only sources whose tier is n (SEL's --tier; ICS sources count by their tier, 0 by default)", tierOption)
    .option('--limit <n>', "submit at most this many events per source (SEL's --limit; 0 = no limit)", intOption(0, 1_000_000))
    .option('--shard <i/n>', 'run only the i-th of n parts of the sources (a stable, even split by name); merge the reports with `report merge`', shardOption)
    .option('--full', "read every sitemap page, also those unchanged (lastmod) since the source's last complete run")
    .option('--record <dir>', RECORD_HELP)
    .addOption(new Option('--quiet', 'no progress: only warnings, errors and the summary').conflicts('verbose'))
    .option('--verbose', 'every page, wait and warning (progress lines also on a terminal, all warnings in the summary)')
    .addHelpText(
      'after',
      examples(
        [
          ['scrape all --sources configs/sources --fixtures fixtures --dry-run', 'offline, from recorded responses; nothing submitted'],
          ['scrape all --sources ../sel/configs/sources', 'live: SEL_SERVER_URL and SEL_API_KEY from the environment or .env'],
          ['scrape all --source lakeshore-arts-centre --json > report.json', 'one source, the report as JSON (also when the run cannot start)'],
          ['scrape all --resume', 'continue the latest interrupted run'],
        ],
        exitCodes(),
      ),
    )
    .action(async (flags: ScrapeAllFlags) => setExitCode(await (await import('./scrape-all.ts')).scrapeAll(flags, deps)));
  // A flag the run cannot start with still leaves `--json > run.json` holding a report.
  all.exitOverride((error) => {
    if (error.exitCode !== 0 && argv.includes('--json')) {
      const report = emptyRunReport({
        runId: null,
        dryRun: false,
        server: null,
        key: null,
        startedAt: deps.clock.now(),
        exitCode: EXIT.usage,
        error: error.message.replace(/^error: /, ''),
        hint: 'see --help',
      });
      deps.stdout.write(JSON.stringify(report) + '\n');
    }
    throw error;
  });
  scrape
    .command('replay <file>')
    .description("re-submit the events of a failures file (written by scrape all) after a fix; a run id stands for that run's failures file")
    .option('--server <url>', 'SEL server base URL (default: $SEL_SERVER_URL)')
    .option('--key <key>', 'SEL API key (default: $SEL_API_KEY, else $SEL_INGEST_KEY); visible in `ps`, prefer --key-file')
    .option('--key-file <path>', 'read the SEL API key from a file, or from standard input with -')
    .option('--json', 'print the replay report as one JSON object on stdout')
    .option('--concurrency <n>', 'batches in flight at once', intOption(1, 16), 2)
    .option('--batch-size <n>', 'events per batch (SEL allows at most 100)', intOption(1, 100), 100)
    .option('--allow-admin-key', 'submit even with an admin key (not recommended)')
    .option('--poll-timeout <seconds>', 'how long to wait for the server to confirm a batch', intOption(1, 3600), 120)
    .option('--rate-limit <per-minute>', 'requests per minute to the SEL server (0 = no limit)', intOption(0, 100_000), 60)
    .option('--max-retry-after <seconds>', 'longest Retry-After the client waits for', intOption(0, 3600), 120)
    .option('--state-dir <dir>', 'where the failures file of this replay goes', '.sel-scraper')
    .option('--failures <file.ndjson>', 'where to write events still not delivered (default: <state-dir>/runs/<replay-id>.failures.ndjson)')
    .option('--timeout <seconds>', 'stop after this long, confirming what is in flight (0 = none)', intOption(0, 7 * 86_400), 0)
    .addOption(new Option('--quiet', 'no progress: only warnings, errors and the summary').conflicts('verbose'))
    .option('--verbose', 'every batch and wait (progress lines also on a terminal)')
    .addHelpText(
      'after',
      examples([
        ['scrape replay .sel-scraper/runs/01JD9W3M5Q0X7R2V8K4T6Y1B3N.failures.ndjson', 'after fixing what made them fail'],
        ['scrape replay 01JD9W3M5Q0X7R2V8K4T6Y1B3N', 'the same, by run id'],
      ]),
    )
    .action(async (file: string, flags: ScrapeReplayFlags) => setExitCode(await (await import('./scrape-replay.ts')).scrapeReplay(file, flags, deps)));
}

/** The exit-status table of `scrape all --help`, from the one mapping there is. */
function exitCodes(): string {
  return `Exit status:\n${EXIT_MEANINGS.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join('\n')}`;
}

/** Commander parser for a duration in seconds, decimals allowed (0.5 = half a second). */
function secondsOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected seconds from ${min} to ${max}`);
    return n;
  };
}
