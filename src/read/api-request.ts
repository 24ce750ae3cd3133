import { describeError, SelScraperError } from '../errors.ts';
import type { FetchedDocument } from '../fetch/http-client.ts';
import type { SourceConfig } from '../sources/types.ts';

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
export function apiHeaders(
  source: SourceConfig,
  own: Readonly<Record<string, string>> | undefined,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    ...lowerCased(source.headers ?? {}),
    accept: 'application/json',
    ...(source.tls_fingerprint ? BROWSER_HEADERS : {}),
    ...lowerCased(extra),
    ...lowerCased(own ?? {}),
  };
}

/** The body as JSON, or an error that says what came back instead (often an HTML error page). */
export function parseJson(doc: FetchedDocument): unknown {
  const text = doc.text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    const start = text.trimStart().slice(0, 60).replace(/\s+/g, ' ');
    const type = doc.contentType ? `${doc.contentType.split(';')[0]}` : 'no content type';
    throw new SelScraperError('ERR_EXTRACT', `${doc.url} did not answer with JSON (${type}, starts with ${JSON.stringify(start)}): ${describeError(error)}`);
  }
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
