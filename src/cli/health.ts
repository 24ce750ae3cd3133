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
      '\nExamples:\n  sel-scraper health import shard-1.json shard-2.json\n  sel-scraper health import --state-dir /srv/sel/.sel-scraper /var/log/sel/run-*.json\n\nImporting a report twice adds nothing the second time.\n',
    )
    .action(async (files: string[], flags: HealthImportFlags) => setExitCode(await (await import('./health-import.ts')).importReports(files, flags, deps)));
}
