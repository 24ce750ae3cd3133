/**
 * Figure 1, extraction throughput: pages per second, CPU per page and peak memory of
 * sel-scraper reading JSON-LD and CSS sources, against Crawlee's CheerioCrawler and undici alone
 * on the same pages at the same fixed concurrency, each in its own process, in the same run.
 * Measured twice: in-process (after a warm-up, the run alone) and as a whole process (start-up,
 * config loading and report included: `bin/sel-scraper scrape all --dry-run` as a user runs it).
 */
import { buildDist } from './lib/build.ts';
import { runCli, runWorker, runWorkerProcess } from './lib/child.ts';
import { eventPage } from './lib/pages.ts';
import { fixed, flags, machineLine, median, print, table } from './lib/report.ts';
import { startSite } from './lib/site.ts';
import { removeDir, sourceName, writeSources, type SourcePlan } from './lib/sources.ts';

const options = flags({ concurrency: 8, pages: 3000, warmup: 300, 'page-kb': 38, 'latency-ms': 0, rounds: 3, scope: 'both', 'short-pages': 500 });
if (!['both', 'in-process', 'process'].includes(options.scope)) throw new Error('--scope is both, in-process or process');
const inProcess = options.scope !== 'process';
const wholeProcess = options.scope !== 'in-process';
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
print(
  `pages: ${options.pages} measured after ${options.warmup} warm-up, ${options['page-kb']} KB each, one JSON-LD block and one event card; concurrency ${C}; latency ${options['latency-ms']} ms`,
);
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

const shortUrls = measureUrls.slice(0, Math.min(options['short-pages'], options.pages));

type Dirs = { warmDir: string; measureDir: string; shortDir: string };
async function sourceDirs(method: 'jsonld' | 'css'): Promise<Dirs> {
  const plans = (urls: string[], label: string): SourcePlan[] =>
    Array.from({ length: C }, (_, i) => ({ name: `${sourceName(i)}-${label}`, method, urls: urls.filter((_, n) => n % C === i) }));
  return {
    warmDir: await writeSources(plans(warmUrls, 'warm'), `extract-${method}`),
    measureDir: await writeSources(plans(measureUrls, 'measure'), `extract-${method}`),
    shortDir: await writeSources(plans(shortUrls, 'short'), `extract-${method}`),
  };
}

type Scope = 'in-process' | 'process';
interface Contender {
  name: string;
  mode: 'jsonld' | 'css' | 'read';
  scope: Scope;
  pages: number;
  run: () => Promise<Outcome>;
}

/** A worker as a whole process: wall time from spawn to exit, CPU and peak RSS of the process. */
async function wholeWorker(name: string, input: unknown, env?: Record<string, string>): Promise<Outcome> {
  const { output, wallMs, usage } = await runWorkerProcess<Measured>(name, input, { probe: true, ...(env ? { env } : {}) });
  if (!usage) throw new Error(`worker ${name} left no usage record`);
  return { ...output, wallMs, cpuMs: usage.cpuMs, maxRss: usage.maxRss };
}

interface CliReport {
  sources: { pages: { fetched: number; failed: number } }[];
  totals: { submitted: number };
}

/** `sel-scraper scrape all --dry-run` as a user runs it, timed from spawn to exit. */
async function wholeCli(sourcesDir: string): Promise<Outcome> {
  const args = ['scrape', 'all', '--sources', sourcesDir, '--dry-run', '--json', '--host-delay', '0', '--source-concurrency', String(C)];
  const result = await runCli(args, { probe: true });
  if (!result.usage || !result.stdout.trim().startsWith('{'))
    throw new Error(`sel-scraper ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
  const report = JSON.parse(result.stdout) as CliReport;
  return {
    pages: report.sources.reduce((sum, s) => sum + s.pages.fetched, 0),
    failed: report.sources.reduce((sum, s) => sum + s.pages.failed, 0),
    events: report.totals.submitted,
    wallMs: result.wallMs,
    cpuMs: result.usage.cpuMs,
    maxRss: result.usage.maxRss,
  };
}

const contenders: Contender[] = [];
const dirs = { jsonld: await sourceDirs('jsonld'), css: await sourceDirs('css') };
const crawleeEnv = (mode: 'jsonld' | 'css') => ({ CRAWLEE_STORAGE_DIR: dirs[mode].warmDir });
const all = options.pages;
if (inProcess) {
  contenders.push({
    name: 'undici alone (read only)',
    mode: 'read',
    scope: 'in-process',
    pages: all,
    run: () => runWorker('undici-read', { concurrency: C, warmUrls, measureUrls }),
  });
  for (const mode of ['jsonld', 'css'] as const) {
    contenders.push({ name: 'sel-scraper', mode, scope: 'in-process', pages: all, run: () => runWorker('sel-extract', { concurrency: C, ...dirs[mode] }) });
    contenders.push({
      name: 'Crawlee CheerioCrawler',
      mode,
      scope: 'in-process',
      pages: all,
      run: () => runWorker('crawlee-extract', { concurrency: C, mode, warmUrls, measureUrls }, { env: crawleeEnv(mode) }),
    });
  }
}
if (wholeProcess) {
  contenders.push({
    name: 'undici alone (read only)',
    mode: 'read',
    scope: 'process',
    pages: all,
    run: () => wholeWorker('undici-read', { concurrency: C, warmUrls: [], measureUrls }),
  });
  for (const mode of ['jsonld', 'css'] as const) {
    contenders.push({ name: 'sel-scraper', mode, scope: 'process', pages: all, run: () => wholeCli(dirs[mode].measureDir) });
    contenders.push({
      name: 'Crawlee CheerioCrawler',
      mode,
      scope: 'process',
      pages: all,
      run: () => wholeWorker('crawlee-extract', { concurrency: C, mode, warmUrls: [], measureUrls }, crawleeEnv(mode)),
    });
    // The same run over fewer pages: a runner that keeps nothing past its page peaks alike.
    if (shortUrls.length < all)
      contenders.push({ name: 'sel-scraper', mode, scope: 'process', pages: shortUrls.length, run: () => wholeCli(dirs[mode].shortDir) });
  }
}

const results = new Map<number, Outcome[]>();
try {
  for (let round = 0; round < options.rounds; round++) {
    for (const [index, contender] of contenders.entries()) {
      const outcome = await contender.run();
      if ('pages' in outcome && outcome.pages !== contender.pages) {
        throw new Error(
          `${contender.name} (${contender.mode}, ${contender.scope}) read ${outcome.pages} of ${contender.pages} pages (${outcome.failed} failed)`,
        );
      }
      results.set(index, [...(results.get(index) ?? []), outcome]);
    }
  }
} finally {
  await site.stop();
  await Promise.all(Object.values(dirs).flatMap((d) => [removeDir(d.warmDir), removeDir(d.measureDir), removeDir(d.shortDir)]));
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
const rows: (string | number)[][] = [['contender', 'source', 'measured', 'pages', 'pages/s', 'CPU ms/page', 'peak MB', 'events']];
for (const { name, mode, scope, pages, summary } of summaries) {
  const measured = scope === 'process' ? 'whole process' : 'in-process';
  if (typeof summary === 'string') rows.push([name, mode, measured, pages, 'n/a', 'n/a', 'n/a', summary.slice(0, 60)]);
  else rows.push([name, mode, measured, pages, fixed(summary.pagesPerSecond, 0), fixed(summary.cpuPerPage, 2), fixed(summary.peakMb, 0), summary.events]);
}
print();
print(table(rows));
print();

/** Goals per source kind (issue 16): pages/s as a multiple of Crawlee's, CPU ms per page, peak MB. */
const GOALS = { jsonld: { ratio: 8, cpu: 0.5, mb: 150 }, css: { ratio: 3, cpu: 2, mb: 150 } };
const parts: string[] = [];
for (const scope of ['process', 'in-process'] as const) {
  for (const mode of ['jsonld', 'css'] as const) {
    const find = (name: string, pages = all) =>
      summaries.find((s) => s.name.startsWith(name) && s.mode === mode && s.scope === scope && s.pages === pages)?.summary;
    const ours = find('sel-scraper');
    const theirs = find('Crawlee');
    if (ours === undefined && theirs === undefined) continue;
    const label = `${mode === 'jsonld' ? 'JSON-LD' : 'CSS'} (${scope === 'process' ? 'whole process' : 'in-process'})`;
    if (typeof ours !== 'object' || typeof theirs !== 'object') {
      parts.push(`${label} n/a (${typeof ours === 'string' ? ours : 'Crawlee failed'})`);
      continue;
    }
    const goal = GOALS[mode];
    const ratio = ours.pagesPerSecond / theirs.pagesPerSecond;
    const short = find('sel-scraper', shortUrls.length);
    const growth =
      typeof short === 'object' && shortUrls.length < all
        ? `, peak ${fixed(short.peakMb, 0)} MB at ${shortUrls.length} pages → ${fixed(ours.peakMb, 0)} MB at ${all} (${fixed((ours.peakMb / short.peakMb - 1) * 100, 1)}%, goal within 10%)`
        : '';
    print(
      `${label}: ${fixed(ratio, 2)}× Crawlee's pages/s (goal ≥ ${goal.ratio}×), ${fixed(ours.cpuPerPage, 2)} ms CPU/page (goal ≤ ${goal.cpu}), ${fixed(ours.peakMb, 0)} MB peak (goal ≤ ${goal.mb})${growth}`,
    );
    parts.push(
      `${label} ${fixed(ratio, 2)}× Crawlee (${fixed(ours.pagesPerSecond, 0)} vs ${fixed(theirs.pagesPerSecond, 0)} pages/s), ${fixed(ours.cpuPerPage, 2)} ms CPU/page, ${fixed(ours.peakMb, 0)} MB`,
    );
  }
}
print(`extraction: ${parts.join('; ')}`);
