/**
 * Figure 5, start-up: wall time of `sel-scraper --help` against `node -e 0` (bare Node on the
 * same machine), as the median of many alternating runs after a warm-up. Then what --help
 * loads, by package, since every module loaded is start-up time a command may not need.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, buildDist, ROOT } from './lib/build.ts';
import { runNode } from './lib/child.ts';
import { fixed, flags, machineLine, median, print, table } from './lib/report.ts';
import { removeDir } from './lib/sources.ts';

const options = flags({ runs: 30, warmup: 5 });
const TRACE = fileURLToPath(new URL('./workers/trace-imports.mjs', import.meta.url));

print(machineLine());
buildDist();

const commands: { name: string; args: string[] }[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'sel-scraper --help', args: [BIN, '--help'] },
  { name: 'sel-scraper scrape all --help', args: [BIN, 'scrape', 'all', '--help'] },
];
const times = commands.map(() => [] as number[]);
for (let run = 0; run < options.warmup + options.runs; run++) {
  for (const [i, command] of commands.entries()) {
    const result = await runNode(command.args);
    if (result.code !== 0) throw new Error(`${command.name} exited ${result.code}: ${result.stderr}`);
    if (run >= options.warmup) times[i]?.push(result.wallMs);
  }
}
const bare = median(times[0] ?? []);
print();
print(
  table([
    ['command', 'median ms', 'min ms', '× node -e 0'],
    ...commands.map((c, i) => [
      c.name,
      fixed(median(times[i] ?? []), 1),
      fixed(Math.min(...(times[i] ?? [])), 1),
      `${fixed(median(times[i] ?? []) / bare, 2)}×`,
    ]),
  ]),
);

/** Modules --help loads, grouped as ours (dist/<folder>) or by npm package. */
async function loadedByPackage(): Promise<Map<string, { files: number; bytes: number }>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sel-bench-trace-'));
  const file = path.join(dir, 'trace.txt');
  try {
    await runNode(['--import', TRACE, BIN, '--help'], { env: { BENCH_TRACE_FILE: file } });
    const paths = new Set(
      (await readFile(file, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const target = line.slice(4);
          return line.startsWith('esm ') ? fileURLToPath(target) : target;
        }),
    );
    const groups = new Map<string, { files: number; bytes: number }>();
    for (const p of paths) {
      if (p === TRACE || p.includes(`${path.sep}bench${path.sep}workers${path.sep}`)) continue;
      const rel = path.relative(ROOT, p);
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel)?.[1] ?? (rel.startsWith('dist/') ? `sel-scraper ${path.dirname(rel)}` : rel);
      const group = groups.get(pkg) ?? { files: 0, bytes: 0 };
      group.files++;
      group.bytes += (await readFile(p)).byteLength;
      groups.set(pkg, group);
    }
    return groups;
  } finally {
    await removeDir(dir);
  }
}

const loaded = [...(await loadedByPackage())].sort((a, b) => b[1].bytes - a[1].bytes);
print();
print('what `sel-scraper --help` loads:');
print(table([['module group', 'files', 'KB'], ...loaded.map(([name, g]) => [name, g.files, fixed(g.bytes / 1024, 0)])]));
print();
const ours = median(times[1] ?? []);
print(`startup: sel-scraper --help ${fixed(ours, 0)} ms vs node -e 0 ${fixed(bare, 0)} ms: ${fixed(ours / bare, 2)}× bare Node (goal ≤ 3×)`);
