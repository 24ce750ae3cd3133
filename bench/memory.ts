/**
 * Figure 4, memory: peak RSS of the built CLI reading 50 and then 400 sources of 100 events
 * each (one listing page per source, each source on its own host), in a dry run that streams
 * every event to an NDJSON file (--out), or with --live 1 into a fake SEL server. A runner that
 * streams events and drops documents after extraction peaks at the same RSS for both.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeSelServer } from '../test/helpers/fake-sel-server.ts';
import { buildDist } from './lib/build.ts';
import { runCli } from './lib/child.ts';
import { scrapeAllFlags } from './lib/cli-flags.ts';
import { listingPage } from './lib/pages.ts';
import { fixed, flags, machineLine, print, table } from './lib/report.ts';
import { startSite } from './lib/site.ts';
import { removeDir, sourceName, writeSources } from './lib/sources.ts';

const options = flags({ small: 50, large: 400, 'events-per-source': 100, live: 0 });
const KEY = 'benchagent-0123456789abcdefghijklmnopqrstuvwx';
/** Growth under this share of the small run's peak counts as "does not grow". */
const FLAT = 0.1;
const perSource = options['events-per-source'];

print(machineLine());
buildDist();
const supported = await scrapeAllFlags();
// One page per host: a host delay would only stretch the run, not change what it holds.
const politeFlags = supported.has('--host-delay') ? ['--host-delay', '0'] : [];
const pageKb = listingPage(0, perSource).reduce((t, part) => t + Buffer.byteLength(part), 0) / 1024;
print(
  `sources of ${perSource} events, one ${fixed(pageKb, 0)} KB listing page each; ${options.live ? 'live into a fake SEL (--concurrency 16, --rate-limit 0)' : 'dry run streaming to --out events.ndjson'}`,
);

interface Measured {
  sources: number;
  events: number;
  peakMb: number;
  cpuS: number;
  wallS: number;
}

async function measure(count: number): Promise<Measured> {
  const site = await startSite(
    Array.from({ length: count }, () => ({ latencyMs: 0 })),
    (host, p) => (p === '/events' ? listingPage(host * perSource, perSource) : undefined),
  );
  const sel = options.live ? await new FakeSelServer({ keys: { [KEY]: 'agent' }, processingMs: 50 }).start() : undefined;
  const dir = await writeSources(
    Array.from({ length: count }, (_, i) => ({ name: sourceName(i), method: 'jsonld' as const, urls: [`${site.origins[i]}/events`] })),
    'memory',
  );
  const cwd = await mkdtemp(path.join(tmpdir(), 'sel-bench-memory-cwd-'));
  try {
    const mode = sel ? ['--concurrency', '16', '--rate-limit', '0'] : ['--dry-run', '--out', path.join(cwd, 'events.ndjson')];
    const result = await runCli(['scrape', 'all', '--sources', dir, '--json', ...politeFlags, ...mode], {
      cwd,
      env: sel ? { SEL_SERVER_URL: sel.url, SEL_API_KEY: KEY } : {},
      probe: true,
      timeoutMs: 30 * 60_000,
    });
    const report = JSON.parse(result.stdout || '{}') as { totals?: { submitted: number; created: number } };
    const events = sel ? (report.totals?.created ?? 0) : (report.totals?.submitted ?? 0);
    if (events !== count * perSource || !result.usage) {
      throw new Error(`${count} sources: ${events} of ${count * perSource} events (exit ${result.code})\n${result.stderr.slice(-1500)}`);
    }
    return { sources: count, events, peakMb: result.usage.maxRss / 2 ** 20, cpuS: result.usage.cpuMs / 1000, wallS: result.wallMs / 1000 };
  } finally {
    await site.stop();
    await sel?.stop();
    await removeDir(dir);
    await removeDir(cwd);
  }
}

const small = await measure(options.small);
const large = await measure(options.large);
print();
print(
  table([
    ['sources', 'events', 'peak RSS MB', 'CPU s', 'wall s'],
    ...[small, large].map((m) => [m.sources, m.events, fixed(m.peakMb, 1), fixed(m.cpuS, 2), fixed(m.wallS, 2)]),
  ]),
);
print();
const growth = large.peakMb / small.peakMb - 1;
const perHundred = ((large.peakMb - small.peakMb) / (large.sources - small.sources)) * 100;
print(
  `memory: peak RSS ${fixed(small.peakMb, 0)} MB for ${small.sources} sources, ${fixed(large.peakMb, 0)} MB for ${large.sources}: ${growth >= 0 ? '+' : ''}${fixed(growth * 100, 1)}% (${fixed(perHundred, 1)} MB per 100 sources; goal: flat, within ${FLAT * 100}%)`,
);
