import type { Element } from 'domhandler';
import { SelScraperError } from '../errors.ts';
import { parseHttpUrl } from '../http-url.ts';
import type { SourceFile } from '../sources/schema.ts';
import { documentBase, isElement, loadHtml, needsSpecTree, type HtmlPage, type HtmlParsing } from './css-selector.ts';
import { matchesIn, selectIn, parseFieldSelector, selectorProblem, type FieldSelector } from './css-query.ts';
import { detached, textLine, textLines } from './css-text.ts';
import type { ExtractResult, RawEvent } from './raw-event.ts';

/** The `selectors` block of a source config. */
export type Selectors = NonNullable<SourceFile['selectors']>;

interface CompiledSelectors {
  eventList: string;
  name?: FieldSelector;
  location?: FieldSelector;
  description: FieldSelector[];
  url?: FieldSelector;
  image?: FieldSelector;
  startDate?: FieldSelector;
  endDate?: FieldSelector;
  dateSelectors: FieldSelector[];
}

const DATE_ID = /^date-(\d{4}-\d{2}-\d{2})$/;

/**
 * Tier 1 (and the static read of tier 2): one raw event per `event_list` container, or per
 * row of `date_selectors` matches in it. Every field accepts `css::attribute` and matches the
 * container itself; text is the first match's, read with line breaks where the page shows them.
 * Unusable selectors are reported as warnings and match nothing, as in SEL.
 */
export function extractCss(page: string | HtmlPage, pageUrl: string, selectors: Selectors): ExtractResult {
  const warnings: string[] = [];
  const compiled = compile(selectors, warnings);
  if (!compiled) return { events: [], warnings };
  const $ = typeof page === 'string' ? loadHtml(page, cssParsing(selectors)) : page;
  const base = documentBase($, pageUrl);
  const containers = selectIn($.root, compiled.eventList);
  if (containers.length === 0) {
    warnings.push(`selectors.event_list "${compiled.eventList}" matched nothing on ${pageUrl}`);
    return { events: [], warnings };
  }

  const events: RawEvent[] = [];
  const dateRowsSeen: string[][] = [];
  const probes: DateProbe[] = [];
  let unnamed = 0;
  for (const container of containers) {
    const name = compiled.name ? readText(container, compiled.name, textLine) : undefined;
    if (!name) {
      unnamed++;
      continue;
    }
    const event: RawEvent = { name, pageUrl };
    const location = compiled.location ? readText(container, compiled.location, textLine) : undefined;
    if (location) event.location = { name: location };
    const description = compiled.description
      .map((field) => readText(container, field, textLines))
      .filter((text): text is string => Boolean(text))
      .join('\n\n');
    if (description) event.description = description;
    const url = compiled.url ? readUrl(container, compiled.url, base, 'link') : undefined;
    if (url) event.url = url;
    const image = compiled.image ? readUrl(container, compiled.image, base, 'image') : undefined;
    if (image) event.image = image;

    if (compiled.dateSelectors.length > 0) {
      const rows = dateRows(container, compiled.dateSelectors, probes.length === 0 ? probes : undefined);
      dateRowsSeen.push(...rows);
      const found = rows.some((row) => row.some((part) => part !== ''));
      if (!found && compiled.startDate) {
        // SEL's docs promise this fallback but its code never reads start_date here.
        events.push(withStartEnd(container, compiled, event));
        continue;
      }
      for (const row of rows) events.push({ ...event, dateParts: row });
    } else {
      events.push(withStartEnd(container, compiled, event));
    }
  }

  if (unnamed > 0) {
    const nameSpec = compiled.name ? `selectors.name "${compiled.name.spec}"` : 'selectors.name (not set)';
    warnings.push(`${unnamed} of ${containers.length} event containers on ${pageUrl} were skipped: ${nameSpec} found no text in them`);
  }
  warnings.push(...dateSelectorQuality(compiled.dateSelectors, dateRowsSeen, probes, pageUrl));
  return { events, warnings };
}

/**
 * How a source's pages are parsed for its selectors (and its pagination selector): by the
 * standard's tree building only when one of them needs it (see needsSpecTree), so that one
 * parse serves both the events and the next-page links.
 */
export function cssParsing(selectors: Selectors, pagination?: string): HtmlParsing {
  const written = Object.values(selectors)
    .flat()
    .filter((value): value is string => typeof value === 'string');
  return { spec: needsSpecTree(pagination === undefined ? written : [...written, pagination]) };
}

/**
 * The page's "next page" links: every element matching `selector` gives its href (or its first
 * link's), resolved against the page, so relative links work (SEL stops at them). Fragment-only
 * and non-http links are ignored, and the page itself is never its own next page.
 */
export function nextPageUrls(page: string | HtmlPage, pageUrl: string, selector: string): string[] {
  const problem = selectorProblem(selector);
  if (problem) throw new SelScraperError('ERR_CONFIG_INVALID', `selectors.pagination "${selector}" is not a usable CSS selector: ${problem}`);
  const $ = typeof page === 'string' ? loadHtml(page, { spec: needsSpecTree([selector]) }) : page;
  const base = documentBase($, pageUrl);
  const self = withoutFragment(pageUrl);
  const urls = new Set<string>();
  for (const element of $(selector).toArray().filter(isElement)) {
    const href = element.attribs.href ?? selectIn(element, 'a[href]')[0]?.attribs.href;
    const url = resolveLink(href, base);
    if (url && withoutFragment(url) !== self) urls.add(withoutFragment(url));
  }
  return [...urls];
}

function compile(selectors: Selectors, warnings: string[]): CompiledSelectors | undefined {
  const eventList = selectors.event_list?.trim();
  if (!eventList) {
    warnings.push('selectors.event_list is not set: nothing to read');
    return undefined;
  }
  const listProblem = selectorProblem(eventList);
  if (listProblem) {
    warnings.push(`selectors.event_list "${eventList}" is not a usable CSS selector (${listProblem}); no events read`);
    return undefined;
  }
  const field = (key: string, spec: string | undefined): FieldSelector | undefined => {
    if (spec === undefined || spec.trim() === '') return undefined;
    const parsed = parseFieldSelector(spec);
    const problem = parsed.css === undefined ? undefined : selectorProblem(parsed.css);
    if (problem) {
      warnings.push(`selectors.${key} "${spec}" is not a usable CSS selector (${problem}); it matches nothing`);
      return undefined;
    }
    return parsed;
  };
  const descriptions = selectors.description_selectors ?? (selectors.description ? [selectors.description] : []);
  const compiled: CompiledSelectors = {
    eventList,
    description: descriptions.map((spec, i) => field(`description_selectors[${i}]`, spec)).filter((f): f is FieldSelector => f !== undefined),
    // A broken date selector keeps its slot, so parts stay indexed by selector as in SEL.
    dateSelectors: (selectors.date_selectors ?? []).map((spec, i) => field(`date_selectors[${i}]`, spec) ?? { spec, css: ':not(*)' }),
  };
  const name = field('name', selectors.name);
  if (name) compiled.name = name;
  const location = field('location', selectors.location);
  if (location) compiled.location = location;
  const url = field('url', selectors.url);
  if (url) compiled.url = url;
  const image = field('image', selectors.image);
  if (image) compiled.image = image;
  const startDate = field('start_date', selectors.start_date);
  if (startDate) compiled.startDate = startDate;
  const endDate = field('end_date', selectors.end_date);
  if (endDate) compiled.endDate = endDate;
  return compiled;
}

/** Text (or the attribute) of the first match that has any. */
function readText(container: Element, field: FieldSelector, text: (element: Element) => string): string | undefined {
  for (const element of matchesIn(container, field)) {
    const value = field.attribute ? element.attribs[field.attribute]?.trim() : text(element);
    if (value) return detached(value);
  }
  return undefined;
}

const IMAGE_ATTRIBUTES = ['src', 'data-src', 'data-lazy-src', 'data-original'];

/**
 * An event link or image, absolute: from the attribute asked for, else the element's own
 * href/src (lazy-loading data-src and the first srcset candidate included, `content` for
 * <meta>), else the first link or image inside it.
 */
function readUrl(container: Element, field: FieldSelector, base: string, kind: 'link' | 'image'): string | undefined {
  for (const element of matchesIn(container, field)) {
    const attribute = field.attribute;
    const url = attribute
      ? kind === 'link'
        ? resolveLink(element.attribs[attribute], base)
        : resolveImage(element.attribs[attribute], base)
      : kind === 'link'
        ? elementLink(element, base)
        : elementImage(element, base);
    if (url) return url;
  }
  return undefined;
}

/** The link an element gives an event: its href (or <meta> content), else its first link's; absolute, never a fragment of the page. */
export function elementLink(element: Element, base: string): string | undefined {
  return resolveLink(element.attribs.href ?? element.attribs.content ?? selectIn(element, 'a[href]')[0]?.attribs.href, base);
}

/** The image an element gives an event: its own (lazy-loading attributes and srcset included), else its first image's; absolute. */
export function elementImage(element: Element, base: string): string | undefined {
  return resolveImage(imageSource(element) ?? selectIn(element, 'img, source').map(imageSource).find(Boolean), base);
}

function imageSource(element: Element): string | undefined {
  for (const name of IMAGE_ATTRIBUTES) {
    const value = element.attribs[name]?.trim();
    if (value && !value.startsWith('data:')) return value;
  }
  const srcset = element.attribs.srcset ?? element.attribs['data-srcset'];
  const first = srcset?.split(',')[0]?.trim().split(/\s+/)[0];
  return first || element.attribs.content;
}

function resolveLink(href: string | undefined, base: string): string | undefined {
  const value = href?.trim();
  // "#details" points back into the listing page, not at an event.
  if (!value || value.startsWith('#')) return undefined;
  return resolveHttp(value, base);
}

function resolveImage(src: string | undefined, base: string): string | undefined {
  const value = src?.trim();
  return value ? resolveHttp(value, base) : undefined;
}

function resolveHttp(value: string, base: string): string | undefined {
  return parseHttpUrl(value, base)?.href;
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash >= 0 ? url.slice(0, hash) : url;
}

/**
 * start_date / end_date of a container: the `datetime` attribute of the first match (a
 * machine-readable value beats display text), else `content` (microdata <meta>), else its text
 * with <br> read as a space, else an id like "date-2026-03-05".
 */
function withStartEnd(container: Element, compiled: CompiledSelectors, event: RawEvent): RawEvent {
  const result = { ...event };
  const start = compiled.startDate ? readDate(container, compiled.startDate) : undefined;
  if (start) result.startDate = start;
  const end = compiled.endDate ? readDate(container, compiled.endDate) : undefined;
  if (end) result.endDate = end;
  return result;
}

function readDate(container: Element, field: FieldSelector): string | undefined {
  const first = matchesIn(container, field)[0];
  if (!first) return undefined;
  const value = field.attribute ? first.attribs[field.attribute]?.trim() : elementDate(first);
  return value ? detached(value) : undefined;
}

/** A start or end date element's value: `datetime` (machine-readable beats display text), else `content`, else its text, else an id like "date-2026-03-05". */
export function elementDate(element: Element): string | undefined {
  return element.attribs.datetime?.trim() || element.attribs.content?.trim() || textLine(element) || DATE_ID.exec(element.attribs.id ?? '')?.[1];
}

interface DateProbe {
  matched: boolean;
  text: string;
}

/**
 * SEL's date_selectors rows: each selector's matches, in order, give one column; row i holds
 * the i-th match of every selector ("" where a selector has fewer). A date table of three
 * performances gives three rows, hence three raw events for the normaliser to group.
 */
function dateRows(container: Element, fields: FieldSelector[], probes: DateProbe[] | undefined): string[][] {
  const columns = fields.map((field) => matchesIn(container, field).map((element) => datePart(element, field)));
  if (probes) probes.push(...columns.map((column) => ({ matched: column.length > 0, text: column[0] ?? '' })));
  const rowCount = Math.max(1, ...columns.map((column) => column.length));
  return Array.from({ length: rowCount }, (_, row) => columns.map((column) => column[row] ?? ''));
}

function datePart(element: Element, field: FieldSelector): string {
  if (field.attribute) return detached(element.attribs[field.attribute]?.trim() ?? '');
  return detached(textLine(element) || element.attribs.datetime?.trim() || element.attribs.content?.trim() || '');
}

/** SEL's date-selector coverage warnings (quality.go), per page. */
function dateSelectorQuality(fields: FieldSelector[], rows: string[][], probes: DateProbe[], pageUrl: string): string[] {
  if (fields.length === 0 || rows.length === 0) return [];
  const warnings: string[] = [];
  for (const [i, field] of fields.entries()) {
    const matched = rows.filter((row) => (row[i] ?? '') !== '').length;
    if (matched === rows.length) continue;
    const probe = probes[i];
    const prefix = matched === 0 ? 'date_selector_never_matched' : 'date_selector_partial_match';
    let detail = '';
    if (probe && !probe.matched) detail = ' — first container: no element found for this selector';
    else if (probe && probe.text === '') detail = matched === 0 ? ' — first container: element found but text was empty' : '';
    else if (probe) detail = ` — first container: ${JSON.stringify(probe.text)}`;
    warnings.push(`${prefix}: selector #${i + 1} (${JSON.stringify(field.spec)}) matched ${matched}/${rows.length} events on ${pageUrl}${detail}`);
  }
  return warnings;
}
