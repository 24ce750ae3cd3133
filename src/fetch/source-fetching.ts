import { Agent, type Dispatcher } from 'undici';
import type { Clock, OnWait } from '../clock.ts';
import { USER_AGENT } from '../version.ts';
import { createGuardedAgent } from './address-guard.ts';
import { cachingResolve, lookupFrom, resolvingFirst, systemResolve, type ResolveHost } from './host-resolution.ts';
import { createFixtureDispatcher } from './fixtures.ts';
import { HostGate } from './host-gate.ts';
import { createHttpClient, type HttpClient } from './http-client.ts';
import { createBrowserGate, createPoliteHttpClient, type BrowserGate } from './polite-http-client.ts';
import { createRetryingHttpClient, DEFAULT_SOURCE_RETRY } from './retrying-http-client.ts';
import { RobotsPolicy } from './robots.ts';

export interface SourceFetchingOptions {
  /** The network; tests inject a MockAgent. Closed by the caller that created it. */
  network: Dispatcher;
  /** Answer every fetch from recordings in this folder instead of the network. */
  fixturesDir?: string | null | undefined;
  clock: Clock;
  maxRetryAfterMs: number;
  hostDelayMs: number;
  /** Whether `network` is the real one, so an unverifying agent may be made for insecure_skip_verify. */
  realNetwork: boolean;
  /**
   * Name resolution for the address policy (tests inject one). Hosts a source's config does not
   * name are resolved and refused when private; on the real network their connections also go
   * through an agent that checks the address it connects to. Replays have no addresses.
   */
  resolve?: ResolveHost;
  /** Composed onto every dispatcher sources fetch through (--record); the SEL server's traffic is not. */
  record?: Dispatcher.DispatcherComposeInterceptor | undefined;
  /** Told of every wait a fetch makes: for a host's turn, before a retry. */
  onWait?: OnWait | undefined;
}

export interface SourceFetching {
  http: HttpClient;
  /** robots.txt and the per-host gate for requests the browser makes. */
  gate: BrowserGate;
  /** Whether no site asked about could be reached (and some were): the machine is likely offline. */
  noSiteReached(): boolean;
  /** Ends what is still in flight (a robots.txt fetch no source waits for any more). */
  close(): Promise<void>;
}

/**
 * Source fetches as every command gets them: retried when the failure may pass, and polite
 * (robots.txt, one request at a time per host, spaced by the host delay or Crawl-delay). Retries
 * sit outside the gate so a backoff does not hold the host's slot. With fixtures, recordings
 * answer and there is no host to be polite to.
 */
export async function createSourceFetching(options: SourceFetchingOptions): Promise<SourceFetching> {
  const replay = options.fixturesDir ? await createFixtureDispatcher(options.fixturesDir) : undefined;
  const record = options.record;
  const tap = record ? (raw: Dispatcher): Dispatcher => raw.compose(record) : (raw: Dispatcher) => raw;
  const dispatcher = tap(replay ?? options.network);
  const now = () => options.clock.now();
  // The network's own resolver when it has one (its agent connects through the same cache).
  const resolve = replay ? undefined : (options.resolve ?? (options.realNetwork ? cachingResolve(systemResolve, now) : undefined));
  // Agents made here on first need, closed here; each is handed out tapped (--record).
  const made: Dispatcher[] = [];
  const make = (agent: Dispatcher): Dispatcher => {
    made.push(agent);
    return tap(agent);
  };
  // Only insecure_skip_verify sources create it; replayed and injected dispatchers verify nothing anyway.
  let insecure: Dispatcher | undefined;
  const insecureDispatcher =
    !replay && options.realNetwork
      ? () => (insecure ??= make(new Agent({ connections: 8, connect: { rejectUnauthorized: false, ...(resolve ? { lookup: lookupFrom(resolve) } : {}) } })))
      : () => dispatcher;
  const guarded: Partial<Record<'verified' | 'insecure', Dispatcher>> = {};
  const guardedDispatcher =
    resolve && options.realNetwork
      ? (insecureTls: boolean) =>
          insecureTls
            ? (guarded.insecure ??= make(createGuardedAgent(resolve, { rejectUnauthorized: false })))
            : (guarded.verified ??= make(createGuardedAgent(resolve)))
      : undefined;
  const direct = createHttpClient({ dispatcher, userAgent: USER_AGENT, insecureDispatcher, ...(guardedDispatcher ? { guardedDispatcher } : {}) });
  // On the real network, a host is resolved before its request's time starts (robots.txt's too).
  const base = resolve && options.realNetwork ? resolvingFirst(direct, resolve) : direct;
  const retry = { ...DEFAULT_SOURCE_RETRY, maxRetryAfterMs: options.maxRetryAfterMs };
  const retrying = { retry, clock: options.clock, ...(options.onWait ? { onWait: options.onWait } : {}) };
  const robots = new RobotsPolicy({ http: createRetryingHttpClient(base, retrying) });
  const hostGate = new HostGate({
    clock: options.clock,
    concurrency: 1,
    delayMs: replay ? 0 : options.hostDelayMs,
    ...(options.onWait ? { onWait: options.onWait } : {}),
  });
  return {
    http: createRetryingHttpClient(createPoliteHttpClient(base, { robots, hostGate, ...(resolve ? { resolve } : {}) }), retrying),
    // Chromium always goes out on the real network, whatever the fetches go through.
    gate: createBrowserGate({ robots, hostGate, resolve: resolve ?? cachingResolve(systemResolve, now) }),
    noSiteReached: () => robots.noSiteReached(),
    async close() {
      await replay?.close();
      for (const agent of made) await agent.destroy();
    },
  };
}
