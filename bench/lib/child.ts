import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BIN } from './build.ts';

const WORKERS = fileURLToPath(new URL('../workers/', import.meta.url));

export interface ChildUsage {
  /** Peak resident set size, bytes. */
  maxRss: number;
  /** User + system CPU, ms. */
  cpuMs: number;
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  usage: ChildUsage | undefined;
}

interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** Record the child's own peak RSS and CPU (a tiny --import preload writes them at exit). */
  probe?: boolean;
}

/** BENCH_NODE_FLAGS: flags for node in every measured process, to weigh V8's heap settings (`--heap-growing-percent=20`). */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/** Runs `node <args>` and reports its output, wall time and, if asked, resource usage. */
export async function runNode(args: string[], options: SpawnOptions = {}): Promise<ChildResult> {
  const usageDir = options.probe ? await mkdtemp(path.join(tmpdir(), 'sel-bench-usage-')) : undefined;
  const usageFile = usageDir ? path.join(usageDir, 'usage.json') : undefined;
  const preload = usageFile ? ['--import', path.join(WORKERS, 'usage-probe.mjs')] : [];
  const started = performance.now();
  const result = await new Promise<Omit<ChildResult, 'usage' | 'wallMs'>>((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, ...preload, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { PATH: process.env.PATH ?? '', ...options.env, ...(usageFile ? { BENCH_USAGE_FILE: usageFile } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  const wallMs = performance.now() - started;
  let usage: ChildUsage | undefined;
  if (usageFile && usageDir) {
    try {
      usage = JSON.parse(await readFile(usageFile, 'utf8')) as ChildUsage;
    } catch {
      usage = undefined;
    }
    await rm(usageDir, { recursive: true, force: true });
  }
  return { ...result, wallMs, usage };
}

/** Runs the built CLI as a user would. */
export async function runCli(args: string[], options: SpawnOptions = {}): Promise<ChildResult> {
  // Its own working directory unless given: a run keeps state (.sel-scraper/history.ndjson) there,
  // and bench runs must not land in the checkout's history.
  const cwd = options.cwd ?? (await mkdtemp(path.join(tmpdir(), 'sel-bench-cwd-')));
  try {
    return await runNode([BIN, ...args], { ...options, cwd });
  } finally {
    if (!options.cwd) await rm(cwd, { recursive: true, force: true });
  }
}

/** Runs a bench worker (bench/workers/<name>.mjs) and returns the JSON it prints last. */
export async function runWorker<T>(name: string, input: unknown, options: SpawnOptions = {}): Promise<T> {
  return (await runWorkerProcess<T>(name, input, options)).output;
}

/** Runs a bench worker and returns the JSON it prints last with the whole process's wall time and usage. */
export async function runWorkerProcess<T>(
  name: string,
  input: unknown,
  options: SpawnOptions = {},
): Promise<{ output: T; wallMs: number; usage: ChildUsage | undefined }> {
  const result = await runNode([path.join(WORKERS, `${name}.mjs`), JSON.stringify(input)], options);
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.code !== 0 || !last.startsWith('{')) {
    throw new Error(`worker ${name} failed (exit ${result.code}):\n${result.stderr.slice(-2000)}${result.stdout.slice(-500)}`);
  }
  return { output: JSON.parse(last) as T, wallMs: result.wallMs, usage: result.usage };
}
