import type { BrowserContext, Route, WebSocketRoute } from 'playwright-core';
import { describeError, SelScraperError, type ErrorCode } from '../errors.ts';
import { isHttpUrl } from '../http-url.ts';
import type { UrlPolicy } from './address-policy.ts';
import type { BrowserGate } from './polite-http-client.ts';

/** A request of the browser that was not let out, and why. */
export interface Refusal {
  url: string;
  code: ErrorCode;
  reason: string;
}

export interface BrowserGuardOptions {
  /** What the source's config names: only its hosts may be on a private network. */
  policy: UrlPolicy;
  /** The run's address check, robots.txt verdict and host turn. */
  gate: BrowserGate;
  signal?: AbortSignal | undefined;
}

/**
 * What one source's browser context may request. Every request: http(s) only, and a host the
 * config does not name must not be or resolve to a loopback, private, link-local or metadata
 * address (the same check and error as a fetch's), so a page cannot steer the runner into the
 * network it runs in. Every navigation (a page or a
 * frame loading a document) also gets robots.txt's verdict and the host's turn, before it leaves.
 */
export class BrowserGuard {
  private readonly watchers = new Set<(refusal: Refusal) => void>();
  private lastRefusal: Refusal | undefined;
  private lastAdmitted: string | undefined;

  constructor(private readonly options: BrowserGuardOptions) {}

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
    try {
      await this.options.gate.vet(url, this.options.policy);
      if (navigation) await this.options.gate.admit(url, this.options.signal);
      return undefined;
    } catch (error) {
      return { url, code: error instanceof SelScraperError ? error.code : 'ERR_FETCH', reason: describeError(error) };
    }
  }

  private refused(refusal: Refusal): void {
    this.lastRefusal = refusal;
    for (const watcher of this.watchers) watcher(refusal);
    this.watchers.clear();
  }
}
