import { describeError } from '../errors.ts';
import { extractJsonLd } from '../extract/jsonld.ts';
import type { SourceConfig } from '../sources/types.ts';
import { relNextLink, requestFor, startUrls, type PageOutcome, type PageReaderDeps } from './page.ts';

/** Tier 0: each start page, then its rel="next" pages up to max_pages, for JSON-LD. */
export async function* readJsonLdPages(source: SourceConfig, deps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  const seen = new Set<string>();
  for (const start of startUrls(source)) {
    let next: string | undefined = start;
    for (let page = 1; next && page <= source.max_pages && !seen.has(next); page++) {
      const url: string = next;
      seen.add(url);
      next = undefined;
      try {
        const doc = await deps.http.fetchDocument(requestFor(source, url, deps.signal));
        const { events, warnings } = extractJsonLd(doc.text, doc.url);
        next = relNextLink(doc.text, doc.url);
        yield { ok: true, url: doc.url, events, warnings };
      } catch (error) {
        yield { ok: false, url, error: describeError(error) };
      }
    }
  }
}
