/**
 * A bounded browser: the built CLI reads 20 tier 2 (headless) sources at once, each on its own
 * loopback host, each a JavaScript-built listing with a second page behind a "Next" link, in a
 * dry run. While it runs, the memory of node and every Chromium process it started is sampled
 * from /proc: the peak of their summed RSS (what `ps` shows; shared pages counted once per
 * process, so an upper bound) and of their summed PSS (shared pages split between processes).
 * Run once with --browser-pages at its default and once as high as the number of sources.
 * Linux only (/proc); needs Chromium (SEL_CHROMIUM_PATH or /usr/bin/chromium).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { locateChromium } from '../src/fetch/browser.ts';
import { BIN, buildDist } from './lib/build.ts';
import { fixed, flags, machineLine, print, table } from './lib/report.ts';
import { startSite } from './lib/site.ts';
import { removeDir, sourceName } from './lib/sources.ts';

const options = flags({ sources: 20, 'events-per-page': 40, 'source-concurrency': 64, 'bounded-pages': 4 });
const SAMPLE_MS = 100;

if (process.platform !== 'linux') throw new Error('bench:browser samples /proc, so it runs on Linux only');
if (!locateChromium(process.env)) throw new Error('bench:browser needs Chromium: install chromium or set SEL_CHROMIUM_PATH');

/** A listing that has no events until its script builds them after load, as tier 2 sites do. */
function listing(host: number, page: number): string {
  const events = Array.from({ length: options['events-per-page'] }, (_, i) => ({
    name: `Host ${host} page ${page} event ${i}`,
    when: `Dec ${1 + (i % 28)} 2026 7:30pm`,
    about: 'An evening of music and conversation. '.repeat(8),
  }));
  const next = page === 1 ? '<a class="next" href="/events-2">Next</a>' : '';
  return `<!doctype html><html><head><title>Events</title></head><body><main id="list"></main>${next}<script>
    const events = ${JSON.stringify(events)};
    addEventListener('load', () => setTimeout(() => {
      document.getElementById('list').innerHTML = events.map((e) => '<article class="event"><h2>' + e.name + '</h2><time class="when">' + e.when + '</time><p>' + e.about + '</p></article>').join('');
    }, 20));
  </script></body></html>`;
}

function yaml(name: string, origin: string): string {
  return `name: "${name}"
url: "${origin}/events"
tier: 2
max_pages: 2
license: "CC0-1.0"
timezone: "America/Toronto"
default_location: { name: "Bench Hall", address_locality: "Toronto" }
selectors:
  event_list: "article.event"
  name: "h2"
  date_selectors: ["time.when"]
  description_selectors: ["p"]
headless:
  wait_selector: "article.event"
  pagination_button: "a.next"
  rate_limit_ms: 1
`;
}

interface Sample {
  rss: number;
  pss: number;
  chromium: number;
}

/** Every live process whose ancestry leads to `root`, root included. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses; the fields after its last ")" do not.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // Gone between listing and reading.
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

function kb(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

function sample(root: number): Sample {
  let rss = 0;
  let pss = 0;
  let chromium = 0;
  for (const pid of processTree(root)) {
    try {
      rss += kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      pss += kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
      if (/chrom/i.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) chromium++;
    } catch {
      // Exited while sampled.
    }
  }
  return { rss, pss, chromium };
}

interface Measured {
  pages: number;
  events: number;
  statuses: string;
  peakRssMb: number;
  peakPssMb: number;
  peakChromium: number;
  wallS: number;
}

async function measure(browserPages: number): Promise<Measured> {
  const site = await startSite(
    Array.from({ length: options.sources }, () => ({ latencyMs: 0 })),
    (host, p) => (p === '/events' ? [listing(host, 1)] : p === '/events-2' ? [listing(host, 2)] : undefined),
  );
  const dir = await mkdtemp(path.join(tmpdir(), 'sel-bench-browser-'));
  await Promise.all(site.origins.map((origin, i) => writeFile(path.join(dir, `${sourceName(i)}.yaml`), yaml(sourceName(i), origin))));
  const args = [
    BIN,
    'scrape',
    'all',
    '--sources',
    dir,
    '--dry-run',
    '--json',
    '--host-delay',
    '0',
    '--source-concurrency',
    String(options['source-concurrency']),
    '--browser-pages',
    String(browserPages),
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...(process.env.SEL_CHROMIUM_PATH ? { SEL_CHROMIUM_PATH: process.env.SEL_CHROMIUM_PATH } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const peak: Sample = { rss: 0, pss: 0, chromium: 0 };
  const sampler = setInterval(() => {
    if (child.pid === undefined) return;
    const now = sample(child.pid);
    peak.rss = Math.max(peak.rss, now.rss);
    peak.pss = Math.max(peak.pss, now.pss);
    peak.chromium = Math.max(peak.chromium, now.chromium);
  }, SAMPLE_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  const wallS = (performance.now() - started) / 1000;
  await site.stop();
  await removeDir(dir);
  const report = JSON.parse(stdout || '{}') as { totals?: { extracted: number }; sources?: { status: string; pages: { fetched: number } }[] };
  if (!report.sources) throw new Error(`the run printed no report (exit ${code}):\n${stderr.slice(-2000)}`);
  const counts = new Map<string, number>();
  for (const s of report.sources) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return {
    pages: report.sources.reduce((sum, s) => sum + s.pages.fetched, 0),
    events: report.totals?.extracted ?? 0,
    statuses: [...counts].map(([status, n]) => `${n} ${status}`).join(', '),
    peakRssMb: peak.rss / 2 ** 20,
    peakPssMb: peak.pss / 2 ** 20,
    peakChromium: peak.chromium,
    wallS,
  };
}

print(machineLine());
buildDist();
print(
  `${options.sources} tier 2 sources at once (--source-concurrency ${options['source-concurrency']}), 2 JavaScript-built pages of ${options['events-per-page']} events each, dry run`,
);
const rows: (string | number)[][] = [
  ['--browser-pages', 'pages read', 'events', 'sources', 'peak RSS node+chromium', 'peak PSS node+chromium', 'chromium processes', 'wall'],
];
for (const browserPages of [options['bounded-pages'], options.sources]) {
  const m = await measure(browserPages);
  rows.push([
    browserPages,
    m.pages,
    m.events,
    m.statuses,
    `${fixed(m.peakRssMb, 0)} MB`,
    `${fixed(m.peakPssMb, 0)} MB`,
    m.peakChromium,
    `${fixed(m.wallS, 1)} s`,
  ]);
}
print(table(rows));
