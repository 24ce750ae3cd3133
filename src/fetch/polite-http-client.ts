import { SelScraperError } from '../errors.ts';
import type { HostGate } from './host-gate.ts';
import type { FetchRequest, HttpClient } from './http-client.ts';
import type { RobotsPolicy } from './robots.ts';

export interface PoliteHttpClientOptions {
  robots: RobotsPolicy;
  hostGate: HostGate;
}

/**
 * Source fetches as a polite crawler makes them: refused when the site's robots.txt disallows
 * the URL for us, and otherwise queued per host (concurrency and spacing, raised to the site's
 * Crawl-delay). Page readers see an ordinary HttpClient; the browser's pages are admitted the same way.
 */
export function createPoliteHttpClient(inner: HttpClient, options: PoliteHttpClientOptions): HttpClient {
  return {
    // The browser holds no slot while it renders: its start is spaced, as a fetch's is.
    async admit(url, signal) {
      await checkRobots(options, url, signal, false);
      await options.hostGate.run(url, () => Promise.resolve(), signal);
    },
    async fetchDocument(req: FetchRequest) {
      await checkRobots(options, req.url, req.signal, req.insecureTls ?? false);
      return options.hostGate.run(req.url, () => inner.fetchDocument(req), req.signal);
    },
  };
}

/** Refuses what robots.txt disallows; a Crawl-delay it sets spaces the host's later turns. */
async function checkRobots(options: PoliteHttpClientOptions, url: string, signal: AbortSignal | undefined, insecureTls: boolean): Promise<void> {
  const verdict = await options.robots.check(url, signal, insecureTls);
  if (!verdict.allowed) {
    throw new SelScraperError('ERR_ROBOTS_DISALLOWED', `skipped by robots.txt: ${verdict.reason}`, {
      hint: 'the site asks crawlers like sel-scraper not to read this page; ask the site for a feed or permission, or disable the source',
    });
  }
  if (verdict.crawlDelayMs !== undefined) options.hostGate.setDelay(new URL(url).host, verdict.crawlDelayMs);
}
