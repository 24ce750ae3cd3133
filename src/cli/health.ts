import type { Command } from 'commander';
import { examples } from './help.ts';
import type { CliDeps } from './io.ts';

export interface HealthImportFlags {
  stateDir: string;
}

export function registerHealthCommands(program: Command, deps: CliDeps, setExitCode: (code: number) => void): void {
  const health = program
    .command('health')
    .description('the run history behind `sources health`')
    .addHelpText('after', examples([['health import shard-1.json shard-2.json', 'reports of other hosts or shards into this history']]));
  health
    .command('import <report.json...>')
    .description('add the sources of `scrape all --json` reports (other hosts, shards, merged reports) to the history')
    .option('--state-dir <dir>', 'where history.ndjson is kept', '.sel-scraper')
    .addHelpText(
      'after',
      examples(
        [
          ['health import shard-1.json shard-2.json', 'the reports of two shards'],
          ['health import --state-dir /srv/sel/.sel-scraper /var/log/sel/run-*.json', "another host's reports into that history"],
        ],
        'Importing a report twice adds nothing the second time.',
      ),
    )
    .action(async (files: string[], flags: HealthImportFlags) => setExitCode(await (await import('./health-import.ts')).importReports(files, flags, deps)));
}
