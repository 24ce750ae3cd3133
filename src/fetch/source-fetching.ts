import { Agent, type Dispatcher } from 'undici';
import type { Clock, OnWait } from '../clock.ts';
import { USER_AGENT } from '../version.ts';
import { createGuardedAgent, systemResolve, type ResolveHost } from './address-guard.ts';
import { createFixtureDispatcher } from './fixtures.ts';
import { HostGate } from './host-gate.ts';
import { createHttpClient, type HttpClient } from './http-client.ts';
import { createPoliteHttpClient } from './polite-http-client.ts';
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
  /** Told of every wait a fetch makes: for a host's turn, before a retry. */
  onWait?: OnWait;
}

export interface SourceFetching {
  http: HttpClient;
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
  const dispatcher = replay ?? options.network;
  // Only insecure_skip_verify sources create it; replayed and injected dispatchers verify nothing anyway.
  let insecure: Agent | undefined;
  const insecureDispatcher = !replay && options.realNetwork ? () => (insecure ??= new Agent({ connections: 8, connect: { rejectUnauthorized: false } })) : () => dispatcher;
  const resolve = replay ? undefined : (options.resolve ?? (options.realNetwork ? systemResolve : undefined));
  const guarded: Partial<Record<'verified' | 'insecure', Dispatcher>> = {};
  const guardedDispatcher =
    resolve && !replay && options.realNetwork
      ? (insecureTls: boolean) => (insecureTls ? (guarded.insecure ??= createGuardedAgent(resolve, { rejectUnauthorized: false })) : (guarded.verified ??= createGuardedAgent(resolve)))
      : undefined;
  const base = createHttpClient({ dispatcher, userAgent: USER_AGENT, insecureDispatcher, ...(guardedDispatcher ? { guardedDispatcher } : {}) });
  const retry = { ...DEFAULT_SOURCE_RETRY, maxRetryAfterMs: options.maxRetryAfterMs };
  const retrying = { retry, clock: options.clock, ...(options.onWait ? { onWait: options.onWait } : {}) };
  const robots = new RobotsPolicy({ http: createRetryingHttpClient(base, retrying) });
  const hostGate = new HostGate({ clock: options.clock, concurrency: 1, delayMs: replay ? 0 : options.hostDelayMs, ...(options.onWait ? { onWait: options.onWait } : {}) });
  return {
    http: createRetryingHttpClient(createPoliteHttpClient(base, { robots, hostGate, ...(resolve ? { resolve } : {}) }), retrying),
    async close() {
      await replay?.close();
      await insecure?.close();
      await guarded.verified?.close();
      await guarded.insecure?.close();
    },
  };
}
