import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * End-to-end tests run bin/sel-scraper, which runs dist/: build it once per test run. Type
 * errors do not stop the build (tsc still emits); `npm test` type-checks before vitest runs.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) process.stderr.write(`warning: the build reported errors; dist/ may be stale\n${result.stdout}`);
}
