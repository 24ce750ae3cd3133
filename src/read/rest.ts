import { describeError, SelScraperError } from '../errors.ts';
import { compileApiMapping } from '../extract/api-mapping.ts';
import { extractRestPage } from '../extract/rest.ts';
import type { FetchRequest } from '../fetch/http-client.ts';
import type { SourceConfig } from '../sources/types.ts';
import { apiHeaders, NO_TLS_FINGERPRINT_WARNING, parseJson } from './api-request.ts';
import { requestFor, type PageOutcome, type PageReaderDeps } from './page.ts';

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
