// Preloaded with --import: records every module the process loads (ES modules through a
// loader hook, CommonJS ones from the require cache) into BENCH_TRACE_FILE, one path a line,
// to show what a command loads that it does not need.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';

const file = process.env.BENCH_TRACE_FILE;
if (file) {
  register('./trace-hooks.mjs', import.meta.url, { data: { file } });
  const require = createRequire(import.meta.url);
  process.on('exit', () =>
    appendFileSync(
      file,
      Object.keys(require.cache)
        .map((p) => `cjs ${p}\n`)
        .join(''),
    ),
  );
}
