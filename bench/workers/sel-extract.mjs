// Extraction throughput of sel-scraper itself: `runScrape` from dist/ in a dry run (fetch,
// extract, normalise; nothing submitted), the sources read `concurrency` at a time, through the
// same stack of source HTTP clients as `scrape all` builds (robots.txt, per-host gate, retries)
// with --host-delay 0. Plain JavaScript on the compiled code, so no TypeScript loader sits in
// the measured process.
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { systemClock } from '../../dist/clock.js';
import { createSourceFetching } from '../../dist/fetch/source-fetching.js';
import { runScrape } from '../../dist/run/scrape-run.js';
import { batchSettings } from '../../dist/submit/batch-submitter.js';
import { childCpuMs } from './child-cpu.mjs';

const input = JSON.parse(process.argv[2]);
const dispatcher = new Agent({ connections: 8 });

// The same source-fetch stack `scrape all` uses (robots.txt, host gate, retries), with no delay.
const fetching = await createSourceFetching({ network: dispatcher, clock: systemClock, maxRetryAfterMs: 120_000, hostDelayMs: 0, realNetwork: false });
const http = fetching.http;

function run(sourcesDir) {
  return runScrape(
    {
      sourcesDir,
      only: [],
      dryRun: true,
      allowAdminKey: false,
      defaultTimezone: 'America/Toronto',
      sourceConcurrency: input.concurrency,
      batches: batchSettings({ concurrency: 2, batchSize: 100, pollTimeoutSeconds: 120, ratePerMinute: 60 }),
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
await fetching.close();
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
