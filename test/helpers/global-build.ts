import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * End-to-end tests run bin/sel-scraper, which runs dist/: build it once per test run, unless
 * dist/ is already newer than every source (as after `npm ci`, whose prepare script builds it):
 * the build costs seconds before any test starts. Type errors do not stop the build (tsc still
 * emits); `npm test` type-checks before vitest runs.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (distIsCurrent(root)) return;
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) process.stderr.write(`warning: the build reported errors; dist/ may be stale\n${result.stdout}`);
}

/** Whether every src/**\/*.ts has its dist/ .js, none older than the newest source or tsconfig. */
function distIsCurrent(root: string): boolean {
  const sources = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const inputs = [...sources.map((file) => path.join(root, 'src', file)), path.join(root, 'tsconfig.json'), path.join(root, 'tsconfig.build.json')];
  const newestInput = Math.max(...inputs.map((file) => statSync(file).mtimeMs));
  return sources.every((file) => {
    const output = statSync(path.join(root, 'dist', file.replace(/\.ts$/, '.js')), { throwIfNoEntry: false });
    return output !== undefined && output.mtimeMs >= newestInput;
  });
}
