import type { Response } from 'playwright-core';
import type { HeadlessBrowser } from '../fetch/browser.ts';
import { BrowserGuard } from '../fetch/browser-guard.ts';
import { SelScraperError } from '../errors.ts';
import { USER_AGENT } from '../version.ts';
import { describeJsonBody, type JsonRequest } from './json-shape.ts';
import { UrlPolicy } from '../fetch/address-policy.ts';
import { PageDeadline } from '../read/browser-deadline.ts';

export interface RenderOptions {
  signal?: AbortSignal;
  /** Loading the page, at most. */
  loadMs?: number;
  /** Waiting for the page's requests to settle after it loaded (soft). */
  idleMs?: number;
}

export interface RenderedPage {
  /** Where the page ended up. */
  url: string;
  /** The DOM the page's scripts built. */
  html: string;
  /** JSON responses the page received while rendering, in order. */
  requests: JsonRequest[];
}

/** Reading the rendered page and its JSON responses once it has settled, at most. */
const READ_MS = 10_000;

/** Responses read per page at most: the page's own API calls, not every tracker it loads. */
const MAX_REQUESTS = 40;
const MAX_JSON_BYTES = 5 * 1024 * 1024;

/**
 * Renders a page in the run's Chromium, through the same guard as a tier 2 source (robots.txt,
 * the host's turn, no private addresses but the page's own host), and notes every JSON response
 * it gets: where a script-built listing gets its events, so a config can intercept them
 * (tier 2) or call the API directly (tier 3).
 */
export async function renderForInspection(browser: HeadlessBrowser, url: string, options: RenderOptions = {}): Promise<RenderedPage> {
  const context = await browser.openContext({ userAgent: USER_AGENT, serviceWorkers: 'block' }, options.signal);
  const loadMs = options.loadMs ?? 30_000;
  const idleMs = options.idleMs ?? 10_000;
  // The whole render has a hard end, as a tier 2 page has: a page that never finishes loading,
  // or whose content never comes, closes its context instead of holding the command.
  const deadline = new PageDeadline(loadMs + idleMs + READ_MS, `rendering ${url}`, () => void context.close().catch(() => undefined), options.signal);
  try {
    const guard = new BrowserGuard({ policy: new UrlPolicy([url]), gate: browser.gate, signal: options.signal });
    await deadline.run(guard.install(context));
    const page = await deadline.run(context.newPage());
    const pending: Promise<JsonRequest | undefined>[] = [];
    page.on('response', (response: Response) => {
      if (pending.length < MAX_REQUESTS) pending.push(describeResponse(response));
    });
    try {
      await deadline.run(page.goto(url, { waitUntil: 'load', timeout: loadMs }));
    } catch (error) {
      const refusal = guard.takeRefusal();
      if (refusal) throw new SelScraperError(refusal.code, refusal.reason);
      throw error;
    }
    // Playwright routes only a redirect chain's first request: where it landed is vetted here.
    const landed = await deadline.run(guard.vetLanding(page.url()));
    if (landed) throw new SelScraperError(landed.code, landed.reason);
    await deadline.soft(page.waitForLoadState('networkidle', { timeout: idleMs }));
    const html = await deadline.run(page.content());
    const requests = (await deadline.run(Promise.all(pending))).filter((request): request is JsonRequest => request !== undefined);
    return { url: page.url(), html, requests };
  } finally {
    deadline.dispose();
    await context.close().catch(() => undefined);
  }
}

async function describeResponse(response: Response): Promise<JsonRequest | undefined> {
  const request = response.request();
  const type = (await response.headerValue('content-type').catch(() => null)) ?? '';
  if (!/json/i.test(type) && !['xhr', 'fetch'].includes(request.resourceType())) return undefined;
  if (response.status() < 200 || response.status() >= 300)
    return { method: request.method(), url: response.url(), status: response.status(), resultsPath: null, items: 0, keys: [], looksLikeEvents: false };
  try {
    const body = await response.body();
    if (body.byteLength > MAX_JSON_BYTES) return undefined;
    return { method: request.method(), url: response.url(), status: response.status(), ...describeJsonBody(JSON.parse(body.toString('utf8')) as unknown) };
  } catch {
    // Not JSON after all (an HTML fragment fetched by a script), or gone with the page.
    return undefined;
  }
}
