import type { Clock } from '../clock.ts';
import type { Env } from '../config/run-config.ts';
import type { RawEvent } from '../extract/raw-event.ts';
import { UrlPolicy } from '../fetch/address-policy.ts';
import type { HeadlessBrowser } from '../fetch/browser.ts';
import type { FetchRequest, HttpClient } from '../fetch/http-client.ts';
import { parseHttpUrl } from '../http-url.ts';
import type { SourceConfig } from '../sources/types.ts';
import { namedUrls } from '../sources/url-credentials.ts';

/** What reading one page (or feed, or API page) of a source gave. */
/** `ended`: a feed with no event to come, and how many it listed that have ended. */
export type PageOutcome =
  { ok: true; url: string; events: RawEvent[]; warnings: string[]; unchanged?: number; ended?: number } | { ok: false; url: string; error: string };

export interface PageReaderDeps {
  http: HttpClient;
  /** For delays between pages and for "now" (recurrence windows, year inference). */
  clock: Clock;
  /** The command's environment (process over .env), for secrets such as SEL_GRAPHQL_TOKEN_<NAME>. */
  env?: Env;
  signal?: AbortSignal;
  /** The run's Chromium for tier 2; without it tier 2 reads the server-rendered HTML. */
  browser?: HeadlessBrowser;
  /** When the source was last read completely (epoch ms): sitemap pages not modified since are not read again. */
  unchangedSince?: number;
}

const DEFAULT_TIMEOUT_S = 30;
const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

const policies = new WeakMap<SourceConfig, UrlPolicy>();

/** What a source's config names, for credentials and private addresses; the browser's routing asks it too. */
export function urlPolicyOf(source: SourceConfig): UrlPolicy {
  let policy = policies.get(source);
  if (!policy) {
    policy = new UrlPolicy(namedUrls(source));
    policies.set(source, policy);
  }
  return policy;
}

/**
 * A request of the source: its timeout and body cap, its headers (with Basic auth where its URL
 * carried user information), and its policy, so that every header it configures stays on the
 * origins it names and only the hosts it names may be private addresses.
 */
export function requestFor(source: SourceConfig, url: string, signal?: AbortSignal): FetchRequest {
  const basic = originAuthFor(source, url);
  const headers = basic ? { authorization: basic, ...source.headers } : source.headers;
  return {
    url,
    timeoutMs: (source.request_timeout_seconds || DEFAULT_TIMEOUT_S) * 1000,
    maxBodyBytes: source.max_body_bytes || DEFAULT_MAX_BODY,
    ...(headers ? { headers } : {}),
    ...(signal ? { signal } : {}),
    policy: urlPolicyOf(source),
    credentialHeaders: configuredHeaderNames(source),
  };
}

function originAuthFor(source: SourceConfig, url: string): string | undefined {
  if (!source.originAuth) return undefined;
  try {
    return source.originAuth[new URL(url).origin];
  } catch {
    return undefined;
  }
}

/** Every header a config sets counts as a credential for where it may go: configs put API keys under any name. */
function configuredHeaderNames(source: SourceConfig): string[] {
  return [...Object.keys(source.headers ?? {}), ...Object.keys(source.rest?.headers ?? {}), ...Object.keys(source.headless?.headers ?? {})];
}

/** The pages a source starts from: `urls` when given (SEL: it wins over `url`), else `url`. */
export function startUrls(source: SourceConfig): string[] {
  if (source.urls?.length) return source.urls;
  return source.url ? [source.url] : [];
}

const REL_NEXT = /\brel\s*=\s*["']?next\b/gi;
const LINK_TAG = /<(?:link|a)\b/i;

/**
 * The page's declared next page (the first <link> or <a> with rel="next"), resolved; SEL's
 * listing pages use it. Only where the page says `rel=next` is looked at, not every tag of it.
 */
export function relNextLink(html: string, pageUrl: string): string | undefined {
  const tag = relNextTag(html);
  const href = tag ? /\bhref\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1] : undefined;
  if (!href) return undefined;
  return parseHttpUrl(href.replace(/&amp;/g, '&'), pageUrl)?.href;
}

/** The whole tag around the first `rel=next` that sits in a <link> or <a> tag (one holding no `>` before it). */
function relNextTag(html: string): string | undefined {
  for (const match of html.matchAll(REL_NEXT)) {
    const end = html.indexOf('>', match.index);
    if (end < 0) return undefined;
    const opened = html.lastIndexOf('>', match.index) + 1;
    const start = LINK_TAG.exec(html.slice(opened, match.index))?.index;
    if (start !== undefined) return html.slice(opened + start, end + 1);
  }
  return undefined;
}
