/**
 * Figure 1, extraction throughput: pages per second, CPU per page and peak memory of
 * sel-scraper reading JSON-LD and CSS sources, against Crawlee's CheerioCrawler and undici alone
 * on the same pages at the same fixed concurrency, each in its own process, in the same run.
 */
import { buildDist } from './lib/build.ts';
import { runWorker } from './lib/child.ts';
import { eventPage } from './lib/pages.ts';
import { fixed, flags, machineLine, median, print, table } from './lib/report.ts';
import { startSite } from './lib/site.ts';
import { removeDir, sourceName, writeSources, type SourcePlan } from './lib/sources.ts';

const options = flags({ concurrency: 8, pages: 3000, warmup: 300, 'page-kb': 38, 'latency-ms': 0, rounds: 3 });
const C = options.concurrency;
const WARM_BASE = 1_000_000;

interface Measured {
  pages: number;
  failed: number;
  events: number;
  wallMs: number;
  cpuMs: number;
  maxRss: number;
}
type Outcome = Measured | { unsupported: string };

print(machineLine());
print(`pages: ${options.pages} measured after ${options.warmup} warm-up, ${options['page-kb']} KB each, one JSON-LD block and one event card; concurrency ${C}; latency ${options['latency-ms']} ms`);
buildDist();

const site = await startSite(
  Array.from({ length: C }, () => ({ latencyMs: options['latency-ms'] })),
  (_host, path) => {
    const match = /^\/(?:p|w)\/(\d+)$/.exec(path);
    return match ? eventPage(Number(match[1]), options['page-kb']) : undefined;
  },
);

/** Page n lives on host n mod C, so each of the C sources reads its own host. */
function urlsFor(prefix: 'p' | 'w', first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${site.origins[(first + i) % C]}/${prefix}/${first + i}`);
}
const measureUrls = urlsFor('p', 0, options.pages);
const warmUrls = urlsFor('w', WARM_BASE, options.warmup);

async function sourceDirs(method: 'jsonld' | 'css'): Promise<{ warmDir: string; measureDir: string }> {
  const plans = (urls: string[], label: string): SourcePlan[] =>
    Array.from({ length: C }, (_, i) => ({ name: `${sourceName(i)}-${label}`, method, urls: urls.filter((_, n) => n % C === i) }));
  return {
    warmDir: await writeSources(plans(warmUrls, 'warm'), `extract-${method}`),
    measureDir: await writeSources(plans(measureUrls, 'measure'), `extract-${method}`),
  };
}

const contenders: { name: string; mode: 'jsonld' | 'css' | 'read'; run: () => Promise<Outcome> }[] = [];
const dirs = { jsonld: await sourceDirs('jsonld'), css: await sourceDirs('css') };
contenders.push({ name: 'undici alone (read only)', mode: 'read', run: () => runWorker('undici-read', { concurrency: C, warmUrls, measureUrls }) });
for (const mode of ['jsonld', 'css'] as const) {
  contenders.push({ name: 'sel-scraper', mode, run: () => runWorker('sel-extract', { concurrency: C, ...dirs[mode] }) });
  contenders.push({
    name: 'Crawlee CheerioCrawler',
    mode,
    run: () => runWorker('crawlee-extract', { concurrency: C, mode, warmUrls, measureUrls }, { env: { CRAWLEE_STORAGE_DIR: dirs[mode].warmDir } }),
  });
}

const results = new Map<number, Outcome[]>();
try {
  for (let round = 0; round < options.rounds; round++) {
    for (const [index, contender] of contenders.entries()) {
      const outcome = await contender.run();
      if ('pages' in outcome && outcome.pages !== options.pages) {
        throw new Error(`${contender.name} (${contender.mode}) read ${outcome.pages} of ${options.pages} pages (${outcome.failed} failed)`);
      }
      results.set(index, [...(results.get(index) ?? []), outcome]);
    }
  }
} finally {
  await site.stop();
  await Promise.all(Object.values(dirs).flatMap((d) => [removeDir(d.warmDir), removeDir(d.measureDir)]));
}

interface Summary {
  pagesPerSecond: number;
  cpuPerPage: number;
  peakMb: number;
  events: number;
}

/** Median over rounds of each figure (rounds differ by load from anything else on the machine). */
function summarise(outcomes: Outcome[]): Summary | string {
  const measured = outcomes.filter((o): o is Measured => 'pages' in o);
  if (measured.length === 0) return (outcomes[0] as { unsupported: string }).unsupported;
  return {
    pagesPerSecond: median(measured.map((m) => m.pages / (m.wallMs / 1000))),
    cpuPerPage: median(measured.map((m) => m.cpuMs / m.pages)),
    peakMb: median(measured.map((m) => m.maxRss / 2 ** 20)),
    events: median(measured.map((m) => m.events)),
  };
}

const summaries = contenders.map((c, i) => ({ ...c, summary: summarise(results.get(i) ?? []) }));
const rows: (string | number)[][] = [['contender', 'source', 'pages/s', 'CPU ms/page', 'peak MB', 'events']];
for (const { name, mode, summary } of summaries) {
  if (typeof summary === 'string') rows.push([name, mode, 'n/a', 'n/a', 'n/a', summary.slice(0, 60)]);
  else rows.push([name, mode, fixed(summary.pagesPerSecond, 0), fixed(summary.cpuPerPage, 2), fixed(summary.peakMb, 0), summary.events]);
}
print();
print(table(rows));
print();

const parts: string[] = [];
for (const mode of ['jsonld', 'css'] as const) {
  const ours = summaries.find((s) => s.name === 'sel-scraper' && s.mode === mode)?.summary;
  const theirs = summaries.find((s) => s.name.startsWith('Crawlee') && s.mode === mode)?.summary;
  const label = mode === 'jsonld' ? 'JSON-LD' : 'CSS';
  if (typeof ours !== 'object' || typeof theirs !== 'object') {
    parts.push(`${label} n/a (${typeof ours === 'string' ? ours : 'Crawlee failed'})`);
    continue;
  }
  const ratio = ours.pagesPerSecond / theirs.pagesPerSecond;
  print(`${label}: ${fixed(ratio, 2)}× Crawlee's pages/s (goal ≥ 4×), ${fixed(ours.cpuPerPage, 2)} ms CPU/page (goal ≤ 1.5), ${fixed(ours.peakMb, 0)} MB peak (goal ≤ 150)`);
  parts.push(`${label} ${fixed(ratio, 2)}× Crawlee (${fixed(ours.pagesPerSecond, 0)} vs ${fixed(theirs.pagesPerSecond, 0)} pages/s), ${fixed(ours.cpuPerPage, 2)} ms CPU/page, ${fixed(ours.peakMb, 0)} MB`);
}
print(`extraction: ${parts.join('; ')}`);
