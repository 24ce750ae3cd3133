import type { Clock } from '../clock.ts';
import type { Env } from '../config/run-config.ts';
import type { RawEvent } from '../extract/raw-event.ts';
import type { HeadlessBrowser } from '../fetch/browser.ts';
import type { FetchRequest, HttpClient } from '../fetch/http-client.ts';
import { parseHttpUrl } from '../http-url.ts';
import type { SourceConfig } from '../sources/types.ts';

/** What reading one page (or feed, or API page) of a source gave. */
export type PageOutcome =
  | { ok: true; url: string; events: RawEvent[]; warnings: string[] }
  | { ok: false; url: string; error: string };

export interface PageReaderDeps {
  http: HttpClient;
  /** For delays between pages and for "now" (recurrence windows, year inference). */
  clock: Clock;
  /** The command's environment (process over .env), for secrets such as SEL_GRAPHQL_TOKEN_<NAME>. */
  env?: Env;
  signal?: AbortSignal;
  /** The run's Chromium for tier 2; without it tier 2 reads the server-rendered HTML. */
  browser?: HeadlessBrowser;
}

const DEFAULT_TIMEOUT_S = 30;
const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

export function requestFor(source: SourceConfig, url: string, signal?: AbortSignal): FetchRequest {
  return {
    url,
    timeoutMs: (source.request_timeout_seconds || DEFAULT_TIMEOUT_S) * 1000,
    maxBodyBytes: source.max_body_bytes || DEFAULT_MAX_BODY,
    ...(source.headers ? { headers: source.headers } : {}),
    ...(signal ? { signal } : {}),
  };
}

/** The pages a source starts from: `urls` when given (SEL: it wins over `url`), else `url`. */
export function startUrls(source: SourceConfig): string[] {
  if (source.urls?.length) return source.urls;
  return source.url ? [source.url] : [];
}

const REL_NEXT = /<(?:link|a)\b[^>]*\brel\s*=\s*["']?next\b[^>]*>/i;

/** The page's declared next page (<link rel="next">), resolved; SEL's listing pages use it. */
export function relNextLink(html: string, pageUrl: string): string | undefined {
  const tag = REL_NEXT.exec(html)?.[0];
  const href = tag ? /\bhref\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1] : undefined;
  if (!href) return undefined;
  return parseHttpUrl(href.replace(/&amp;/g, '&'), pageUrl)?.href;
}
