import { Command, CommanderError } from 'commander';
import type { Env } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { Redactor } from '../keys/redact.ts';
import { EXIT, exitCodeForError } from '../report/exit-codes.ts';
import { VERSION } from '../version.ts';
import { registerApiKeyCommands } from './api-key.ts';
import { registerHealthCommands } from './health.ts';
import { asInvoked, PROGRAM } from './command-name.ts';
import { examples } from './help.ts';
import type { CliDeps } from './io.ts';
import { registerReportCommands } from './report.ts';
import { registerScrapeCommands } from './scrape.ts';
import { registerSourcesCommands } from './sources.ts';

const KEY_FLAGS = ['--key', '--admin-key'];
const URL_FLAGS = ['--database-url', '--server'];

/** The value of each occurrence of `flag` in argv (`--flag value` or `--flag=value`). */
function flagValues(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag ? [argv[i + 1] ?? ''] : arg.startsWith(`${flag}=`) ? [arg.slice(flag.length + 1)] : []));
}

/** Secrets given on the command line, known to the redactor before anything runs. */
function redactArguments(redactor: Redactor, argv: readonly string[]): void {
  for (const flag of KEY_FLAGS) for (const value of flagValues(argv, flag)) redactor.addKey(value);
  for (const flag of URL_FLAGS) for (const value of flagValues(argv, flag)) redactor.addUrlUserinfo(value);
  for (const value of flagValues(argv, '--database-url')) redactor.addSecret(value);
}

/**
 * On the error path, the environment and .env too, whatever the command got to: a last safety
 * net behind each command's own care.
 */
async function redactAnyEnvironment(redactor: Redactor, deps: CliDeps): Promise<void> {
  let env: Env = deps.env;
  try {
    // Loaded on the error path only, so --help and other commands that never read .env skip dotenv.
    const { loadEnvironment } = await import('../config/run-config.ts');
    env = loadEnvironment(deps.env, deps.cwd);
  } catch {
    // An unreadable .env is reported by the command itself; the process environment still counts.
  }
  (await import('./secrets.ts')).redactEnvironment(redactor, env);
}

/** SEL's own keys can begin with '-' (1 in 64), and so can the 8-character prefix that names one. */
const PREFIX_LIKE_OPTION = /unknown option '-[A-Za-z0-9_-]{7}'/;

/** Runs the CLI and returns the exit code; the single place errors become exit codes. */
export async function main(argv: readonly string[], given: CliDeps): Promise<number> {
  // Everything printed passes the command's one redactor, and control characters from pages
  // and servers are escaped so they cannot drive the terminal.
  const redactor = given.redactor ?? new Redactor();
  redactArguments(redactor, argv);
  const deps: CliDeps = { ...given, redactor, stdout: redactor.writer(given.stdout, true), stderr: redactor.writer(given.stderr, true) };
  let exitCode: number = EXIT.ok;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const command = deps.command ?? PROGRAM;
  // Named as the program; help is written as the user runs it on its way out.
  const program = new Command(PROGRAM)
    .description('Scrape event sources described in SEL YAML configs and submit them to a SEL server')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout.write(asInvoked(s, command)), writeErr: (s) => deps.stderr.write(asInvoked(s, command)) })
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      examples([
        ['scrape all --sources configs/sources --fixtures fixtures --dry-run', 'offline run of the bundled demo sources'],
        ['scrape all --sources ../sel/configs/sources', 'scrape and submit (SEL_SERVER_URL and SEL_API_KEY from .env)'],
        ['scrape source lakeshore-arts-centre', 'what one source yields now, while writing its config'],
        ['sources validate --sources ../sel/configs/sources', 'check every config'],
        ['api-key check', 'is the key in .env accepted?'],
      ]),
    );

  registerScrapeCommands(program, deps, setExitCode, argv);
  registerSourcesCommands(program, deps, setExitCode);
  registerApiKeyCommands(program, deps, setExitCode);
  registerHealthCommands(program, deps, setExitCode);
  registerReportCommands(program, deps, setExitCode);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      if (error.code === 'commander.unknownOption' && PREFIX_LIKE_OPTION.test(error.message)) {
        deps.stderr.write(asInvoked(`hint: a key prefix or id that begins with '-' goes after '--', e.g. ${PROGRAM} api-key revoke -- -AbC12_x\n`, command));
      }
      return EXIT.usage;
    }
    await redactAnyEnvironment(redactor, deps);
    if (error instanceof SelScraperError) {
      deps.stderr.write(asInvoked(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`, command));
      return exitCodeForError(error.code);
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    deps.stderr.write(`internal error: ${detail}\nThis is a bug in sel-scraper; please report it with the command you ran.\n`);
    return EXIT.internal;
  }
}
