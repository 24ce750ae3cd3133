import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/sel-scraper', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  nodeArgs?: string[];
}

/** A bin/sel-scraper process under way: `exited` settles when it ends (killed after `timeoutMs`). */
export interface StartedCli {
  child: ChildProcess;
  exited: Promise<CliResult>;
  /** What it has written to stderr so far. */
  stderr(): string;
}

/** Starts bin/sel-scraper as a user would, with only the environment given (plus PATH). */
export function startCli(args: string[], options: CliOptions = {}): StartedCli {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, exited, stderr: () => stderr };
}

/** Runs bin/sel-scraper to its end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).exited;
}

export interface JournalEntry {
  type: string;
  source?: string;
}

/** The entries of the first run journal under `<dir>/.sel-scraper/runs`; none before it exists. */
export function journalEntries(dir: string): JournalEntry[] {
  const runs = path.join(dir, '.sel-scraper', 'runs');
  let names: string[];
  try {
    names = readdirSync(runs)
      .filter((name) => /^[0-9A-Z]{26}\.ndjson$/.test(name))
      .sort();
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  return readFileSync(path.join(runs, names[0]!), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as JournalEntry);
}

/**
 * Waits until `ready` holds of the run's journal, looking every 20 ms: a spawned run shows its
 * progress only on disk. Fails when the run ends first, or after 20 s.
 */
export async function untilJournal(run: StartedCli, dir: string, ready: (entries: JournalEntry[]) => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!ready(journalEntries(dir))) {
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`the run never reached the expected point:\n${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
