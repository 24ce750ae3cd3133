import { runCli } from './child.ts';

/**
 * The long flags `scrape all` accepts in this build, so a bench can pass a flag (such as
 * --host-delay) only where the CLI has it and keep working across versions.
 */
export async function scrapeAllFlags(): Promise<Set<string>> {
  const help = await runCli(['scrape', 'all', '--help']);
  return new Set(help.stdout.match(/--[a-z][a-z-]+/g) ?? []);
}
