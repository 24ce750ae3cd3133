import { Command, CommanderError } from 'commander';
import type { Env } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { redactSecrets } from '../keys/redact.ts';
import { EXIT, exitCodeForError } from '../report/exit-codes.ts';
import { VERSION } from '../version.ts';
import { registerApiKeyCommands } from './api-key.ts';
import { registerHealthCommands } from './health.ts';
import type { CliDeps } from './io.ts';
import { registerScrapeCommands } from './scrape.ts';
import { registerSourcesCommands } from './sources.ts';

const SECRET_FLAGS = ['--key', '--admin-key', '--database-url'];
const SECRET_ENV = /^(SEL_API_KEY|SEL_INGEST_KEY|SEL_ADMIN_API_KEY|DATABASE_URL|TEST_DATABASE_URL|SEL_GRAPHQL_TOKEN_.+)$/;

/**
 * Secrets that may be in play (flags, the environment and .env), so that no message can echo
 * one, whatever goes wrong: a last safety net behind each command's own care.
 */
async function secretsIn(argv: readonly string[], deps: CliDeps): Promise<string[]> {
  const fromFlags = argv.flatMap((arg, i) => {
    if (SECRET_FLAGS.includes(arg)) return [argv[i + 1] ?? ''];
    const flag = SECRET_FLAGS.find((f) => arg.startsWith(`${f}=`));
    return flag ? [arg.slice(flag.length + 1)] : [];
  });
  let env: Env = deps.env;
  try {
    // Loaded on the error path only, so --help and other commands that never read .env skip dotenv.
    const { loadEnvironment } = await import('../config/run-config.ts');
    env = loadEnvironment(deps.env, deps.cwd);
  } catch {
    // An unreadable .env is reported by the command itself; the process environment still counts.
  }
  const fromEnv = Object.entries(env).flatMap(([name, value]) => (SECRET_ENV.test(name) && value ? [value] : []));
  return [...fromFlags, ...fromEnv].filter((s) => s.length > 0);
}

/** Runs the CLI and returns the exit code; the single place errors become exit codes. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const program = new Command('sel-scraper')
    .description('Scrape event sources described in SEL YAML configs and submit them to a SEL server')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) })
    .showSuggestionAfterError();

  registerScrapeCommands(program, deps, setExitCode);
  registerSourcesCommands(program, deps, setExitCode);
  registerApiKeyCommands(program, deps, setExitCode);
  registerHealthCommands(program, deps, setExitCode);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const secrets = await secretsIn(argv, deps);
    if (error instanceof SelScraperError) {
      deps.stderr.write(redactSecrets(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`, secrets));
      return exitCodeForError(error.code);
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    deps.stderr.write(redactSecrets(`internal error: ${detail}\nThis is a bug in sel-scraper; please report it with the command you ran.\n`, secrets));
    return EXIT.internal;
  }
}
