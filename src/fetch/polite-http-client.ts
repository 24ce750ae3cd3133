import { SelScraperError } from '../errors.ts';
import type { HostGate } from './host-gate.ts';
import type { FetchRequest, HttpClient } from './http-client.ts';
import type { RobotsPolicy } from './robots.ts';

export interface PoliteHttpClientOptions {
  robots: RobotsPolicy;
  hostGate: HostGate;
}

/**
 * Lets a request the runner does not make itself (a navigation of the browser) go out as a
 * polite one would: refused (ERR_ROBOTS_DISALLOWED) when robots.txt disallows it, otherwise
 * resolved when the host's turn comes, so its start is spaced like any other request's.
 */
export type Admit = (url: string, signal?: AbortSignal) => Promise<void>;

/**
 * Source fetches as a polite crawler makes them: refused when the site's robots.txt disallows
 * the URL for us, and otherwise queued per host (concurrency and spacing, raised to the site's
 * Crawl-delay). Page readers see an ordinary HttpClient.
 */
export function createPoliteHttpClient(inner: HttpClient, options: PoliteHttpClientOptions): HttpClient {
  return {
    async fetchDocument(req: FetchRequest) {
      await assertAllowed(options, req.url, req.signal, req.insecureTls ?? false);
      return options.hostGate.run(req.url, () => inner.fetchDocument(req), req.signal);
    },
  };
}

/** The same verdict and turn as the polite client's, for requests another client makes. */
export function createAdmit(options: PoliteHttpClientOptions): Admit {
  return async (url, signal) => {
    await assertAllowed(options, url, signal, false);
    await options.hostGate.run(url, () => Promise.resolve(), signal);
  };
}

async function assertAllowed(options: PoliteHttpClientOptions, url: string, signal: AbortSignal | undefined, insecureTls: boolean): Promise<void> {
  const verdict = await options.robots.check(url, signal, insecureTls);
  if (!verdict.allowed) {
    throw new SelScraperError('ERR_ROBOTS_DISALLOWED', `skipped by robots.txt: ${verdict.reason}`, {
      hint: 'the site asks crawlers like sel-scraper not to read this page; ask the site for a feed or permission, or disable the source',
    });
  }
  if (verdict.crawlDelayMs !== undefined) options.hostGate.setDelay(new URL(url).host, verdict.crawlDelayMs);
}
