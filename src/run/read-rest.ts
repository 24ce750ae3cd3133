import { describeError, SelScraperError } from '../errors.ts';
import { compileApiMapping, extractRestPage } from '../extract/rest.ts';
import type { FetchedDocument, FetchRequest } from '../fetch/http-client.ts';
import type { SourceConfig } from '../sources/types.ts';
import { requestFor, type PageOutcome, type PageReaderDeps } from './source-pages.ts';

/**
 * What SEL sends with `tls_fingerprint: chrome_auto` (utls.go ChromeHeaders), minus the HTML
 * Accept, which would ask a JSON API for a web page. The TLS handshake itself cannot be
 * imitated from Node, so the page also carries a warning saying so.
 */
const BROWSER_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'accept-language': 'en-US,en;q=0.9',
  'sec-fetch-dest': 'document',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-site': 'none',
  'sec-fetch-user': '?1',
  'cache-control': 'no-cache',
};

export const NO_TLS_FINGERPRINT_WARNING =
  'tls_fingerprint: chrome_auto is not available in sel-scraper (Node cannot imitate a browser TLS handshake); browser-like headers were sent instead';

/**
 * Headers for a JSON API request: JSON Accept, browser headers when the source asks for a
 * browser fingerprint, then the source's own headers, which win (as in SEL).
 */
export function apiHeaders(source: SourceConfig, own: Readonly<Record<string, string>> | undefined, extra: Readonly<Record<string, string>>): Record<string, string> {
  return {
    ...lowerCased(source.headers ?? {}),
    accept: 'application/json',
    ...(source.tls_fingerprint ? BROWSER_HEADERS : {}),
    ...lowerCased(extra),
    ...lowerCased(own ?? {}),
  };
}

/** The request for one REST page: the method, body and content type apply to every page. */
export function restRequest(source: SourceConfig, url: string, signal?: AbortSignal): FetchRequest {
  const rest = source.rest;
  if (!rest?.endpoint) throw new SelScraperError('ERR_INTERNAL', `source ${source.name} has no rest.endpoint`);
  const base = requestFor(source, url, signal);
  const post = rest.method === 'POST';
  const request: FetchRequest = {
    ...base,
    method: post ? 'POST' : 'GET',
    timeoutMs: Math.max(base.timeoutMs, rest.timeout_ms ?? 0),
    headers: apiHeaders(source, rest.headers, post ? { 'content-type': rest.content_type || 'application/json' } : {}),
  };
  if (post) request.body = rest.body ?? '';
  return request;
}

/**
 * Tier 3 REST: the endpoint, then each `next_field` page up to max_pages. A failing page ends
 * the source there, but the pages already read are kept (SEL throws them away).
 */
export async function* readRestPages(source: SourceConfig, deps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  const endpoint = source.rest?.endpoint ?? '';
  try {
    compileApiMapping('rest', source.rest?.field_map, source.rest?.url_template, 'identity');
  } catch (error) {
    yield { ok: false, url: endpoint, error: describeError(error) };
    return;
  }
  const seen = new Set<string>();
  let url: string | undefined = endpoint;
  for (let page = 1; url !== undefined; page++) {
    seen.add(url);
    let outcome: PageOutcome;
    let next: string | undefined;
    try {
      const doc = await deps.http.fetchDocument(restRequest(source, url, deps.signal));
      const result = extractRestPage(parseJson(doc), source, doc.url);
      next = result.next;
      const warnings = [...result.warnings];
      if (page === 1 && source.tls_fingerprint) warnings.unshift(NO_TLS_FINGERPRINT_WARNING);
      if (next && seen.has(next)) {
        warnings.push(`${doc.url}: the next page ${next} was already read; pagination stopped`);
        next = undefined;
      }
      if (next && page >= source.max_pages) {
        warnings.push(`stopped after max_pages (${source.max_pages}) pages; the API has more (next: ${next})`);
        next = undefined;
      }
      outcome = { ok: true, url: doc.url, events: result.events, warnings };
    } catch (error) {
      // The missing TLS fingerprint is the likely cause when such a site refuses us.
      const note = page === 1 && source.tls_fingerprint ? ` (${NO_TLS_FINGERPRINT_WARNING})` : '';
      yield { ok: false, url, error: describeError(error) + note };
      return;
    }
    yield outcome;
    url = next;
  }
}

/** The body as JSON, or an error that says what came back instead (often an HTML error page). */
export function parseJson(doc: FetchedDocument): unknown {
  const text = doc.text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    const start = text.trimStart().slice(0, 60).replace(/\s+/g, ' ');
    const type = doc.contentType ? `${doc.contentType.split(';')[0]}` : 'no content type';
    throw new SelScraperError('ERR_EXTRACT', `${doc.url} did not answer with JSON (${type}, starts with ${JSON.stringify(start)}): ${(error as Error).message}`);
  }
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
