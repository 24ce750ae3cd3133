import path from 'node:path';
import { fetch as undiciFetch } from 'undici';
import { main } from '../../src/cli/main.ts';
import { describeKey } from '../../src/keys/redact.ts';
import { createSourceFetching } from '../../src/fetch/source-fetching.ts';
// Readers are imported lazily on first use, in real time, which a VirtualClock cannot see: the
// clock could jump past a --timeout while one loads. Loaded here, before any run starts.
import '../../src/read/jsonld.ts';
import type { RunReport } from '../../src/report/run-report.ts';
import { readFailures } from '../../src/run/failures.ts';
import { defaultFailuresPath } from '../../src/run/journal.ts';
import { runReplay } from '../../src/run/replay.ts';
import { systemLockDeps } from '../../src/process-lock.ts';
import { claimRun } from '../../src/run/run-state.ts';
import { runScrape } from '../../src/run/scrape-run.ts';
import { batchSettings } from '../../src/submit/batch-submitter.ts';
import { RateLimiter } from '../../src/submit/rate-limiter.ts';
import { DEFAULT_RETRY, SelClient } from '../../src/submit/sel-client.ts';
import { USER_AGENT } from '../../src/version.ts';
import { workDir } from './delivery-fixtures.ts';
import { FakeSelServer, type FakeSelOptions } from './fake-sel-server.ts';
import { FixtureSite, type SitePage } from './fixture-site.ts';
import { MemoryNetwork } from './memory-network.ts';
import { VirtualClock } from './virtual-clock.ts';

export const AGENT_KEY = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
export const ADMIN_KEY = 'aDmInKeY-0123456789abcdefghijklmnopqrstuvwx';

/**
 * A site and a SEL server on a MemoryNetwork, both on one VirtualClock, and a working directory
 * (sources in `<dir>/sources`, run state in `<dir>/.sel-scraper`): what `scrape all` meets, with
 * no socket and no wall-clock wait.
 */
export interface RunWorld {
  clock: VirtualClock;
  network: MemoryNetwork;
  site: FixtureSite;
  sel: FakeSelServer;
  dir: string;
}

export async function runWorld(pages: Record<string, SitePage>, sel: FakeSelOptions = {}, clock = new VirtualClock()): Promise<RunWorld> {
  const network = new MemoryNetwork();
  return {
    clock,
    network,
    site: new FixtureSite(pages, clock).serveOn(network),
    sel: new FakeSelServer({ keys: { [AGENT_KEY]: 'agent', [ADMIN_KEY]: 'admin' }, ...sel }, clock).serveOn(network),
    dir: await workDir('sel-run-'),
  };
}

/**
 * A world around a site and a SEL server already serving on 127.0.0.1 (to a spawned CLI), so an
 * in-process run can continue what the process began: same origins, same server state.
 */
export function sharedWorld(site: FixtureSite, sel: FakeSelServer, dir: string, clock = new VirtualClock(Date.now())): RunWorld {
  const network = new MemoryNetwork();
  site.serveOn(network, site.origin);
  sel.serveOn(network, sel.url);
  return { clock, network, site, sel, dir };
}

/** The `scrape all` / `scrape replay` flags these tests vary, with the CLI's defaults otherwise. */
export interface RunFlags {
  key?: string;
  serverUrl?: string;
  only?: string[];
  dryRun?: boolean;
  outFile?: string;
  allowAdminKey?: boolean;
  batchSize?: number;
  concurrency?: number;
  pollTimeoutSeconds?: number;
  ratePerMinute?: number;
  maxRetryAfterSeconds?: number;
  hostDelayMs?: number;
  timeoutMs?: number;
  sourceTimeoutMs?: number;
  /** A run id, or true for the latest run in the world's state directory. */
  resume?: string | true;
  failuresFile?: string;
  signal?: AbortSignal;
}

export interface InProcessRun {
  report: RunReport;
  /** What the run logged for a human (stderr in the CLI). */
  log: string[];
}

/** A run of `runScrape` as `scrape all` wires it, on the world's network and clock. */
export async function scrapeIn(world: RunWorld, flags: RunFlags = {}): Promise<InProcessRun> {
  const stateDir = path.join(world.dir, '.sel-scraper');
  const dryRun = flags.dryRun ?? false;
  const log: string[] = [];
  // As `scrape all` does: the run id is claimed (and locked) before the run, a resumed one with its journal.
  const claim = dryRun ? undefined : claimRun(stateDir, flags.resume, { lock: systemLockDeps(() => world.clock.now()), notice: (line) => log.push(line) });
  const resume = claim?.resume;
  const key = flags.key ?? AGENT_KEY;
  const serverUrl = flags.serverUrl ?? world.sel.url;
  const batchSize = resume?.run.batchSize ?? flags.batchSize ?? 100;
  const fetching = await createSourceFetching({
    network: world.network,
    clock: world.clock,
    maxRetryAfterMs: maxRetryAfterMs(flags),
    hostDelayMs: flags.hostDelayMs ?? 0,
    realNetwork: false,
  });
  try {
    const report = await runScrape(
      {
        sourcesDir: resume?.run.sourcesDir ?? path.join(world.dir, 'sources'),
        only: resume?.run.only ?? flags.only ?? [],
        dryRun,
        outFile: flags.outFile,
        allowAdminKey: flags.allowAdminKey ?? false,
        defaultTimezone: 'America/Toronto',
        sourceConcurrency: 64,
        batches: batches(flags, batchSize),
        serverUrl: dryRun ? undefined : serverUrl,
        timeoutMs: flags.timeoutMs,
        sourceTimeoutMs: flags.sourceTimeoutMs,
        state: !claim
          ? undefined
          : {
              dir: stateDir,
              runId: claim.runId,
              unsaved: claim.unsaved,
              definition: resume?.run ?? {
                sourcesDir: path.join(world.dir, 'sources'),
                only: flags.only ?? [],
                fixtures: null,
                serverUrl,
                keyLabel: describeKey(key),
                batchSize,
                defaultTimezone: 'America/Toronto',
              },
              resume,
              failuresFile: flags.failuresFile,
            },
      },
      {
        http: fetching.http,
        client: dryRun ? undefined : selClient(world, key, serverUrl, flags),
        clock: world.clock,
        env: {},
        log: (line) => log.push(line),
        ...(flags.signal ? { signal: flags.signal } : {}),
      },
    );
    return { report, log };
  } finally {
    claim?.release();
    await fetching.close();
  }
}

/** `scrape replay <file>` in-process; the replay's own failures file goes to the state directory. */
export async function replayIn(world: RunWorld, file: string, flags: RunFlags = {}): Promise<InProcessRun> {
  const key = flags.key ?? AGENT_KEY;
  const serverUrl = flags.serverUrl ?? world.sel.url;
  const log: string[] = [];
  const report = await runReplay(
    {
      file,
      records: await readFailures(file),
      allowAdminKey: flags.allowAdminKey ?? false,
      batches: batches(flags, flags.batchSize ?? 100),
      serverUrl,
      timeoutMs: flags.timeoutMs,
      failuresFile: (replayId) => flags.failuresFile ?? defaultFailuresPath(path.join(world.dir, '.sel-scraper'), replayId),
    },
    { client: selClient(world, key, serverUrl, flags), clock: world.clock, log: (line) => log.push(line), ...(flags.signal ? { signal: flags.signal } : {}) },
  );
  return { report, log };
}

function batches(flags: RunFlags, batchSize: number) {
  return batchSettings({
    concurrency: flags.concurrency ?? 2,
    batchSize,
    pollTimeoutSeconds: flags.pollTimeoutSeconds ?? 120,
    ratePerMinute: flags.ratePerMinute ?? 60,
  });
}

function maxRetryAfterMs(flags: RunFlags): number {
  return (flags.maxRetryAfterSeconds ?? 120) * 1000;
}

/** The client `scrape all` builds, its requests going over the world's network, its jitter fixed so runs repeat. */
function selClient(world: RunWorld, key: string, serverUrl: string, flags: RunFlags): SelClient {
  return new SelClient({
    baseUrl: serverUrl,
    apiKey: key,
    fetch: (url, init) => undiciFetch(url, { ...init, dispatcher: world.network }),
    clock: world.clock,
    limiter: new RateLimiter(flags.ratePerMinute ?? 60, world.clock),
    retry: { ...DEFAULT_RETRY, maxRetryAfterMs: maxRetryAfterMs(flags) },
    userAgent: USER_AGENT,
    random: () => 0.5,
  });
}

/** The whole CLI (`main`) in-process, in the world's directory, on its network and clock. */
export async function cliIn(
  world: RunWorld,
  args: string[],
  env: Record<string, string> = { SEL_SERVER_URL: world.sel.url, SEL_API_KEY: AGENT_KEY },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    env,
    cwd: world.dir,
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    clock: world.clock,
    dispatcher: world.network,
  });
  return { code, stdout, stderr };
}
