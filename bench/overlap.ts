/**
 * Figure 2, whole-run overlap: N sources, each on its own host with its own latency and
 * politeness delay (robots.txt Crawl-delay), read by the built CLI in a dry run. The run can
 * never be shorter than the slowest host's serial chain (its pages follow rel="next", so each
 * waits for the one before, and starts are spaced by the host's delay); the figure is the
 * run's wall time divided by that bound.
 */
import { buildDist } from './lib/build.ts';
import { runCli } from './lib/child.ts';
import { scrapeAllFlags } from './lib/cli-flags.ts';
import { listingPage } from './lib/pages.ts';
import { fixed, flags, machineLine, print, table } from './lib/report.ts';
import { startSite, type BenchSite, type HostPlan } from './lib/site.ts';
import { removeDir, sourceName, writeSources } from './lib/sources.ts';

const options = flags({ sources: 24, 'events-per-page': 2, 'source-concurrency': 0 });
const N = options.sources;
/**
 * Arrival gaps at the site jitter by tens of ms around the client's spacing (both event loops
 * are busy), so a gap of 90% of the delay still counts as kept; a client with no politeness
 * shows gaps of one latency, far below.
 */
const GAP_TOLERANCE = 0.9;
const DELAYS_S = [0.2, 0.4, 0.6, 0.8, 1];

interface SourceShape extends HostPlan {
  pages: number;
  crawlDelayS: number;
}

/** Deterministic variety: latencies 20–300 ms, delays 0.2–1 s, 2–8 pages; source 0 is the longest chain. */
function shape(i: number): SourceShape {
  if (i === 0) return { latencyMs: 150, crawlDelayS: 1, pages: 10 };
  return { latencyMs: 20 + ((i * 37) % 281), crawlDelayS: DELAYS_S[i % DELAYS_S.length] ?? 1, pages: 2 + ((i * 5) % 7) };
}
const shapes = Array.from({ length: N }, (_, i) => shape(i));

/** Shortest possible time for one host: each page after the first starts max(delay, latency) after the one before. */
function chainMs(s: SourceShape, hostDelayS: number): number {
  const delayMs = Math.max(s.crawlDelayS, hostDelayS) * 1000;
  return (s.pages - 1) * Math.max(delayMs, s.latencyMs) + s.latencyMs;
}

print(machineLine());
buildDist();
const supported = await scrapeAllFlags();
const politeFlags = supported.has('--host-delay') ? ['--host-delay', '0'] : [];
const hostDelayS = 0;
const bound = Math.max(...shapes.map((s) => chainMs(s, hostDelayS)));
const sum = shapes.reduce((total, s) => total + chainMs(s, hostDelayS), 0);
print(`${N} sources on ${N} hosts; latency 20–300 ms, Crawl-delay 0.2–1 s, 2–10 pages each (${shapes.reduce((t, s) => t + s.pages, 0)} pages)`);
print(
  `lower bound (slowest host's chain): ${fixed(bound / 1000, 2)} s; all chains back to back: ${fixed(sum / 1000, 1)} s${politeFlags.length ? "; run with --host-delay 0 so each host's own Crawl-delay is its only delay" : ''}`,
);

interface Run {
  setting: string;
  wallMs: number;
  runMs: number;
  honoured: number;
  robots: number;
}

async function runOnce(setting: string, extra: string[]): Promise<Run> {
  const site: BenchSite = await startSite(shapes, (host, path) => {
    const page = Number(/^\/s\/(\d+)$/.exec(path)?.[1]);
    const s = shapes[host];
    if (!s || !(page >= 1 && page <= s.pages)) return undefined;
    return listingPage(host * 1000 + page * 10, options['events-per-page'], page < s.pages ? `/s/${page + 1}` : undefined);
  });
  const dir = await writeSources(
    shapes.map((s, i) => ({ name: sourceName(i), method: 'jsonld' as const, urls: [`${site.origins[i]}/s/1`], maxPages: s.pages })),
    'overlap',
  );
  try {
    const result = await runCli(['scrape', 'all', '--sources', dir, '--dry-run', '--json', ...politeFlags, ...extra]);
    const report = JSON.parse(result.stdout || '{}') as { durationMs?: number; sources?: { pages: { fetched: number; failed: number } }[] };
    const fetched = report.sources?.reduce((t, s) => t + s.pages.fetched, 0) ?? 0;
    const expected = shapes.reduce((t, s) => t + s.pages, 0);
    if (fetched !== expected) throw new Error(`${setting}: ${fetched} of ${expected} pages fetched (exit ${result.code})\n${result.stderr.slice(-1500)}`);
    const honoured = site.logs.filter((log, i) => minGap(log.pageHits) >= (shapes[i]?.crawlDelayS ?? 0) * 1000 * GAP_TOLERANCE).length;
    return { setting, wallMs: result.wallMs, runMs: report.durationMs ?? result.wallMs, honoured, robots: site.logs.filter((l) => l.robotsHits > 0).length };
  } finally {
    await site.stop();
    await removeDir(dir);
  }
}

function minGap(hits: number[]): number {
  let gap = Infinity;
  for (let i = 1; i < hits.length; i++) gap = Math.min(gap, (hits[i] ?? 0) - (hits[i - 1] ?? 0));
  return gap;
}

const runs: Run[] = [];
const configured = options['source-concurrency'];
runs.push(
  await runOnce(configured > 0 ? `--source-concurrency ${configured}` : 'CLI defaults', configured > 0 ? ['--source-concurrency', String(configured)] : []),
);
if (configured === 0) runs.push(await runOnce(`--source-concurrency ${N}`, ['--source-concurrency', String(N)]));

print();
print(
  table([
    ['setting', 'run s', 'process s', 'bound s', 'run / bound', 'delay kept', 'robots.txt read'],
    ...runs.map((r) => [
      r.setting,
      fixed(r.runMs / 1000, 2),
      fixed(r.wallMs / 1000, 2),
      fixed(bound / 1000, 2),
      `${fixed(r.runMs / bound, 2)}×`,
      `${r.honoured}/${N}`,
      `${r.robots}/${N}`,
    ]),
  ]),
);
print();
const [first, second] = runs;
const impolite =
  first && first.honoured < N ? ` (Crawl-delay NOT honoured on ${N - first.honoured} of ${N} hosts, so the bound does not hold for this build)` : '';
print(
  `overlap: ${fixed((first?.runMs ?? NaN) / bound, 2)}× the lower bound of ${fixed(bound / 1000, 2)} s with ${first?.setting}${second ? `, ${fixed(second.runMs / bound, 2)}× with ${second.setting}` : ''} (goal ≤ 1.2×)${impolite}`,
);
