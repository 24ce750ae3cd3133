/**
 * Figure 3, delivery: M thousand events through the built CLI into a fake SEL server (the
 * contract-faithful one the end-to-end tests use) that answers 429 past its rate limit, with the
 * client's --rate-limit set to the same budget. The figure is achieved events per minute over
 * what the limit allows, and the number of 429s met.
 *
 * What the limit allows: each batch of 100 costs at least two requests (the POST and one status
 * poll that finds it done) and the run one preflight; the server's token bucket starts full (one
 * minute's worth) and then refills at R a minute. So the fastest possible delivery of B batches
 * takes max(0, 1 + 2B − R) / R minutes.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeSelServer } from '../test/helpers/fake-sel-server.ts';
import { buildDist } from './lib/build.ts';
import { runCli } from './lib/child.ts';
import { scrapeAllFlags } from './lib/cli-flags.ts';
import { listingPage } from './lib/pages.ts';
import { fixed, flags, machineLine, print, table } from './lib/report.ts';
import { startSite } from './lib/site.ts';
import { removeDir, sourceName, writeSources } from './lib/sources.ts';

const options = flags({ thousands: 12, 'rate-limit': 120, 'processing-ms': 200, 'events-per-source': 100 });
const KEY = 'benchagent-0123456789abcdefghijklmnopqrstuvwx';
const BATCH = 100;
const events = options.thousands * 1000;
const perSource = options['events-per-source'];
const sources = Math.ceil(events / perSource);
const R = options['rate-limit'];

print(machineLine());
buildDist();
const supported = await scrapeAllFlags();
// One page per host, so a host delay only slows extraction, which is not what this measures.
const politeFlags = supported.has('--host-delay') ? ['--host-delay', '0'] : [];

const site = await startSite(
  Array.from({ length: sources }, () => ({ latencyMs: 0 })),
  (host, p) => (p === '/events' ? listingPage(host * perSource, Math.min(perSource, events - host * perSource)) : undefined),
);
const sel = await new FakeSelServer({ keys: { [KEY]: 'agent' }, rateLimitPerMinute: R, rateLimitBurst: R, processingMs: options['processing-ms'] }).start();
const dir = await writeSources(
  Array.from({ length: sources }, (_, i) => ({ name: sourceName(i), method: 'jsonld' as const, urls: [`${site.origins[i]}/events`] })),
  'delivery',
);
const cwd = await mkdtemp(path.join(tmpdir(), 'sel-bench-delivery-cwd-'));
print(
  `${events} events from ${sources} sources into a fake SEL limited to ${R} requests/min (client --rate-limit ${R}); batches processed in ${options['processing-ms']} ms`,
);

// The server's own view of the time taken: first request to last.
let firstAt = 0;
let lastAt = 0;
let seen = 0;
const sampler = setInterval(() => {
  if (sel.requests.length === seen) return;
  const now = performance.now();
  if (seen === 0) firstAt = now;
  lastAt = now;
  seen = sel.requests.length;
}, 5);

let result;
try {
  result = await runCli(['scrape', 'all', '--sources', dir, '--json', '--rate-limit', String(R), ...politeFlags], {
    cwd,
    env: { SEL_SERVER_URL: sel.url, SEL_API_KEY: KEY },
    timeoutMs: 30 * 60_000,
  });
} finally {
  clearInterval(sampler);
  await sel.stop();
  await site.stop();
  await removeDir(dir);
  await removeDir(cwd);
}

const report = JSON.parse(result.stdout || '{}') as { totals?: Record<string, number> };
const created = sel.events.size;
const batches = Math.ceil(events / BATCH);
const minimumRequests = 1 + 2 * batches;
const fastestMin = Math.max(0, minimumRequests - R) / R;
const windowMin = (lastAt - firstAt) / 60_000;
const achievedPerMin = created / windowMin;
const allowedPerMin = created / fastestMin;

print();
print(
  table([
    ['events', 'created', 'requests', 'minimum', 'posts', 'status polls', '429s', 'server window s', 'fastest possible s', 'events/min', 'allowed/min'],
    [
      events,
      created,
      sel.requests.length,
      minimumRequests,
      sel.counts.posts,
      sel.counts.statusPolls,
      sel.counts.rateLimited,
      fixed(windowMin * 60, 1),
      fixed(fastestMin * 60, 1),
      fixed(achievedPerMin, 0),
      fixed(allowedPerMin, 0),
    ],
  ]),
);
if (created !== events)
  print(
    `warning: ${events - created} events not created (exit ${result.code}; report totals ${JSON.stringify(report.totals ?? {})})\n${result.stderr.slice(-1000)}`,
  );
print();
const share =
  fastestMin > 0
    ? `${fixed((100 * achievedPerMin) / allowedPerMin, 1)}% of what the rate limit allows`
    : "n/a (so few requests that the bucket's first minute covers them; raise --thousands)";
print(`delivery: ${share} (goal ≥ 95%), ${sel.counts.rateLimited} × 429 (goal 0)`);
