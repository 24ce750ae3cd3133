import { SelScraperError } from '../errors.ts';
import { isHttpUrl } from '../http-url.ts';
import type { SourceConfig } from '../sources/types.ts';
import { applyRule, compileApiMapping, fieldOf, isItem, jsonKind, listKeys, mapApiItems, type ApiField, type ApiMapping, type Item } from './api-mapping.ts';
import type { ExtractResult } from './raw-event.ts';

export interface RestPage extends ExtractResult {
  /** The next page to read, already checked to be on the API's host. */
  next?: string;
}

/**
 * One page of a REST JSON API: the events under `results_field` and the next page from
 * `next_field`. Throws ERR_EXTRACT when the response does not have the configured shape.
 */
export function extractRestPage(body: unknown, source: SourceConfig, pageUrl: string): RestPage {
  const rest = source.rest;
  if (!rest?.endpoint) throw new SelScraperError('ERR_INTERNAL', `source ${source.name} has no rest.endpoint`);
  const mapping = compileApiMapping('rest', rest.field_map, rest.url_template, 'identity');
  const resultsField = rest.results_field || 'results';
  const warnings: string[] = [];

  if (resultsField === '.') {
    if (!Array.isArray(body)) {
      throw new SelScraperError('ERR_EXTRACT', `rest.results_field is "." but ${pageUrl} answered with ${jsonKind(body)}, not an array${keysHint(body)}`);
    }
    const mapped = mapApiItems(objectItems(body, pageUrl, warnings), mapping, pageUrl);
    return { events: mapped.events, warnings: [...warnings, ...mapped.warnings] };
  }
  if (!isItem(body)) {
    throw new SelScraperError(
      'ERR_EXTRACT',
      `${pageUrl} answered with ${jsonKind(body)}, not a JSON object${Array.isArray(body) ? '; set rest.results_field: "." for an API that returns a bare array' : ''}`,
    );
  }
  const results = fieldOf(body, resultsField);
  if (results === undefined) {
    warnings.push(`${pageUrl}: no "${resultsField}" field in the response (it has ${listKeys(body)}); check rest.results_field`);
    return { events: [], warnings };
  }
  let items: Item[];
  if (rest.flatten) {
    const collected: Item[] = [];
    collectEventLists(results, collected, (item) => hasField(mapping, 'start_date', item), 0);
    // Flatten collects every list of objects, and some are not events (ticket types, keywords).
    items = collected.filter((item) => hasField(mapping, 'name', item) || hasField(mapping, 'start_date', item));
    if (items.length < collected.length)
      warnings.push(`${pageUrl}: flatten skipped ${collected.length - items.length} nested item(s) with neither a name nor a start date`);
  } else if (results === null) {
    items = [];
  } else if (Array.isArray(results)) {
    items = objectItems(results, pageUrl, warnings);
  } else {
    throw new SelScraperError(
      'ERR_EXTRACT',
      `"${resultsField}" in ${pageUrl} is ${jsonKind(results)}, not an array; set rest.flatten: true if the events are nested inside it`,
    );
  }
  const { events, warnings: mappingWarnings } = mapApiItems(items, mapping, pageUrl);
  const page: RestPage = { events, warnings: [...warnings, ...mappingWarnings] };
  const next = nextPage(body, rest.next_field || 'next', pageUrl, rest.endpoint, page.warnings);
  if (next) page.next = next;
  return page;
}

/**
 * SEL's flatten walk: depth-first, object keys in sorted order. An array of objects none of
 * which holds a list of objects is a list of events; any other array is a wrapper (TNEW's
 * productions[].performances[]) whose elements are walked in turn. First, though, an array whose
 * items have a start date under the field_map is taken as events outright: SEL would otherwise
 * walk past performances that carry a list of prices and take the prices instead.
 */
function collectEventLists(value: unknown, out: Item[], hasStart: (item: Item) => boolean, depth: number): void {
  if (depth > 32) return;
  if (Array.isArray(value)) {
    const objects = value.every(isItem);
    if (objects && (value.some(hasStart) || !value.some((item) => Object.values(item).some(isObjectList)))) {
      out.push(...value);
      return;
    }
    for (const element of value) collectEventLists(element, out, hasStart, depth + 1);
    return;
  }
  if (isItem(value)) {
    for (const key of Object.keys(value).sort()) collectEventLists(value[key], out, hasStart, depth + 1);
  }
}

function hasField(mapping: ApiMapping, field: ApiField, item: Item): boolean {
  const rule = mapping.rules.get(field);
  return rule !== undefined && applyRule(rule, field, item).value !== undefined;
}

function isObjectList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every(isItem);
}

/**
 * The next page from `next_field`, resolved against the page (SEL stops at relative links). Only
 * the API's own host is followed, so a response cannot send the scraper, and any headers
 * configured for the API, to another site.
 */
function nextPage(body: Item, nextField: string, pageUrl: string, endpoint: string, warnings: string[]): string | undefined {
  const value = fieldOf(body, nextField);
  if (value === undefined || value === null || value === false || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') {
    warnings.push(`${pageUrl}: "${nextField}" is ${jsonKind(value)}, not a URL; pagination stopped`);
    return undefined;
  }
  let next: URL;
  try {
    next = new URL(value.trim(), pageUrl);
  } catch {
    warnings.push(`${pageUrl}: "${nextField}" is not a URL (${JSON.stringify(value)}); pagination stopped`);
    return undefined;
  }
  if (!isHttpUrl(next)) {
    warnings.push(`${pageUrl}: "${nextField}" is not an http(s) URL (${next.href}); pagination stopped`);
    return undefined;
  }
  const allowed = new Set([new URL(endpoint).host, new URL(pageUrl).host]);
  if (!allowed.has(next.host)) {
    warnings.push(`${pageUrl}: next page ${next.href} is on another host than the API (${new URL(endpoint).host}); pagination stopped`);
    return undefined;
  }
  return next.href;
}

/** Array elements that are objects; the others are reported and skipped. */
function objectItems(values: readonly unknown[], pageUrl: string, warnings: string[]): Item[] {
  const items = values.filter(isItem);
  if (items.length < values.length) warnings.push(`${pageUrl}: skipped ${values.length - items.length} result(s) that are not JSON objects`);
  return items;
}

function keysHint(body: unknown): string {
  return isItem(body) ? ` (it has ${listKeys(body)}; set rest.results_field to the one holding the events)` : '';
}
