import path from 'node:path';
import { IANAZone } from 'luxon';
import { defaultTimezone, loadEnvironment, type Env } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { renderingHint, type HeadlessBrowser } from '../fetch/browser.ts';
import type { FetchedDocument, HttpClient } from '../fetch/http-client.ts';
import { createNetwork } from '../fetch/network.ts';
import { requestFor } from '../read/page.ts';
import { applyDefaults } from '../sources/validate.ts';
import type { CliDeps } from './io.ts';

/** What `scrape inspect` and `sources new` share: one page fetched as a source would fetch it. */
export interface AuthoringSession {
  env: Env;
  zone: string;
  /** Source fetches (robots.txt, host delay, retries), answering the page itself from memory once read. */
  http: HttpClient;
  page: FetchedDocument;
  /** Chromium, when asked for and found. */
  browser: HeadlessBrowser | undefined;
}

export interface SessionFlags {
  fixtures?: string;
  timezone?: string;
  /** Start Chromium (scrape inspect --render). */
  render?: boolean;
}

/** An http(s) URL, or a usage error. */
export function pageUrlArgument(url: string): string {
  try {
    const parsed = new URL(url);
    if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname) return parsed.href;
  } catch {
    // Reported below.
  }
  throw new SelScraperError('ERR_USAGE', `not an http(s) URL: "${url}"`, { hint: 'give the address of the events listing, e.g. https://example.org/events' });
}

/**
 * Fetches `url` (the page's host may be a private address: the user named it) and runs `work`
 * with it; everything opened is closed after.
 */
export async function withAuthoringSession<T>(url: string, flags: SessionFlags, deps: CliDeps, work: (session: AuthoringSession) => Promise<T>): Promise<T> {
  const env = loadEnvironment(deps.env, deps.cwd);
  const zone = flags.timezone ?? defaultTimezone(env);
  if (!IANAZone.isValidZone(zone)) throw new SelScraperError('ERR_USAGE', `not an IANA time zone: "${zone}"`, { hint: 'for example America/Toronto' });
  const source = applyDefaults({ name: new URL(url).hostname, url, tier: 0, license: 'CC0-1.0' }, '(command line)', zone);
  const network = createNetwork({ dispatcher: deps.dispatcher });
  try {
    const { http, gate } = await network.sources({
      fixturesDir: flags.fixtures ? path.resolve(deps.cwd, flags.fixtures) : undefined,
      clock: deps.clock,
      maxRetryAfterMs: 120_000,
      hostDelayMs: 1_000,
    });
    let browser: HeadlessBrowser | undefined;
    if (flags.render) {
      if (flags.fixtures || deps.dispatcher)
        throw new SelScraperError('ERR_USAGE', '--render opens the live page in Chromium; it cannot be combined with --fixtures');
      browser = network.browser(env, { fixtures: false, gate, pages: 1 });
      if (!browser) throw new SelScraperError('ERR_USAGE', '--render needs Chromium, and none was found', { hint: renderingHint(env) });
    }
    const page = await http.fetchDocument(requestFor(source, url, deps.signal));
    return await work({ env, zone, http: rememberingPage(http, url, page), page, browser });
  } finally {
    await network.close();
  }
}

/** The page already read answers again from memory: checking drafts does not fetch it once per draft. */
function rememberingPage(http: HttpClient, url: string, page: FetchedDocument): HttpClient {
  return {
    fetchDocument: (req) => ((req.method ?? 'GET') === 'GET' && (req.url === url || req.url === page.url) ? Promise.resolve(page) : http.fetchDocument(req)),
  };
}
