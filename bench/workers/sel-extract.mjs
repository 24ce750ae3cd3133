// Extraction throughput of sel-scraper itself: `runScrape` from dist/ in a dry run (fetch,
// extract, normalise; nothing submitted), the sources read `concurrency` at a time, through the
// same stack of source HTTP clients as `scrape all` builds (robots.txt, per-host gate, retries)
// with --host-delay 0. Plain JavaScript on the compiled code, so no TypeScript loader sits in
// the measured process.
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { systemClock } from '../../dist/clock.js';
import { HostGate } from '../../dist/fetch/host-gate.js';
import { createHttpClient } from '../../dist/fetch/http-client.js';
import { createPoliteHttpClient } from '../../dist/fetch/polite-http-client.js';
import { createRetryingHttpClient, DEFAULT_SOURCE_RETRY } from '../../dist/fetch/retrying-http-client.js';
import { RobotsPolicy } from '../../dist/fetch/robots.js';
import { runScrape } from '../../dist/run/scrape-run.js';
import { USER_AGENT } from '../../dist/version.js';
import { childCpuMs } from './child-cpu.mjs';

const input = JSON.parse(process.argv[2]);
const dispatcher = new Agent({ connections: 8 });

/** As src/cli/scrape-all.ts composes it (sourceHttpClient), with no delay between requests. */
function sourceHttpClient() {
  const base = createHttpClient({ dispatcher, userAgent: USER_AGENT });
  const retry = { ...DEFAULT_SOURCE_RETRY };
  const robots = new RobotsPolicy({ http: createRetryingHttpClient(base, { retry, clock: systemClock }) });
  const hostGate = new HostGate({ clock: systemClock, concurrency: 1, delayMs: 0 });
  return createRetryingHttpClient(createPoliteHttpClient(base, { robots, hostGate }), { retry, clock: systemClock });
}
const http = sourceHttpClient();

function run(sourcesDir) {
  return runScrape(
    {
      sourcesDir,
      only: [],
      dryRun: true,
      allowAdminKey: false,
      defaultTimezone: 'America/Toronto',
      sourceConcurrency: input.concurrency,
      concurrency: 2,
      batchSize: 100,
      maxBatchBytes: 2 * 1024 * 1024,
      pollTimeoutMs: 120_000,
    },
    { http, clock: systemClock, log: () => {} },
  );
}

function pagesOf(report) {
  return report.sources.reduce((sum, s) => sum + s.pages.fetched, 0);
}

const unsupported = (report) => report.sources.map((s) => s.error ?? '').find((e) => /not supported/.test(e));

const warm = await run(input.warmDir);
if (unsupported(warm)) {
  process.stdout.write(JSON.stringify({ unsupported: unsupported(warm) }) + '\n');
  process.exit(0);
}
globalThis.gc?.();
const cpu0 = process.cpuUsage();
const children0 = childCpuMs();
const t0 = performance.now();
const report = await run(input.measureDir);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const pages = pagesOf(report);
const failed = report.sources.reduce((sum, s) => sum + s.pages.failed, 0);
await dispatcher.close();
process.stdout.write(
  JSON.stringify({
    pages,
    failed,
    events: report.totals.submitted,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000 + (childCpuMs() - children0),
    maxRss: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);
