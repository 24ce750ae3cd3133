import { SourceCookieJar, withCookieJar } from '../fetch/cookie-jar.ts';
import type { SourceConfig } from '../sources/types.ts';
import type { PageOutcome, PageReaderDeps } from './page.ts';

/**
 * Reads a source page by page, whatever its method, and yields what each page gave. A page
 * that fails is yielded as a failure and the next one is still read. The source's pages share
 * one cookie jar, as SEL's crawler keeps one per source; no other source sees it.
 */
export async function* readSourcePages(source: SourceConfig, sharedDeps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  const deps: PageReaderDeps = { ...sharedDeps, http: withCookieJar(sharedDeps.http, new SourceCookieJar()) };
  // Readers are imported when a source needs them: a JSON-LD run never loads cheerio or node-ical.
  if (source.sitemap && source.method !== 'ics') {
    yield* (await import('./sitemap.ts')).readSitemapPages(source, deps);
    return;
  }
  switch (source.method) {
    case 'jsonld':
      yield* (await import('./jsonld.ts')).readJsonLdPages(source, deps);
      return;
    case 'css':
      yield* (await import('./css.ts')).readCssPages(source, deps);
      return;
    case 'headless':
      yield* (await import('./headless.ts')).readHeadlessPages(source, deps);
      return;
    case 'rest':
      yield* (await import('./rest.ts')).readRestPages(source, deps);
      return;
    case 'graphql':
      yield* (await import('./graphql.ts')).readGraphqlPages(source, deps);
      return;
    case 'ics':
      yield* (await import('./ics.ts')).readIcsFeeds(source, deps);
      return;
  }
}
