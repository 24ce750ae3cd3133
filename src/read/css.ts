import { describeError, SelScraperError } from '../errors.ts';
import { cssParsing, extractCss, nextPageUrls, type Selectors } from '../extract/css.ts';
import { extractEventDetail, type EventDetail } from '../extract/css-detail.ts';
import { loadHtml, type HtmlParsing } from '../extract/css-selector.ts';
import { selectorProblem } from '../extract/css-query.ts';
import type { ExtractResult, RawEvent } from '../extract/raw-event.ts';
import type { FetchedDocument } from '../fetch/http-client.ts';
import { allMidnight } from '../normalize/quality.ts';
import { compileEventUrlPattern } from '../sources/config-regex.ts';
import type { SourceConfig } from '../sources/types.ts';
import { requestFor, startUrls, type PageOutcome, type PageReaderDeps } from './page.ts';

/** SEL waits this long between detail pages (scraper.go follow_event_urls). */
const DETAIL_DELAY_MS = 500;

/**
 * Tier 1 (and tier 2 without a browser, see read/headless.ts): each start URL, then the pages its
 * `selectors.pagination` links lead to, up to `max_pages` per start URL, each page read once.
 * With `follow_event_urls`, event pages fill in what the listing left out.
 */
export async function* readCssPages(source: SourceConfig, deps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  const selectors = source.selectors ?? {};
  const written = paginationSelector(source);
  const sourceWarnings: string[] = [];
  const paginationProblem = written && selectorProblem(written);
  if (paginationProblem)
    sourceWarnings.push(`pagination selector "${written}" is not a usable CSS selector (${paginationProblem}); only the first page is read`);
  const pagination = paginationProblem ? undefined : written;
  const parsing = cssParsing(selectors, pagination);
  const followDetails = source.follow_event_urls ? detailFilter(source, sourceWarnings) : undefined;
  const enrich = detailReader(source, deps);
  const visited = new Set<string>();

  for (const start of startUrls(source)) {
    const queue = [start];
    for (let read = 0; queue.length > 0 && read < source.max_pages;) {
      const url = queue.shift() as string;
      if (visited.has(url)) continue;
      visited.add(url);
      read++;
      let listing: Listing;
      try {
        listing = readListing(await deps.http.fetchDocument(withHeadlessHeaders(source, requestFor(source, url, deps.signal))), selectors, pagination, parsing);
      } catch (error) {
        yield { ok: false, url, error: describeError(error) };
        continue;
      }
      const { pageUrl, extracted } = listing;
      visited.add(pageUrl);
      const warnings = sourceWarnings.splice(0);
      warnings.push(...extracted.warnings);
      if (pagination) {
        const next = listing.next.filter((link) => !visited.has(link) && !queue.includes(link));
        const offSite = next.filter((link) => !sameSite(link, start));
        if (offSite.length > 0) warnings.push(`pagination links to other sites not followed: ${offSite.join(', ')}`);
        queue.push(...next.filter((link) => sameSite(link, start)));
        if (read === source.max_pages && queue.some((link) => !visited.has(link))) {
          warnings.push(`stopped after max_pages (${source.max_pages}) pages from ${start}; more pages are linked`);
        }
      }
      if (followDetails) warnings.push(...(await enrich(extracted.events, followDetails)));
      warnings.push(...allMidnight(extracted.events, source.timezone, new Date(deps.clock.now()), pageUrl));
      yield { ok: true, url: pageUrl, events: extracted.events, warnings };
    }
  }
}

interface Listing {
  pageUrl: string;
  extracted: ExtractResult;
  next: string[];
}

/**
 * One listing page read from one parse: its events and its next-page links. Only these leave
 * the function: the page and its tree are garbage once it returns, not kept while the source is read.
 */
function readListing(doc: FetchedDocument, selectors: Selectors, pagination: string | undefined, parsing: HtmlParsing): Listing {
  assertHtml(doc);
  const $ = loadHtml(doc.text, parsing);
  return { pageUrl: doc.url, extracted: extractCss($, doc.url, selectors), next: pagination ? nextPageUrls($, doc.url, pagination) : [] };
}

/** Tier 2's pagination_button is clicked in a browser only (read/headless.ts). */
function paginationSelector(source: SourceConfig): string | undefined {
  return source.selectors?.pagination?.trim() || undefined;
}

function withHeadlessHeaders(source: SourceConfig, request: ReturnType<typeof requestFor>): ReturnType<typeof requestFor> {
  const extra = source.method === 'headless' ? source.headless?.headers : undefined;
  return extra ? { ...request, headers: { ...request.headers, ...extra } } : request;
}

/** Colly only runs HTML callbacks on HTML; a JSON or PDF answer is a failed page, not 0 events. */
function assertHtml(doc: FetchedDocument): void {
  const type = doc.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '' || type.includes('html') || type.includes('xml') || /^\s*</.test(doc.text.slice(0, 512))) return;
  throw new SelScraperError('ERR_EXTRACT', `expected an HTML page at ${doc.url}, got ${type}`, { hint: 'check the source url; CSS selectors only read HTML' });
}

/** The same site as SEL's colly AllowedDomains: the host and its www./bare twin. */
function sameSite(url: string, start: string): boolean {
  const bare = (value: string) => new URL(value).hostname.toLowerCase().replace(/^www\./, '');
  return bare(url) === bare(start);
}

/**
 * Which event URLs `follow_event_urls` may fetch, from `event_url_pattern` (a field SEL stores
 * but never reads; its regex and glob forms are described in sources/config-regex.ts).
 */
function detailFilter(source: SourceConfig, warnings: string[]): (url: string) => boolean {
  const pattern = source.event_url_pattern?.trim();
  if (!pattern) return () => true;
  const compiled = compileEventUrlPattern(pattern);
  if (compiled.ok) return (url) => compiled.matcher.test(url);
  warnings.push(`event_url_pattern "${pattern}" is not a valid regular expression (${compiled.problem}); no event pages are followed`);
  return () => false;
}

/**
 * Reads each event page at most once per source, politely spaced, and merges what it adds into
 * the listing's rows. Returns the warnings of the pages it could not read.
 */
function detailReader(source: SourceConfig, deps: PageReaderDeps): (events: RawEvent[], wanted: (url: string) => boolean) => Promise<string[]> {
  const cache = new Map<string, EventDetail | undefined>();
  let fetched = 0;
  const read = async (url: string, warnings: string[]): Promise<EventDetail | undefined> => {
    if (fetched > 0) await deps.clock.sleep(DETAIL_DELAY_MS, deps.signal);
    fetched++;
    try {
      const doc = await deps.http.fetchDocument(requestFor(source, url, deps.signal));
      return extractEventDetail(doc.text, doc.url);
    } catch (error) {
      warnings.push(`event page ${url} not read: ${describeError(error)}`);
      return undefined;
    }
  };
  return async (events, wanted) => {
    const warnings: string[] = [];
    for (const event of events) {
      if (!event.url || !needsDetail(event) || !wanted(event.url)) continue;
      if (!cache.has(event.url)) cache.set(event.url, await read(event.url, warnings));
      const detail = cache.get(event.url);
      if (detail) merge(event, detail);
    }
    return warnings;
  };
}

const TRUNCATED = /(?:…|\.\.\.)\s*$/;

function hasDates(event: RawEvent): boolean {
  return Boolean(event.startDate) || (event.dateParts ?? []).some((part) => part.trim() !== '');
}

function needsDetail(event: RawEvent): boolean {
  return !event.description || TRUNCATED.test(event.description) || !hasDates(event);
}

/** The listing wins where it has a value, except a cut-off description the page has in full. */
function merge(event: RawEvent, detail: EventDetail): void {
  const current = event.description;
  if (detail.description && (!current || (TRUNCATED.test(current) && detail.description.length > current.length))) {
    event.description = detail.description;
  }
  if (!hasDates(event) && detail.startDate) {
    event.startDate = detail.startDate;
    if (detail.endDate) event.endDate = detail.endDate;
    delete event.dateParts;
  }
  if (!event.image && detail.image) event.image = detail.image;
}
