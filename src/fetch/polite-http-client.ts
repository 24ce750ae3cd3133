import { SelScraperError, SiteUnreachableError } from '../errors.ts';
import { assertAddressAllowed } from './address-guard.ts';
import type { ResolveHost } from './host-resolution.ts';
import type { HostGate } from './host-gate.ts';
import type { FetchRequest, HttpClient } from './http-client.ts';
import type { UrlPolicy } from './address-policy.ts';
import { followRedirects } from './redirects.ts';
import type { RobotsPolicy } from './robots.ts';

export interface PoliteHttpClientOptions {
  robots: RobotsPolicy;
  hostGate: HostGate;
  /**
   * Resolves hosts a source's config does not name, to refuse private addresses before anything
   * is sent to them (robots.txt included). Without it only address literals are checked here.
   */
  resolve?: ResolveHost;
}

const ROBOTS_HINTS = {
  rules: 'the site asks crawlers like sel-scraper not to read this page; ask the site for a feed or permission, or disable the source',
  unreadable:
    'robots.txt could not be read, so RFC 9309 counts every page of the site as disallowed; a server error, rate limit or timeout usually passes: run again later',
} as const;

/**
 * Lets a request the runner does not make itself (a navigation of the browser) go out as a
 * polite one would: refused (ERR_ROBOTS_DISALLOWED) when robots.txt disallows it, otherwise
 * resolved when the host's turn comes, so its start is spaced like any other request's.
 */
export type Admit = (url: string, signal?: AbortSignal) => Promise<void>;

/** What the browser asks of the run before it loads anything. */
export interface BrowserGate {
  /**
   * Refuses (ERR_FETCH_FORBIDDEN_ADDRESS) a URL whose host the policy does not name when it is,
   * or resolves to, a private or special address: asked before every request the browser makes.
   */
  vet(url: string, policy: UrlPolicy): Promise<void>;
  /**
   * robots.txt's verdict alone (read once per host), asked before Chromium starts for a source:
   * a site that cannot be reached, or a page robots.txt disallows, costs no browser.
   */
  check: Admit;
  /** The verdict, then the host's turn: asked before every navigation. */
  admit: Admit;
}

/**
 * Source fetches as a polite crawler makes them, every redirect hop included: refused when the
 * hop leads into a private network the config does not name, or when the site's robots.txt
 * disallows the URL for us, and otherwise queued per host (concurrency and spacing, raised to the
 * site's Crawl-delay). Page readers see an ordinary HttpClient.
 */
export function createPoliteHttpClient(inner: HttpClient, options: PoliteHttpClientOptions): HttpClient {
  return {
    fetchDocument: (req: FetchRequest) =>
      followRedirects(req, async (hop) => {
        await assertAddressAllowed(hop.url, hop.policy, options.resolve);
        await assertAllowed(options, hop.url, hop.signal, hop.insecureTls ?? false, hop.policy);
        return options.hostGate.run(hop.url, () => inner.fetchDocument({ ...hop, redirect: 'manual' }), hop.signal);
      }),
  };
}

/** The same verdict and turn as the polite client's, for requests another client makes. */
/**
 * The browser's gate. Chromium always goes out on the real network and resolves names itself,
 * so its requests are vetted with `resolve` (a real resolver) even where the run's own fetches
 * go through an injected dispatcher.
 */
export function createBrowserGate(options: Omit<PoliteHttpClientOptions, 'resolve'> & { resolve: ResolveHost }): BrowserGate {
  return {
    vet: (url, policy) => assertAddressAllowed(url, policy, options.resolve),
    check: (url, signal) => assertAllowed(options, url, signal, false),
    async admit(url, signal) {
      await assertAllowed(options, url, signal, false);
      await options.hostGate.run(url, () => Promise.resolve(), signal);
    },
  };
}

async function assertAllowed(
  options: PoliteHttpClientOptions,
  url: string,
  signal: AbortSignal | undefined,
  insecureTls: boolean,
  policy?: FetchRequest['policy'],
): Promise<void> {
  const verdict = await options.robots.check(url, signal, insecureTls, policy);
  if (!verdict.allowed) {
    if (verdict.cause === 'unreachable') throw new SiteUnreachableError(verdict.reason);
    throw new SelScraperError('ERR_ROBOTS_DISALLOWED', `skipped by robots.txt: ${verdict.reason}`, { hint: ROBOTS_HINTS[verdict.cause] });
  }
  if (verdict.crawlDelayMs !== undefined) options.hostGate.setDelay(new URL(url).host, verdict.crawlDelayMs);
}
