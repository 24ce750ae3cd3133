import type { Command } from 'commander';
import type { CliDeps } from './io.ts';

export interface ValidateFlags {
  sources: string;
  json?: boolean;
}

export function registerSourcesCommands(program: Command, deps: CliDeps, setExitCode: (code: number) => void): void {
  const sources = program.command('sources').description('inspect source configs');
  sources
    .command('validate')
    .description('check every source config the way `scrape all` loads it, without fetching')
    .option('--sources <dir>', 'directory of SEL source YAML files', 'configs/sources')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: ValidateFlags) => setExitCode(await (await import('./sources-validate.ts')).validateSources(flags, deps)));
}
