/**
 * Delivery under faults: N events through the built CLI into the fake SEL server while it fails a
 * share of batch POSTs (503, without Retry-After unless --retry-after is given), drops a share of
 * all connections before answering, and limits requests to R a minute (429 + Retry-After: 60, as
 * SEL) with the client's --rate-limit set to the same R. Two scenarios, each on a fresh server:
 *
 * - straight: one uninterrupted run;
 * - killed: the run is killed with SIGKILL once a share of its batches are confirmed, then
 *   `scrape all --resume` runs at once (the dead process's requests still count in the server's
 *   bucket, so the resumed run may meet a 429 and wait out its Retry-After).
 *
 * For each: events the run printed as created / duplicate / failed / unknown against what the
 * server holds (created = events stored, failed = events it rejected), requests, 503s, drops,
 * 429s and wall time. The figure: every valid event created exactly once, printed = server, and
 * the killed-and-resumed run ends with the same counts as the straight one.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { eventSite, outsideBoundary, workDir, type PrintedReport } from '../test/helpers/delivery-fixtures.ts';
import { chance, FakeSelServer } from '../test/helpers/fake-sel-server.ts';
import { FixtureSite } from '../test/helpers/fixture-site.ts';
import { BIN, buildDist } from './lib/build.ts';
import { fixed, flags, machineLine, print, table } from './lib/report.ts';

const options = flags({
  events: 3000,
  'rate-limit': 60,
  'fail-post': 1 / 3,
  drop: 0.1,
  'retry-after': 0,
  'processing-ms': 1000,
  'kill-after': 0.4,
  seed: 1,
});
const KEY = 'benchagent-0123456789abcdefghijklmnopqrstuvwx';
const PER_PAGE = 100;
const PAGES = 5;
const R = options['rate-limit'];

print(machineLine());
buildDist();
const sources = Math.max(1, Math.round(options.events / (PER_PAGE * PAGES)));
const spec = eventSite({ sources, pages: PAGES, perPage: PER_PAGE, rejectEvery: 50 });
const total = sources * PAGES * PER_PAGE;
print(
  `${total} events (${spec.valid} valid, ${spec.rejected} the server rejects) from ${sources} sources; fake SEL: ${fixed(100 * options['fail-post'], 0)}% of batch POSTs answered 503, ` +
    `${fixed(100 * options.drop, 0)}% of connections dropped, ${R} requests/min (client --rate-limit ${R}), batches processed in ${options['processing-ms']} ms`,
);

interface Outcome {
  name: string;
  report: PrintedReport;
  sel: FakeSelServer;
  wallMs: number;
  exit: number | null;
  note: string;
}

const outcomes = [await scenario('straight', false), await scenario('killed + resumed', true)];

print();
print(
  table([
    [
      'scenario',
      'created',
      'server created',
      'dup',
      'failed',
      'server failed',
      'unknown',
      'requests',
      'POSTs',
      '503s',
      'drops',
      '429s',
      'batches',
      'wall s',
      'exit',
    ],
    ...outcomes.map((o) => [
      o.name,
      o.report.totals.created,
      o.sel.events.size,
      o.report.totals.duplicates,
      o.report.totals.failed,
      o.sel.rejected.size,
      o.report.totals.unknown,
      o.sel.requests.length,
      o.sel.counts.posts,
      o.sel.counts.failedPosts,
      o.sel.counts.dropped,
      o.sel.counts.rateLimited,
      o.sel.counts.acceptedBatches,
      fixed(o.wallMs / 1000, 1),
      String(o.exit),
    ]),
  ]),
);
for (const o of outcomes) if (o.note) print(`${o.name}: ${o.note}`);
print();
const exact = outcomes.every(
  (o) => o.report.totals.created === spec.valid && o.sel.events.size === spec.valid && o.report.totals.duplicates === 0 && o.report.totals.unknown === 0,
);
const matches = outcomes.every((o) => o.report.totals.created === o.sel.events.size && o.report.totals.failed === o.sel.rejected.size);
const [straight, resumed] = outcomes;
const same = JSON.stringify(straight?.report.totals) === JSON.stringify(resumed?.report.totals);
print(
  `delivery under faults: every valid event created exactly once: ${exact ? 'yes' : 'NO'}; printed counts = server's: ${matches ? 'yes' : 'NO'}; killed + resumed = straight: ${same ? 'yes' : 'NO'}`,
);

async function scenario(name: string, kill: boolean): Promise<Outcome> {
  const site = await new FixtureSite(spec.pages).start();
  const sel = await new FakeSelServer({
    keys: { [KEY]: 'agent' },
    rateLimitPerMinute: R,
    processingMs: options['processing-ms'],
    failPost: chance(options.seed, options['fail-post']),
    ...(options['retry-after'] > 0 ? { failPostRetryAfterSeconds: options['retry-after'] } : {}),
    dropConnection: chance(options.seed + 1, options.drop),
    rejectItem: outsideBoundary,
  }).start();
  const dir = await workDir('sel-bench-faults-');
  await spec.writeSources(dir, site.origin);
  const args = ['scrape', 'all', '--sources', 'sources', '--json', '--rate-limit', String(R), '--host-delay', '0'];
  const env = { PATH: process.env.PATH ?? '', SEL_SERVER_URL: sel.url, SEL_API_KEY: KEY };
  const started = performance.now();
  let note = '';
  try {
    let result = await run(args, dir, env, kill ? Math.ceil((options['kill-after'] * total) / PER_PAGE) : undefined);
    if (kill) {
      const confirmed = journalTypes(dir).filter((t) => t === 'batch-confirmed').length;
      note = `killed (${result.signal}) after ${confirmed} confirmed batch(es) and ${fixed((performance.now() - started) / 1000, 1)} s, with ${sel.events.size} events stored; resumed at once`;
      result = await run([...args, '--resume'], dir, env, undefined);
    }
    return { name, report: JSON.parse(result.stdout) as PrintedReport, sel, wallMs: performance.now() - started, exit: result.code, note };
  } finally {
    await sel.stop();
    await site.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the CLI; with `killAfterBatches`, SIGKILLs it once that many batches are confirmed. */
function run(args: string[], cwd: string, env: Record<string, string>, killAfterBatches: number | undefined) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const watch =
      killAfterBatches === undefined
        ? undefined
        : setInterval(() => {
            if (journalTypes(cwd).filter((t) => t === 'batch-confirmed').length >= killAfterBatches) child.kill('SIGKILL');
          }, 50);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (watch) clearInterval(watch);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function journalTypes(cwd: string): string[] {
  const runs = path.join(cwd, '.sel-scraper', 'runs');
  let names: string[];
  try {
    names = readdirSync(runs).filter((n) => /^[0-9A-Z]{26}\.ndjson$/.test(n));
  } catch {
    return [];
  }
  return names.flatMap((n) =>
    readFileSync(path.join(runs, n), 'utf8')
      .split('\n')
      .filter((l) => l.endsWith('}'))
      .map((l) => (JSON.parse(l) as { type: string }).type),
  );
}
