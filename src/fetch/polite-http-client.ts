import { SelScraperError, SiteUnreachableError } from '../errors.ts';
import type { HostGate } from './host-gate.ts';
import type { FetchRequest, HttpClient } from './http-client.ts';
import type { RobotsPolicy } from './robots.ts';

export interface PoliteHttpClientOptions {
  robots: RobotsPolicy;
  hostGate: HostGate;
}

const ROBOTS_HINTS = {
  rules: 'the site asks crawlers like sel-scraper not to read this page; ask the site for a feed or permission, or disable the source',
  unreadable: 'robots.txt could not be read, so RFC 9309 counts every page of the site as disallowed; a server error, rate limit or timeout usually passes: run again later',
} as const;

/**
 * Source fetches as a polite crawler makes them: refused when the site's robots.txt disallows
 * the URL for us, and otherwise queued per host (concurrency and spacing, raised to the site's
 * Crawl-delay). Page readers see an ordinary HttpClient.
 */
export function createPoliteHttpClient(inner: HttpClient, options: PoliteHttpClientOptions): HttpClient {
  return {
    async fetchDocument(req: FetchRequest) {
      const verdict = await options.robots.check(req.url, req.signal, req.insecureTls ?? false);
      if (!verdict.allowed) {
        if (verdict.cause === 'unreachable') throw new SiteUnreachableError(verdict.reason);
        throw new SelScraperError('ERR_ROBOTS_DISALLOWED', `skipped by robots.txt: ${verdict.reason}`, { hint: ROBOTS_HINTS[verdict.cause] });
      }
      if (verdict.crawlDelayMs !== undefined) options.hostGate.setDelay(new URL(req.url).host, verdict.crawlDelayMs);
      return options.hostGate.run(req.url, () => inner.fetchDocument(req), req.signal);
    },
  };
}
