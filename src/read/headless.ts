import type { BrowserContext, Page, Response } from 'playwright-core';
import { describeError, SelScraperError } from '../errors.ts';
import { extractCss } from '../extract/css.ts';
import type { RawEvent } from '../extract/raw-event.ts';
import { compileApiMapping, fieldOf, isItem, jsonKind, mapApiItems, type ApiMapping } from '../extract/api-mapping.ts';
import type { HeadlessBrowser } from '../fetch/browser.ts';
import { compileConfigRegex, type ConfigMatcher } from '../sources/config-regex.ts';
import type { SourceConfig } from '../sources/types.ts';
import { USER_AGENT } from '../version.ts';
import { startUrls, urlPolicyOf, type PageOutcome, type PageReaderDeps } from './page.ts';

/** SEL's defaults (config.go HeadlessConfig, rod.go). */
const DEFAULT_WAIT_MS = 10_000;
const DEFAULT_RATE_LIMIT_MS = 1_000;
const IFRAME_FIND_MS = 5_000;
const CLICK_MS = 3_000;
const DEFAULT_PAGE_TIMEOUT_S = 30;

type Headless = NonNullable<SourceConfig['headless']>;

interface Intercept {
  pattern: ConfigMatcher;
  resultsPath: string;
  mapping: ApiMapping;
}

/**
 * Tier 2: each start URL rendered in the run's Chromium, then the pages `pagination_button`
 * leads to, up to `max_pages`, read with the same CSS selectors as tier 1 on the rendered DOM.
 * Without a browser (none on the machine, or a fixture replay) the server-rendered HTML is read.
 */
export async function* readHeadlessPages(source: SourceConfig, deps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  const browserSource = deps.browser;
  if (!browserSource) {
    yield* (await import('./css.ts')).readCssPages(source, deps);
    return;
  }
  const headless: Headless = source.headless ?? {};
  const sourceWarnings: string[] = [];
  if (headless.undetected) sourceWarnings.push('headless.undetected (stealth mode) is not supported; the pages are rendered by plain headless Chromium, which some sites block');
  const intercept = compileIntercept(headless, sourceWarnings);

  let context: BrowserContext;
  try {
    context = await openContext(browserSource, source);
  } catch (error) {
    for (const url of startUrls(source)) yield { ok: false, url, error: `Chromium (${browserSource.executablePath}) could not render the page: ${describeError(error)}` };
    return;
  }
  const closeOnAbort = () => void context.close().catch(() => undefined);
  deps.signal?.addEventListener('abort', closeOnAbort, { once: true });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(pageTimeoutMs(source));
    const visited = new Set<string>();
    let loads = 0;
    for (const start of startUrls(source)) {
      let next: string | undefined = start;
      for (let read = 0; next && read < source.max_pages && !visited.has(next); read++) {
        const url: string = next;
        next = undefined;
        visited.add(url);
        if (loads > 0) await deps.clock.sleep(headless.rate_limit_ms || DEFAULT_RATE_LIMIT_MS, deps.signal);
        loads++;
        try {
          const rendered = await renderPage(page, url, source, headless, intercept, deps);
          next = rendered.next;
          if (next && read + 1 === source.max_pages && !visited.has(next)) rendered.warnings.push(`stopped after max_pages (${source.max_pages}) pages from ${start}; the page has a next button`);
          yield { ok: true, url: rendered.url, events: rendered.events, warnings: [...sourceWarnings.splice(0), ...rendered.warnings] };
        } catch (error) {
          yield { ok: false, url, error: describeError(error) };
        }
      }
    }
  } finally {
    deps.signal?.removeEventListener('abort', closeOnAbort);
    await context.close().catch(() => undefined);
  }
}

function pageTimeoutMs(source: SourceConfig): number {
  return (source.request_timeout_seconds || DEFAULT_PAGE_TIMEOUT_S) * 1000;
}

async function openContext(browserSource: HeadlessBrowser, source: SourceConfig): Promise<BrowserContext> {
  const browser = await browserSource.browser();
  const headers = { ...source.headers, ...source.headless?.headers };
  return browser.newContext({
    userAgent: USER_AGENT,
    ...(Object.keys(headers).length > 0 ? { extraHTTPHeaders: headers } : {}),
    ignoreHTTPSErrors: source.insecure_skip_verify ?? false,
    serviceWorkers: 'block',
  });
}

interface RenderedPage {
  url: string;
  events: RawEvent[];
  warnings: string[];
  next?: string;
}

/**
 * One page: robots.txt and the host's politeness first, then navigation, the soft waits, the
 * rendered DOM (or the iframe's) through the CSS selectors, intercepted JSON appended, and the
 * next page the pagination button leads to.
 */
async function renderPage(page: Page, url: string, source: SourceConfig, headless: Headless, intercept: Intercept | undefined, deps: PageReaderDeps): Promise<RenderedPage> {
  assertNavigable(url);
  // The browser knows neither robots.txt nor the host's spacing: the polite client admits the page first.
  await deps.http.admit(url, deps.signal, urlPolicyOf(source));

  const captured: Promise<unknown>[] = [];
  const onResponse = (response: Response) => {
    if (intercept?.pattern.test(response.url())) captured.push(response.json().then((body: unknown) => ({ url: response.url(), body }), (error: unknown) => ({ url: response.url(), error })));
  };
  if (intercept) page.on('response', onResponse);
  try {
    const warnings: string[] = [];
    const waitMs = headless.wait_timeout_ms || DEFAULT_WAIT_MS;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: pageTimeoutMs(source) });
    await page.waitForLoadState('load', { timeout: waitMs }).catch(() => undefined);
    const waitSelector = headless.wait_selector?.trim() || 'body';
    const found = await page.waitForSelector(waitSelector, { state: 'attached', timeout: waitMs }).then(
      () => true,
      () => false,
    );
    if (!found) warnings.push(`headless.wait_selector "${waitSelector}" did not appear within ${waitMs} ms on ${url}; read the page as it was`);
    if (headless.wait_network_idle) await page.waitForLoadState('networkidle', { timeout: waitMs }).catch(() => undefined);

    const { html, pageUrl } = await documentToRead(page, headless, warnings);
    const extracted = extractCss(html, pageUrl, source.selectors ?? {});
    const events = [...extracted.events];
    warnings.push(...extracted.warnings);
    if (intercept) {
      const bodies = (await Promise.all(captured.splice(0))) as ({ url: string; body: unknown } | { url: string; error: unknown })[];
      if (bodies.length === 0) warnings.push(`headless.intercept: no response matched url_pattern "${intercept.pattern.source}" on ${url}`);
      for (const answer of bodies) {
        const read = 'error' in answer ? { events: [], warnings: [`headless.intercept: ${answer.url} is not JSON (${describeError(answer.error)})`] } : interceptedEvents(answer.body, answer.url, intercept, page.url());
        events.push(...read.events);
        warnings.push(...read.warnings);
      }
    }
    const next = await nextPage(page, headless, warnings);
    return { url: page.url(), events, warnings, ...(next ? { next } : {}) };
  } finally {
    if (intercept) page.off('response', onResponse);
  }
}

/** Only web pages are opened: a config or a page must not point the browser at file: or chrome: URLs. */
function assertNavigable(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new SelScraperError('ERR_FETCH', `not a URL: "${url}"`);
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new SelScraperError('ERR_FETCH', `refused to open ${url} in the browser: only http(s) pages are rendered`);
  }
}

/** The iframe's document when one is configured and found, else the page's. */
async function documentToRead(page: Page, headless: Headless, warnings: string[]): Promise<{ html: string; pageUrl: string }> {
  const iframe = headless.iframe;
  if (iframe?.selector?.trim()) {
    const element = await page.waitForSelector(iframe.selector, { state: 'attached', timeout: IFRAME_FIND_MS }).catch(() => null);
    const frame = await element?.contentFrame();
    if (frame) {
      const waitMs = iframe.wait_timeout_ms || DEFAULT_WAIT_MS;
      if (iframe.wait_selector?.trim()) {
        await frame.waitForSelector(iframe.wait_selector, { state: 'attached', timeout: waitMs }).catch(() => {
          warnings.push(`headless.iframe.wait_selector "${iframe.wait_selector ?? ''}" did not appear within ${waitMs} ms; read the frame as it was`);
        });
      }
      return { html: await frame.content(), pageUrl: frame.url() };
    }
    warnings.push(`headless.iframe.selector "${iframe.selector}" found no frame on ${page.url()}; read the page itself`);
  }
  return { html: await page.content(), pageUrl: page.url() };
}

/**
 * The page the pagination button leads to: its href when it is a link, else wherever clicking
 * it takes the page. A button that changes nothing (a "load more") ends the source, as in SEL.
 */
async function nextPage(page: Page, headless: Headless, warnings: string[]): Promise<string | undefined> {
  const selector = headless.pagination_button?.trim();
  if (!selector) return undefined;
  // The page has had its waits already; a last page simply has no button, so none is waited for.
  const button = page.locator(selector).first();
  if ((await button.count()) === 0) return undefined;
  const href = (await button.getAttribute('href'))?.trim();
  if (href && !/^javascript:/i.test(href)) return webUrl(href, page.url(), warnings);
  const before = page.url();
  try {
    await button.click({ timeout: CLICK_MS });
    await page.waitForURL((current) => current.href !== before, { timeout: CLICK_MS, waitUntil: 'commit' });
  } catch {
    return undefined;
  }
  return webUrl(page.url(), before, warnings);
}

function webUrl(link: string, base: string, warnings: string[]): string | undefined {
  const url = new URL(link, base);
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  warnings.push(`headless.pagination_button leads to ${url.href}, which is not an http(s) page; pagination stopped`);
  return undefined;
}

/** `intercept`, checked once per source: an unusable block is a warning and no interception. */
function compileIntercept(headless: Headless, warnings: string[]): Intercept | undefined {
  const config = headless.intercept;
  if (!config) return undefined;
  const format = config.response_format?.trim().toLowerCase() || 'json';
  if (format !== 'json') {
    warnings.push(`headless.intercept.response_format "${config.response_format ?? ''}" is not supported (only json); nothing is intercepted`);
    return undefined;
  }
  if (!config.url_pattern?.trim() || !config.results_path?.trim()) {
    warnings.push('headless.intercept needs url_pattern and results_path; nothing is intercepted');
    return undefined;
  }
  const compiled = compileConfigRegex(config.url_pattern);
  if (!compiled.ok) {
    warnings.push(`headless.intercept.url_pattern "${config.url_pattern}" is not a valid regular expression (${compiled.problem}); nothing is intercepted`);
    return undefined;
  }
  try {
    return { pattern: compiled.matcher, resultsPath: config.results_path.trim(), mapping: compileApiMapping('rest', config.field_map, undefined, 'identity') };
  } catch (error) {
    warnings.push(`headless.intercept.field_map: ${describeError(error)}; nothing is intercepted`.replaceAll('rest.field_map', 'headless.intercept.field_map'));
    return undefined;
  }
}

/** One intercepted body: an object whose `results_path` holds the events, mapped as REST items are. */
function interceptedEvents(body: unknown, responseUrl: string, intercept: Intercept, pageUrl: string): { events: RawEvent[]; warnings: string[] } {
  if (!isItem(body)) return { events: [], warnings: [`headless.intercept: ${responseUrl} answered with ${jsonKind(body)}, not a JSON object`] };
  const results = fieldOf(body, intercept.resultsPath);
  if (!Array.isArray(results)) {
    return { events: [], warnings: [`headless.intercept: "${intercept.resultsPath}" in ${responseUrl} is ${results === undefined ? 'missing' : jsonKind(results)}, not an array`] };
  }
  const items = results.filter(isItem);
  const mapped = mapApiItems(items, intercept.mapping, pageUrl);
  // The mapping is REST's; its warnings name the block the user actually wrote.
  const warnings = mapped.warnings.map((warning) => warning.replaceAll('rest.field_map', 'headless.intercept.field_map'));
  if (items.length < results.length) warnings.push(`headless.intercept: skipped ${results.length - items.length} result(s) in ${responseUrl} that are not JSON objects`);
  return { events: mapped.events, warnings };
}
