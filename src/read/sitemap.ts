import { describeError } from '../errors.ts';
import { extractCss } from '../extract/css.ts';
import { extractJsonLd } from '../extract/jsonld.ts';
import type { ExtractResult } from '../extract/raw-event.ts';
import { lastmodLatest, parseSitemap } from '../extract/sitemap.ts';
import { compileSitemapFilter } from '../sources/config-regex.ts';
import type { SourceConfig } from '../sources/types.ts';
import { requestFor, type PageOutcome, type PageReaderDeps } from './page.ts';

const DEFAULT_MAX_URLS = 200;
/** SEL: rate_limit_ms 0 means this default, not "no delay". */
const DEFAULT_DELAY_MS = 500;
/** The root sitemap is depth 0; indexes nested deeper than this are not followed (SEL's limit). */
const MAX_SITEMAP_DEPTH = 2;

/** What discovery found: the pages to read and the outcome of each sitemap file fetched. */
interface Discovery {
  pages: string[];
  outcomes: PageOutcome[];
  full: boolean;
}

/**
 * A sitemap source: read the sitemap (following sitemap indexes), keep the URLs that match
 * filter_pattern and not exclude_pattern and, when the source was read completely before
 * (`unchangedSince`), whose lastmod does not predate that reading (no lastmod: kept), up to
 * max_urls, then read each page with the source's tier (tier 2 pages rendered in the run's
 * browser, as SEL does). Every request after the first waits rate_limit_ms, sitemap files
 * included (SEL waits only between pages). A page that fails is reported and the others are
 * still read.
 */
export async function* readSitemapPages(source: SourceConfig, deps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  const config = source.sitemap;
  if (!config?.url) {
    yield { ok: false, url: source.url ?? '', error: 'sitemap.url is not set' };
    return;
  }
  const extract = pageExtractor(source);
  if ('error' in extract) {
    yield { ok: false, url: config.url, error: extract.error };
    return;
  }
  const filter = compileSitemapFilter(config);
  if (!filter.ok) {
    yield { ok: false, url: config.url, error: filter.problem };
    return;
  }
  const browser = source.tier === 2 ? deps.browser : undefined;
  const refusal = source.tier === 2 && !browser ? (await import('./headless.ts')).needsBrowser(source, deps.env) : undefined;
  if (refusal) {
    yield { ok: false, url: config.url, error: refusal };
    return;
  }
  const delayMs = config.rate_limit_ms || DEFAULT_DELAY_MS;
  let requests = 0;
  const fetchText = async (url: string, accept?: string) => {
    if (requests++ > 0) await deps.clock.sleep(delayMs, deps.signal);
    const request = requestFor(source, url, deps.signal);
    if (accept) request.headers = { ...request.headers, accept };
    return deps.http.fetchDocument(request);
  };

  const maxUrls = config.max_urls || DEFAULT_MAX_URLS;
  const discovery: Discovery = { pages: [], outcomes: [], full: false };
  const listed = new Set<string>();
  const chosen = new Set<string>();
  const visited = new Set<string>();
  const unchanged = new Set<string>();
  const since = deps.unchangedSince;

  const walk = async (url: string, depth: number): Promise<void> => {
    visited.add(url);
    let doc;
    try {
      doc = await fetchText(url, 'application/xml, text/xml;q=0.9, */*;q=0.5');
    } catch (error) {
      if (deps.signal?.aborted) throw error;
      discovery.outcomes.push({ ok: false, url, error: `sitemap: ${describeError(error)}` });
      return;
    }
    let parsed;
    try {
      parsed = parseSitemap(doc.text, doc.url);
    } catch (error) {
      discovery.outcomes.push({ ok: false, url: doc.url, error: describeError(error) });
      return;
    }
    const warnings = [...parsed.warnings];
    discovery.outcomes.push({ ok: true, url: doc.url, events: [], warnings });
    if (parsed.kind === 'index') {
      if (depth >= MAX_SITEMAP_DEPTH) {
        warnings.push(`${doc.url}: sitemap index nested more than ${MAX_SITEMAP_DEPTH} levels deep; its ${parsed.sitemaps.length} sitemap(s) were not read`);
        return;
      }
      for (const child of parsed.sitemaps) {
        if (discovery.full) return;
        if (!visited.has(child)) await walk(child, depth + 1);
      }
      return;
    }
    for (const { loc, lastmod } of parsed.urls) {
      listed.add(loc);
      if (chosen.has(loc) || !filter.matcher.test(loc)) continue;
      // SEL's order: the filters, then the lastmod cutoff, then max_urls (unchanged pages take no place).
      if (since !== undefined && lastmod !== undefined && (lastmodLatest(lastmod) ?? Infinity) < since) {
        unchanged.add(loc);
        continue;
      }
      if (discovery.pages.length >= maxUrls) {
        discovery.full = true;
        warnings.push(`reached sitemap.max_urls (${maxUrls}); the other matching pages were not read`);
        return;
      }
      chosen.add(loc);
      discovery.pages.push(loc);
    }
  };

  await walk(config.url, 0);
  const root = discovery.outcomes[0];
  if (root?.ok && extract.note && !browser) root.warnings.unshift(extract.note);
  if (root?.ok && unchanged.size > 0) root.unchanged = unchanged.size;
  if (root?.ok && discovery.pages.length === 0 && unchanged.size === 0 && listed.size > 0) {
    const excluded = config.exclude_pattern ? ` and not exclude_pattern ${JSON.stringify(config.exclude_pattern)}` : '';
    root.warnings.push(`none of the ${listed.size} URL(s) in the sitemap match filter_pattern ${JSON.stringify(config.filter_pattern)}${excluded}`);
  }
  yield* discovery.outcomes;
  if (browser) {
    yield* (await import('./headless.ts')).renderPages(source, discovery.pages, browser, deps, { rateLimitMs: delayMs });
    return;
  }

  for (const url of discovery.pages) {
    try {
      const doc = await fetchText(url);
      const { events, warnings } = extract.run(doc.text, doc.url);
      yield { ok: true, url: doc.url, events, warnings };
    } catch (error) {
      if (deps.signal?.aborted) throw error;
      yield { ok: false, url, error: describeError(error) };
    }
  }
}

type PageExtractor = { run: (html: string, pageUrl: string) => ExtractResult; note?: string } | { error: string };

/**
 * How each page is read without a browser: the source's tier, as SEL does for sitemap sources.
 * Tier 2 pages are then read as served, with the CSS selectors, when the config asks for
 * nothing only a browser does.
 */
function pageExtractor(source: SourceConfig): PageExtractor {
  const selectors = source.selectors ?? {};
  const css = (html: string, pageUrl: string) => extractCss(html, pageUrl, selectors);
  switch (source.tier) {
    case 0:
      return { run: extractJsonLd };
    case 1:
      return { run: css };
    case 2:
      return { run: css, note: 'headless rendering is not available; the pages were read as the server sent them' };
    default:
      return { error: `sitemap sources with tier ${source.tier} are not supported by this version of sel-scraper` };
  }
}
