import { SelScraperError } from '../errors.ts';
import { assertAddressAllowed, type ResolveHost } from './address-guard.ts';
import type { UrlPolicy } from './address-policy.ts';
import type { HostGate } from './host-gate.ts';
import type { FetchRequest, HttpClient } from './http-client.ts';
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

/**
 * Source fetches as a polite crawler makes them, every redirect hop included: refused when the
 * hop leads into a private network the config does not name, or when the site's robots.txt
 * disallows the URL for us, and otherwise queued per host (concurrency and spacing, raised to the
 * site's Crawl-delay). Page readers see an ordinary HttpClient; the browser's pages are admitted the same way.
 */
export function createPoliteHttpClient(inner: HttpClient, options: PoliteHttpClientOptions): HttpClient {
  return {
    // The browser holds no slot while it renders: its start is spaced, as a fetch's is.
    async admit(url, signal, policy) {
      await admitted(options, { url, signal, policy });
      await options.hostGate.run(url, () => Promise.resolve(), signal);
    },
    fetchDocument: (req: FetchRequest) =>
      followRedirects(req, async (hop) => {
        await admitted(options, hop);
        return options.hostGate.run(hop.url, () => inner.fetchDocument({ ...hop, redirect: 'manual' }), hop.signal);
      }),
  };
}

/** Refuses a private address the config does not name and what robots.txt disallows; a Crawl-delay spaces the host's later turns. */
async function admitted(options: PoliteHttpClientOptions, hop: { url: string; signal?: AbortSignal | undefined; insecureTls?: boolean | undefined; policy?: UrlPolicy | undefined }): Promise<void> {
  await assertAddressAllowed(hop.url, hop.policy, options.resolve);
  const verdict = await options.robots.check(hop.url, hop.signal, hop.insecureTls ?? false, hop.policy);
  if (!verdict.allowed) {
    throw new SelScraperError('ERR_ROBOTS_DISALLOWED', `skipped by robots.txt: ${verdict.reason}`, {
      hint: 'the site asks crawlers like sel-scraper not to read this page; ask the site for a feed or permission, or disable the source',
    });
  }
  if (verdict.crawlDelayMs !== undefined) options.hostGate.setDelay(new URL(hop.url).host, verdict.crawlDelayMs);
}
