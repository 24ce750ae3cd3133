import type { Clock } from '../clock.ts';
import type { Env } from '../config/run-config.ts';
import type { Dispatcher } from '../fetch/network.ts';
import type { Redactor } from '../keys/redact.ts';
import type { LiveTerminal } from '../report/progress-live.ts';

export interface Output {
  write(text: string): void;
}

/** Everything a command touches outside itself, so tests can run the CLI in-process. */
export interface CliDeps {
  env: Env;
  cwd: string;
  stdout: Output;
  stderr: Output;
  clock: Clock;
  /** Replaces the network for both sources and the SEL server (tests). */
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** The whole of standard input (`--key-file -`). */
  readStdin?: () => Promise<string>;
  /**
   * The command's secrets, learnt as it goes; main() passes stdout and stderr through it, and
   * commands through it what they write to files.
   */
  redactor?: Redactor;
  /** How the user runs the program (`node bin/sel-scraper`, `npx sel-scraper`): hints and help show it. Default `sel-scraper`. */
  command?: string;
  /** The terminal behind stderr, when stderr is one: a run draws its live progress there. */
  terminal?: LiveTerminal;
}
