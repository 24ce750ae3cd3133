import { setTimeout as delay } from 'node:timers/promises';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { describeError, SelScraperError } from '../errors.ts';
import { extractCss } from '../extract/css.ts';
import type { RawEvent } from '../extract/raw-event.ts';
import { compileApiMapping, fieldOf, isItem, jsonKind, mapApiItems, type ApiMapping } from '../extract/api-mapping.ts';
import { describeBrowserError, renderingHint, type HeadlessBrowser } from '../fetch/browser.ts';
import { BrowserGuard } from '../fetch/browser-guard.ts';
import { isHttpUrl } from '../http-url.ts';
import { compileConfigRegex, type ConfigMatcher } from '../sources/config-regex.ts';
import type { SourceConfig } from '../sources/types.ts';
import { USER_AGENT } from '../version.ts';
import { PageDeadline } from './browser-deadline.ts';
import { startUrls, urlPolicyOf, type PageOutcome, type PageReaderDeps } from './page.ts';

/** SEL's defaults (config.go HeadlessConfig, rod.go). */
const DEFAULT_WAIT_MS = 10_000;
const DEFAULT_RATE_LIMIT_MS = 1_000;
const IFRAME_FIND_MS = 5_000;
const CLICK_MS = 3_000;
/** Loading a page when request_timeout_seconds is not set; the configured waits come on top. */
const DEFAULT_LOAD_MS = 30_000;
/** How often a clicked page is looked at for what the click changed. */
const CLICK_POLL_MS = 100;
/** Closing a context whose renderer hangs may itself hang; the source does not wait longer. */
const CLOSE_MS = 5_000;
/** wait_selector values that wait for nothing a script builds. */
const TRIVIAL_WAITS = new Set(['', 'body', 'html']);

type Headless = NonNullable<SourceConfig['headless']>;

interface Intercept {
  pattern: ConfigMatcher;
  resultsPath: string;
  mapping: ApiMapping;
}

interface PageLimits {
  /** Soft waits (wait_selector, network idle, a click's effect). */
  waitMs: number;
  /** Hard: one page, from navigation to its events (or one "load more" click to its events). */
  deadlineMs: number;
}

/**
 * Tier 2: each start URL rendered in the run's Chromium, then what `pagination_button` leads to
 * (a next page, or more events appended in place), up to `max_pages`, read with the same CSS
 * selectors as tier 1 on the rendered DOM. Without a browser, a source whose events only a
 * browser reaches fails as needing one; the others are read from the server-rendered HTML.
 */
export async function* readHeadlessPages(source: SourceConfig, deps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  if (deps.browser) yield* renderPages(source, startUrls(source), deps.browser, deps);
  else yield* readWithoutBrowser(source, deps);
}

/**
 * Why a tier 2 source cannot be read without a browser, or undefined when its server-rendered
 * HTML is what the config reads: extracting from the parent of an iframe or from HTML a script
 * replaces would submit events the site does not show.
 */
export function needsBrowser(source: SourceConfig, env: PageReaderDeps['env']): string | undefined {
  const headless: Headless = source.headless ?? {};
  const reasons: string[] = [];
  if (headless.iframe?.selector?.trim())
    reasons.push(`headless.iframe: the events are inside the frame "${headless.iframe.selector.trim()}", which only a browser loads`);
  const wait = headless.wait_selector?.trim() ?? '';
  if (!TRIVIAL_WAITS.has(wait.toLowerCase())) reasons.push(`headless.wait_selector "${wait}" waits for content the page's scripts build`);
  if (headless.pagination_button?.trim()) reasons.push(`headless.pagination_button "${headless.pagination_button.trim()}" is clicked in the page`);
  if (headless.intercept) reasons.push('headless.intercept reads the responses the page requests while it renders');
  return reasons.length === 0 ? undefined : `needs a browser: ${reasons.join('; ')}; ${renderingHint(env)}`;
}

/**
 * Without a browser: a source that needs one fails at once, nothing fetched; the others are read
 * like tier 1. Pages are held back until one has events, so a site whose HTML has none fails
 * as a whole (status failed, not partial) with the reason.
 */
async function* readWithoutBrowser(source: SourceConfig, deps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  const refusal = needsBrowser(source, deps.env);
  if (refusal) {
    yield { ok: false, url: startUrls(source)[0] ?? '', error: refusal };
    return;
  }
  const notice = `headless rendering is not available, so the server-rendered HTML was read: ${renderingHint(deps.env)}`;
  const held: PageOutcome[] = [];
  let found = false;
  let read = 0;
  let lastUrl = startUrls(source)[0] ?? '';
  for await (const page of (await import('./css.ts')).readCssPages(source, deps)) {
    if (page.ok) {
      if (read++ === 0) page.warnings.unshift(notice);
      lastUrl = page.url;
      if (!found && page.events.length > 0) {
        found = true;
        yield* held.splice(0);
      }
    }
    if (found) yield page;
    else held.push(page);
  }
  if (found) return;
  yield* held.filter((page) => !page.ok);
  if (read > 0) {
    yield {
      ok: false,
      url: lastUrl,
      error: `needs a browser: no events in the server-rendered HTML of ${read} page(s); the site most likely builds its event list with JavaScript; ${renderingHint(deps.env)}; or look for a JSON-LD, ICS or JSON API alternative`,
    };
  }
}

/** A source's pages in its own browser context, one page (tab) reused for every URL. */
interface Session {
  context: BrowserContext;
  page: Page;
  guard: BrowserGuard;
  /** Bodies of intercepted responses, read once per document or click. */
  captured: Promise<InterceptedBody>[];
  /** Closed on a deadline or a stop: no page of the source can be read any more. */
  abandoned: boolean;
  abandon(): void;
  close(): Promise<void>;
}

type InterceptedBody = { url: string; body: unknown } | { url: string; error: unknown };

type Step = { kind: 'goto'; url: string } | { kind: 'click' };

/**
 * Renders `urls` (start URLs, or the pages of a sitemap) and what each leads to. Every page has
 * a hard deadline; when one passes, the context is closed and the source ends with that failure.
 */
export async function* renderPages(
  source: SourceConfig,
  urls: readonly string[],
  browser: HeadlessBrowser,
  deps: PageReaderDeps,
  options: { rateLimitMs?: number } = {},
): AsyncGenerator<PageOutcome> {
  const first = urls[0];
  if (first === undefined) return;
  const headless: Headless = source.headless ?? {};
  const sourceWarnings: string[] = [];
  if (headless.undetected)
    sourceWarnings.push('headless.undetected (stealth mode) is not supported; the pages are rendered by plain headless Chromium, which some sites block');
  const intercept = compileIntercept(headless, sourceWarnings);
  const limits = pageLimits(source, headless);
  const rateLimitMs = options.rateLimitMs ?? (headless.rate_limit_ms || DEFAULT_RATE_LIMIT_MS);

  // Chromium starts only for a site whose robots.txt lets us in: a site that cannot be reached,
  // or a disallowed page, fails here, with no browser started and no page slot taken.
  try {
    assertNavigable(first);
    await browser.gate.check(first, deps.signal);
  } catch (error) {
    yield { ok: false, url: first, error: describeError(error) };
    return;
  }
  let session: Session;
  try {
    session = await openSession(browser, source, intercept, limits, deps);
  } catch (error) {
    yield {
      ok: false,
      url: first,
      error: deps.signal?.aborted
        ? describeError(deps.signal.reason)
        : `Chromium (${browser.executablePath}) could not render the page: ${describeBrowserError(error)}`,
    };
    return;
  }
  try {
    const visited = new Set<string>();
    let loads = 0;
    for (const start of urls) {
      let step: Step | undefined = { kind: 'goto', url: start };
      let seen = new Set<string>();
      for (let batches = 0; step && batches < source.max_pages;) {
        if (step.kind === 'goto' && visited.has(step.url)) break;
        if (loads++ > 0) await deps.clock.sleep(rateLimitMs, deps.signal);
        const current: Step = step;
        const deadline = new PageDeadline(
          limits.deadlineMs,
          current.kind === 'goto' ? current.url : `the page after clicking headless.pagination_button on ${session.page.url()}`,
          () => session.abandon(),
          deps.signal,
        );
        let outcome: PageOutcome | undefined;
        try {
          const loaded = await loadStep(session, current, headless, source, limits, deadline, visited, seen);
          if (loaded.kind === 'refused') outcome = { ok: false, url: loaded.url, error: loaded.reason };
          else if (loaded.kind !== 'done') {
            if (loaded.kind === 'document') seen = new Set();
            const warnings = loaded.kind === 'document' ? await settle(session.page, headless, limits, deadline) : [];
            const read = await readDocument(session, source, headless, intercept, deadline, warnings, loaded.kind === 'document');
            const events = read.filter((event) => unseen(seen, event));
            if (loaded.kind === 'document' || events.length > 0) {
              batches++;
              step = await nextStep(session.page, headless, deadline, warnings, visited);
              if (step && batches === source.max_pages) {
                warnings.push(
                  `stopped after max_pages (${source.max_pages}) pages from ${start}; headless.pagination_button "${headless.pagination_button?.trim() ?? ''}" was still there`,
                );
              }
              outcome = { ok: true, url: session.page.url(), events, warnings: [...sourceWarnings.splice(0), ...warnings] };
            }
          }
        } catch (error) {
          const url = current.kind === 'goto' ? current.url : session.page.url();
          outcome = { ok: false, url, error: describeBrowserError(deadline.reason ?? error) };
        } finally {
          deadline.dispose();
        }
        // Yielded with no deadline running: the consumer may take its time.
        if (outcome) yield outcome;
        if (session.abandoned) return;
        if (!outcome?.ok) break;
      }
    }
  } finally {
    await session.close();
  }
}

function pageLimits(source: SourceConfig, headless: Headless): PageLimits {
  const waitMs = headless.wait_timeout_ms || DEFAULT_WAIT_MS;
  if (source.request_timeout_seconds) return { waitMs, deadlineMs: source.request_timeout_seconds * 1000 };
  const frameMs = headless.iframe?.selector ? IFRAME_FIND_MS + (headless.iframe.wait_timeout_ms || DEFAULT_WAIT_MS) : 0;
  return { waitMs, deadlineMs: DEFAULT_LOAD_MS + waitMs * (headless.wait_network_idle ? 2 : 1) + frameMs };
}

async function openSession(
  browser: HeadlessBrowser,
  source: SourceConfig,
  intercept: Intercept | undefined,
  limits: PageLimits,
  deps: PageReaderDeps,
): Promise<Session> {
  const headers = { ...source.headers, ...source.headless?.headers };
  // Waiting for one of the run's page slots is not part of any page's time.
  const context = await browser.openContext(
    {
      userAgent: USER_AGENT,
      ...(Object.keys(headers).length > 0 ? { extraHTTPHeaders: headers } : {}),
      ignoreHTTPSErrors: source.insecure_skip_verify ?? false,
      serviceWorkers: 'block',
    },
    deps.signal,
  );
  const closing = { promise: undefined as Promise<void> | undefined };
  const closeContext = () => (closing.promise ??= context.close().catch(() => undefined));
  const onAbort = () => void closeContext();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  const setup = new PageDeadline(limits.deadlineMs, 'opening a browser page', () => void closeContext(), deps.signal);
  try {
    const guard = new BrowserGuard({ policy: urlPolicyOf(source), gate: browser.gate, signal: deps.signal });
    await setup.run(guard.install(context));
    const page = await setup.run(context.newPage());
    const session: Session = {
      context,
      page,
      guard,
      captured: [],
      abandoned: false,
      abandon() {
        session.abandoned = true;
        void closeContext();
      },
      async close() {
        deps.signal?.removeEventListener('abort', onAbort);
        const bound = new AbortController();
        await Promise.race([closeContext(), delay(CLOSE_MS, undefined, { signal: bound.signal }).catch(() => undefined)]);
        bound.abort();
      },
    };
    if (intercept) {
      page.on('response', (response: Response) => {
        if (!intercept.pattern.test(response.url())) return;
        session.captured.push(
          response.json().then(
            (body: unknown) => ({ url: response.url(), body }),
            (error: unknown) => ({ url: response.url(), error }),
          ),
        );
      });
    }
    return session;
  } catch (error) {
    deps.signal?.removeEventListener('abort', onAbort);
    void closeContext();
    throw setup.reason ?? error;
  } finally {
    setup.dispose();
  }
}

type Loaded = { kind: 'document' } | { kind: 'appended' } | { kind: 'done' } | { kind: 'refused'; url: string; reason: string };

/**
 * Carries out one step: opens a URL, or clicks the pagination button and finds out what that
 * did — a new document (the URL changed), events appended in place ("load more"), a navigation
 * the guard refused, or nothing within the wait (the end).
 */
async function loadStep(
  session: Session,
  step: Step,
  headless: Headless,
  source: SourceConfig,
  limits: PageLimits,
  deadline: PageDeadline,
  visited: Set<string>,
  seen: Set<string>,
): Promise<Loaded> {
  const page = session.page;
  if (step.kind === 'goto') {
    assertNavigable(step.url);
    visited.add(step.url);
    session.guard.takeRefusal();
    try {
      await deadline.run(page.goto(step.url, { waitUntil: 'domcontentloaded', timeout: limits.deadlineMs }));
    } catch (error) {
      const refusal = session.guard.takeRefusal();
      if (refusal && !deadline.reason) return { kind: 'refused', url: refusal.url, reason: refusal.reason };
      throw error;
    }
    return landed(session, deadline);
  }
  const before = page.url();
  const watch = session.guard.watchRefusals();
  let refusal: { url: string; reason: string } | undefined;
  void watch.next.then((refused) => (refusal = refused));
  try {
    const capturedBefore = session.captured.length;
    const clicked = await deadline.soft(
      page
        .locator(headless.pagination_button ?? '')
        .first()
        .click({ timeout: deadline.softTimeout(CLICK_MS) }),
    );
    if (!clicked) return { kind: 'done' };
    for (const until = Date.now() + limits.waitMs; ;) {
      if (refusal) return { kind: 'refused', ...refusal };
      if (page.url() !== before) {
        await deadline.soft(page.waitForLoadState('domcontentloaded', { timeout: deadline.softTimeout(limits.waitMs) }));
        if (visited.has(page.url())) return { kind: 'done' };
        visited.add(page.url());
        return await landed(session, deadline);
      }
      if (session.captured.length > capturedBefore) return { kind: 'appended' };
      // The document the events are read from (the iframe's when configured); one that is
      // navigating away has no content to read yet, and the next look decides.
      const doc = await documentToRead(page, headless, deadline, []).catch((error: unknown) => {
        if (deadline.reason) throw error;
        return undefined;
      });
      if (doc && extractCss(doc.html, doc.pageUrl, source.selectors ?? {}).events.some((event) => !seen.has(eventKey(event)))) return { kind: 'appended' };
      if (Date.now() >= until) return { kind: 'done' };
      await deadline.run(delay(CLICK_POLL_MS));
    }
  } finally {
    watch.stop();
  }
}

/** A new document, unless a redirect took the page where the guard would not have let it go. */
async function landed(session: Session, deadline: PageDeadline): Promise<Loaded> {
  const refusal = await deadline.run(session.guard.vetLanding(session.page.url()));
  return refusal ? { kind: 'refused', url: refusal.url, reason: refusal.reason } : { kind: 'document' };
}

/** The soft waits of a freshly loaded document, as SEL makes them: each may time out with a warning. */
async function settle(page: Page, headless: Headless, limits: PageLimits, deadline: PageDeadline): Promise<string[]> {
  const warnings: string[] = [];
  await deadline.soft(page.waitForLoadState('load', { timeout: deadline.softTimeout(limits.waitMs) }));
  const waitSelector = headless.wait_selector?.trim() || 'body';
  const found = await deadline.soft(page.waitForSelector(waitSelector, { state: 'attached', timeout: deadline.softTimeout(limits.waitMs) }));
  if (!found) warnings.push(`headless.wait_selector "${waitSelector}" did not appear within ${limits.waitMs} ms on ${page.url()}; read the page as it was`);
  if (headless.wait_network_idle) await deadline.soft(page.waitForLoadState('networkidle', { timeout: deadline.softTimeout(limits.waitMs) }));
  return warnings;
}

/** The document's events (the iframe's when configured), then those of the JSON responses intercepted since the last read. */
async function readDocument(
  session: Session,
  source: SourceConfig,
  headless: Headless,
  intercept: Intercept | undefined,
  deadline: PageDeadline,
  warnings: string[],
  fresh: boolean,
): Promise<RawEvent[]> {
  const { html, pageUrl } = await documentToRead(session.page, headless, deadline, warnings);
  const extracted = extractCss(html, pageUrl, source.selectors ?? {});
  const events = [...extracted.events];
  warnings.push(...extracted.warnings);
  if (!intercept) return events;
  const bodies = await deadline.run(Promise.all(session.captured.splice(0)));
  if (bodies.length === 0 && fresh) warnings.push(`headless.intercept: no response matched url_pattern "${intercept.pattern.source}" on ${session.page.url()}`);
  for (const answer of bodies) {
    const read =
      'error' in answer
        ? { events: [], warnings: [`headless.intercept: ${answer.url} is not JSON (${describeError(answer.error)})`] }
        : interceptedEvents(answer.body, answer.url, intercept, session.page.url());
    events.push(...read.events);
    warnings.push(...read.warnings);
  }
  return events;
}

/** Events read before in the same document are not yielded again when "load more" re-renders the list. */
function unseen(seen: Set<string>, event: RawEvent): boolean {
  const key = eventKey(event);
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

function eventKey(event: RawEvent): string {
  return JSON.stringify(event);
}

/** Only web pages are opened: a config or a page must not point the browser at file: or chrome: URLs. */
function assertNavigable(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SelScraperError('ERR_FETCH', `not a URL: "${url}"`);
  }
  if (!isHttpUrl(parsed)) {
    throw new SelScraperError('ERR_FETCH', `refused to open ${url} in the browser: only http(s) pages are rendered`);
  }
}

/** The iframe's document when one is configured and found, else the page's. */
async function documentToRead(page: Page, headless: Headless, deadline: PageDeadline, warnings: string[]): Promise<{ html: string; pageUrl: string }> {
  const iframe = headless.iframe;
  if (iframe?.selector?.trim()) {
    const element = await deadline
      .run(page.waitForSelector(iframe.selector, { state: 'attached', timeout: deadline.softTimeout(IFRAME_FIND_MS) }))
      .catch((error: unknown) => {
        if (deadline.reason) throw error;
        return null;
      });
    const frame = element ? await deadline.run(element.contentFrame()) : null;
    if (frame) {
      const waitMs = iframe.wait_timeout_ms || DEFAULT_WAIT_MS;
      if (iframe.wait_selector?.trim()) {
        const found = await deadline.soft(frame.waitForSelector(iframe.wait_selector, { state: 'attached', timeout: deadline.softTimeout(waitMs) }));
        if (!found) warnings.push(`headless.iframe.wait_selector "${iframe.wait_selector}" did not appear within ${waitMs} ms; read the frame as it was`);
      }
      return { html: await deadline.run(frame.content()), pageUrl: frame.url() };
    }
    warnings.push(`headless.iframe.selector "${iframe.selector}" found no frame on ${page.url()}; read the page itself`);
  }
  return { html: await deadline.run(page.content()), pageUrl: page.url() };
}

/**
 * What the pagination button offers after this page: its href when it is a link (opened once,
 * by the browser), else a click. None when there is no visible button or it leads back.
 */
async function nextStep(page: Page, headless: Headless, deadline: PageDeadline, warnings: string[], visited: Set<string>): Promise<Step | undefined> {
  const selector = headless.pagination_button?.trim();
  if (!selector) return undefined;
  // The page has had its waits already; a last page simply has no button, so none is waited for.
  const button = page.locator(selector).first();
  let count: number;
  try {
    count = await deadline.run(button.count());
  } catch (error) {
    if (deadline.reason) throw error;
    warnings.push(`headless.pagination_button "${selector}" is not a selector Chromium understands (${describeBrowserError(error)}); pagination stopped`);
    return undefined;
  }
  if (count === 0) return undefined;
  const href = (await deadline.run(button.getAttribute('href')))?.trim();
  if (href && !/^javascript:/i.test(href)) {
    const url = webUrl(href, page.url(), warnings);
    return url && !visited.has(url) ? { kind: 'goto', url } : undefined;
  }
  return (await deadline.run(button.isVisible())) ? { kind: 'click' } : undefined;
}

function webUrl(link: string, base: string, warnings: string[]): string | undefined {
  const url = new URL(link, base);
  if (isHttpUrl(url)) return url.href;
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
    return {
      events: [],
      warnings: [`headless.intercept: "${intercept.resultsPath}" in ${responseUrl} is ${results === undefined ? 'missing' : jsonKind(results)}, not an array`],
    };
  }
  const items = results.filter(isItem);
  const mapped = mapApiItems(items, intercept.mapping, pageUrl);
  // The mapping is REST's; its warnings name the block the user actually wrote.
  const warnings = mapped.warnings.map((warning) => warning.replaceAll('rest.field_map', 'headless.intercept.field_map'));
  if (items.length < results.length)
    warnings.push(`headless.intercept: skipped ${results.length - items.length} result(s) in ${responseUrl} that are not JSON objects`);
  return { events: mapped.events, warnings };
}
