import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Clock } from '../clock.ts';
import type { Env } from '../config/run-config.ts';
import { createHeadlessBrowser, type HeadlessBrowser } from './browser.ts';
import type { FetchLike } from './fetch-like.ts';
import { cachingResolve, lookupFrom, systemResolve } from './host-resolution.ts';
import type { HttpClient } from './http-client.ts';
import type { BrowserGate } from './polite-http-client.ts';
import { createSourceFetching, type SourceFetchingOptions } from './source-fetching.ts';

export type { Dispatcher } from 'undici';

export interface NetworkOptions {
  /** Replaces the network for sources and the SEL server alike (tests: a MockAgent); its owner closes it. */
  dispatcher?: Dispatcher | undefined;
  /** Connections per origin of the agent made when none is injected. */
  connections?: number;
}

export interface SourceNetworkOptions {
  /** Answer every fetch from recordings in this folder instead of the network. */
  fixturesDir?: string | null | undefined;
  clock: Clock;
  maxRetryAfterMs: number;
  hostDelayMs: number;
  /** --record: composed onto every dispatcher sources fetch through. */
  record?: SourceFetchingOptions['record'];
  /** Told of every wait a fetch makes (progress). */
  onWait?: SourceFetchingOptions['onWait'];
}

/**
 * Everything a command reaches the outside world with, made in one place and closed with one
 * `close()`: source fetching (retried, polite, or replayed from fixtures), the SEL server's
 * fetch, and the run's browser, all over one undici dispatcher.
 */
export interface Network {
  /** fetch for the SEL server (the SEL client, the admin key store). */
  readonly selFetch: FetchLike;
  /**
   * Source fetches as every command gets them (fetch/source-fetching.ts), and `gate`: the same
   * robots.txt verdict and per-host turn for the requests the browser makes.
   */
  sources(options: SourceNetworkOptions): Promise<{ http: HttpClient; gate: BrowserGate; noSiteReached: () => boolean }>;
  /**
   * The run's Chromium, or undefined when the machine has none. A browser can neither replay
   * fixtures nor go through an injected dispatcher, so those runs read tier 2 pages as fetched.
   */
  browser(env: Env, options: { fixtures: boolean; gate: BrowserGate; pages: number }): HeadlessBrowser | undefined;
  /** Closes what this network made, the browser first and the agent last; never an injected dispatcher. */
  close(): Promise<void>;
}

export function createNetwork(options: NetworkOptions = {}): Network {
  const injected = options.dispatcher;
  // One DNS cache for the command: a source's host is resolved before its request's time starts,
  // and the connection then opens to those addresses instead of looking them up again.
  const resolve = injected ? undefined : cachingResolve(systemResolve);
  // Made on first use, so a command that never goes online (a key check against the database) makes none.
  let agent: Agent | undefined;
  const dispatcher = (): Dispatcher =>
    injected ??
    (agent ??= new Agent({
      ...(options.connections === undefined ? {} : { connections: options.connections }),
      ...(resolve ? { connect: { lookup: lookupFrom(resolve) } } : {}),
    }));
  const closers: (() => Promise<void>)[] = [];
  return {
    selFetch: (url, init) => undiciFetch(url, { ...init, dispatcher: dispatcher() }),
    async sources(sourceOptions) {
      const fetching = await createSourceFetching({ network: dispatcher(), ...sourceOptions, realNetwork: !injected, ...(resolve ? { resolve } : {}) });
      closers.push(() => fetching.close());
      return { http: fetching.http, gate: fetching.gate, noSiteReached: () => fetching.noSiteReached() };
    },
    browser(env, { fixtures, gate, pages }) {
      if (fixtures || injected) return undefined;
      const browser = createHeadlessBrowser(env, { gate, pages });
      if (browser) closers.push(() => browser.close());
      return browser;
    },
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
      const made = agent;
      agent = undefined;
      // destroy, not close: a robots.txt fetch still going is for no one now, and close would wait for it.
      await made?.destroy();
    },
  };
}
