import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { BrowserContext, Route, WebSocketRoute } from 'playwright-core';
import { describeError, SelScraperError, type ErrorCode } from '../errors.ts';
import { isHttpUrl } from '../http-url.ts';
import { isForbiddenAddress } from './address-policy.ts';
import type { Admit } from './polite-http-client.ts';

/** A request of the browser that was not let out, and why. */
export interface Refusal {
  url: string;
  code: ErrorCode;
  reason: string;
}

export interface BrowserGuardOptions {
  /** Hosts the source's config names (url, urls, sitemap.url): they may be on a private network. */
  namedHosts: readonly string[];
  admit: Admit;
  signal?: AbortSignal | undefined;
  /** Resolves host names; tests may pin it. */
  resolve?: (hostname: string) => Promise<string[]>;
}

/**
 * What one source's browser context may request. Every request: http(s) only, and a host the
 * config does not name must not resolve to a loopback, private, link-local or metadata address,
 * so a page cannot steer the runner into the network it runs in. Every navigation (a page or a
 * frame loading a document) also gets robots.txt's verdict and the host's turn, before it leaves.
 */
export class BrowserGuard {
  private readonly named: Set<string>;
  private readonly hosts = new Map<string, Promise<string | undefined>>();
  private readonly resolve: (hostname: string) => Promise<string[]>;
  private readonly watchers = new Set<(refusal: Refusal) => void>();
  private lastRefusal: Refusal | undefined;
  private lastAdmitted: string | undefined;

  constructor(private readonly options: BrowserGuardOptions) {
    this.named = new Set(options.namedHosts.map((host) => host.toLowerCase()));
    this.resolve = options.resolve ?? (async (hostname) => (await lookup(hostname, { all: true })).map((entry) => entry.address));
  }

  /** Routes every request and WebSocket of `context` through the guard. */
  async install(context: BrowserContext): Promise<void> {
    await context.route('**/*', (route) => this.handle(route));
    await context.routeWebSocket(
      () => true,
      (socket) => this.handleSocket(socket),
    );
  }

  /** The last main-frame navigation refused, and forgets it. */
  takeRefusal(): Refusal | undefined {
    const refusal = this.lastRefusal;
    this.lastRefusal = undefined;
    return refusal;
  }

  /**
   * Checks where a main-frame navigation landed. Playwright routes only the first request of a
   * redirect chain, so a redirect to a disallowed page or a private address is caught here,
   * after the fact: the page is then not read.
   */
  async vetLanding(landed: string): Promise<Refusal | undefined> {
    const url = landed.split('#')[0] ?? landed;
    if (url === this.lastAdmitted) return undefined;
    const refusal = await this.check(url, true);
    if (!refusal) this.lastAdmitted = url;
    return refusal;
  }

  /** Resolves with the next main-frame navigation refused; `stop` ends the watch. */
  watchRefusals(): { next: Promise<Refusal>; stop: () => void } {
    let watcher!: (refusal: Refusal) => void;
    const next = new Promise<Refusal>((resolve) => {
      watcher = resolve;
    });
    this.watchers.add(watcher);
    return { next, stop: () => this.watchers.delete(watcher) };
  }

  private async handle(route: Route): Promise<void> {
    const request = route.request();
    const url = request.url();
    try {
      const navigation = request.isNavigationRequest();
      const mainFrame = navigation && request.frame().parentFrame() === null;
      const refusal = await this.check(url, navigation);
      if (!refusal) {
        if (mainFrame) this.lastAdmitted = url;
        await route.continue();
        return;
      }
      if (mainFrame) this.refused(refusal);
      await route.abort('blockedbyclient');
    } catch {
      // The context closed while the request waited (deadline, stop): nothing is left to answer.
    }
  }

  private async handleSocket(socket: WebSocketRoute): Promise<void> {
    const refusal = await this.check(socket.url().replace(/^ws/i, 'http'), false);
    if (refusal) await socket.close({ code: 1008, reason: 'refused by sel-scraper' }).catch(() => undefined);
    else socket.connectToServer();
  }

  private async check(url: string, navigation: boolean): Promise<Refusal | undefined> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { url, code: 'ERR_FETCH', reason: `refused to open "${url}": not a URL` };
    }
    if (!isHttpUrl(parsed)) {
      return { url, code: 'ERR_FETCH', reason: `refused to open ${url} in the browser: only http(s) pages are rendered` };
    }
    const hostRefusal = await this.hostRefusal(parsed.hostname);
    if (hostRefusal) return { url, code: 'ERR_FETCH', reason: `refused to open ${url} in the browser: ${hostRefusal}` };
    if (!navigation) return undefined;
    try {
      await this.options.admit(url, this.options.signal);
      return undefined;
    } catch (error) {
      return { url, code: error instanceof SelScraperError ? error.code : 'ERR_FETCH', reason: describeError(error) };
    }
  }

  /** Why `hostname` may not be reached, once per host and source. */
  private hostRefusal(hostname: string): Promise<string | undefined> {
    const host = hostname.toLowerCase();
    if (this.named.has(host)) return Promise.resolve(undefined);
    let pending = this.hosts.get(host);
    if (!pending) {
      pending = this.addressesOf(host).then(
        (addresses) => {
          const forbidden = addresses.find(isForbiddenAddress);
          return forbidden === undefined
            ? undefined
            : `${host} is ${forbidden === host ? '' : `at ${forbidden}, `}a loopback, private or link-local address, and the config does not name that host`;
        },
        // A name that does not resolve fails in the browser as it would anywhere.
        () => undefined,
      );
      this.hosts.set(host, pending);
    }
    return pending;
  }

  private async addressesOf(host: string): Promise<string[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    return isIP(bare) ? [bare] : this.resolve(bare);
  }

  private refused(refusal: Refusal): void {
    this.lastRefusal = refusal;
    for (const watcher of this.watchers) watcher(refusal);
    this.watchers.clear();
  }
}
