import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/sel-scraper', import.meta.url));

/**
 * Benchmarks measure the compiled CLI (dist/), as users run it, so build it first. Type errors
 * elsewhere in a shared checkout do not stop the build (tsc still emits); they are reported.
 */
export function buildDist(): void {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    const errors = result.stdout.split('\n').filter((l) => l.includes('error TS')).length;
    process.stderr.write(`note: the build reported ${errors} type error(s); dist/ was emitted anyway\n`);
  }
}
