import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const FROZEN_NOW = Date.parse('2026-11-25T12:00:00Z');

/** Every in-process run of the CLI, so a test can check what was ever printed. */
export const transcript: CapturedRun[] = [];

/** Runs the CLI in-process in an empty directory (no stray .env), with a frozen clock. */
export async function runInProcess(args: string[], options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {}): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    env: options.env ?? {},
    cwd: options.cwd ?? mkdtempSync(path.join(tmpdir(), 'sel-key-')),
    stdout: { write: (s) => void (stdout += s) },
    stderr: { write: (s) => void (stderr += s) },
    clock: { now: () => FROZEN_NOW, sleep: async () => undefined },
    readStdin: async () => options.stdin ?? '',
  });
  const run = { code, stdout, stderr };
  transcript.push(run);
  return run;
}
