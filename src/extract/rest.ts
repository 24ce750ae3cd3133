import { SelScraperError } from '../errors.ts';
import type { SourceConfig } from '../sources/types.ts';
import { isFieldTemplate, parseFieldTemplate, renderFieldTemplate, valueAtKeys, type FieldTemplate } from './field-template.ts';
import type { ExtractResult, RawEvent } from './raw-event.ts';

type Item = Record<string, unknown>;

const API_FIELDS = ['name', 'start_date', 'end_date', 'url', 'image', 'location', 'description'] as const;
export type ApiField = (typeof API_FIELDS)[number];

type FieldRule = { kind: 'path'; spec: string } | { kind: 'template'; spec: string; template: FieldTemplate } | { kind: 'identity' };

/** How API items become raw events: SEL's `field_map` and `url_template`, compiled once. */
export interface ApiMapping {
  block: 'rest' | 'graphql';
  rules: ReadonlyMap<ApiField, FieldRule>;
  urlTemplate?: FieldTemplate;
  /** Whether the rules came from the user (worth a warning when they find nothing) or a fallback. */
  explicit: boolean;
}

export interface RestPage extends ExtractResult {
  /** The next page to read, already checked to be on the API's host. */
  next?: string;
}

/**
 * Compiles `field_map` and `url_template`. With an empty field_map, `fallback` applies: REST maps
 * each field from the item key of the same name, GraphQL uses SEL's DatoCMS mapping. Throws
 * ERR_CONFIG_INVALID for a template outside the supported subset.
 */
export function compileApiMapping(
  block: 'rest' | 'graphql',
  fieldMap: Readonly<Record<string, string>> | undefined,
  urlTemplate: string | undefined,
  fallback: 'identity' | Readonly<Partial<Record<ApiField, string>>>,
): ApiMapping {
  const rules = new Map<ApiField, FieldRule>();
  const given = Object.entries(fieldMap ?? {}).filter(([key, spec]) => (API_FIELDS as readonly string[]).includes(key) && spec.trim() !== '');
  const explicit = given.length > 0;
  if (explicit) {
    for (const [key, spec] of given) rules.set(key as ApiField, ruleFor(spec, `${block}.field_map.${key}`));
  } else if (fallback === 'identity') {
    for (const key of API_FIELDS) rules.set(key, { kind: 'identity' });
  } else {
    for (const [key, spec] of Object.entries(fallback)) rules.set(key as ApiField, ruleFor(spec, `${block}.field_map.${key}`));
  }
  const mapping: ApiMapping = { block, rules, explicit };
  if (urlTemplate?.trim()) mapping.urlTemplate = parseFieldTemplate(urlTemplate, `${block}.url_template`);
  return mapping;
}

function ruleFor(spec: string, where: string): FieldRule {
  return isFieldTemplate(spec) ? { kind: 'template', spec, template: parseFieldTemplate(spec, where) } : { kind: 'path', spec: spec.trim() };
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
    throw new SelScraperError('ERR_EXTRACT', `${pageUrl} answered with ${jsonKind(body)}, not a JSON object${Array.isArray(body) ? '; set rest.results_field: "." for an API that returns a bare array' : ''}`);
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
    if (items.length < collected.length) warnings.push(`${pageUrl}: flatten skipped ${collected.length - items.length} nested item(s) with neither a name nor a start date`);
  } else if (results === null) {
    items = [];
  } else if (Array.isArray(results)) {
    items = objectItems(results, pageUrl, warnings);
  } else {
    throw new SelScraperError('ERR_EXTRACT', `"${resultsField}" in ${pageUrl} is ${jsonKind(results)}, not an array; set rest.flatten: true if the events are nested inside it`);
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
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
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

/**
 * Maps API items to raw events. Warns once per template key that is missing (SEL leaves the
 * field empty without a word) and once per configured dot path that matched no item (a typo).
 */
export function mapApiItems(items: readonly Item[], mapping: ApiMapping, pageUrl: string): ExtractResult {
  const missingKeys = new Map<string, { where: string; key: string; count: number }>();
  const emptyPaths = new Map<ApiField, number>();
  const noteMissing = (where: string, key: string) => {
    const entry = missingKeys.get(`${where} ${key}`) ?? { where, key, count: 0 };
    entry.count++;
    missingKeys.set(`${where} ${key}`, entry);
  };
  const events = items.map((item) => {
    const values = new Map<ApiField, string>();
    for (const [field, rule] of mapping.rules) {
      const result = applyRule(rule, field, item);
      if (result.value !== undefined) values.set(field, result.value);
      else if (result.missing) noteMissing(`${mapping.block}.field_map.${field}`, result.missing);
      else if (rule.kind === 'path') emptyPaths.set(field, (emptyPaths.get(field) ?? 0) + 1);
    }
    if (mapping.urlTemplate) {
      const rendered = renderFieldTemplate(mapping.urlTemplate, item);
      if (!rendered.ok) noteMissing(`${mapping.block}.url_template`, rendered.missing);
      else if (rendered.value.trim()) values.set('url', rendered.value.trim());
    }
    return toRawEvent(values, pageUrl);
  });

  const warnings: string[] = [];
  for (const { where, key, count } of missingKeys.values()) {
    warnings.push(`${pageUrl}: ${where}: ${key} is missing in ${count} of ${items.length} item(s), so the field was left empty there`);
  }
  if (mapping.explicit) {
    for (const [field, count] of emptyPaths) {
      const rule = mapping.rules.get(field);
      if (count === items.length && rule?.kind === 'path') {
        warnings.push(`${pageUrl}: ${mapping.block}.field_map.${field}: "${rule.spec}" found no value in any of the ${items.length} item(s)`);
      }
    }
  }
  return { events, warnings };
}

function applyRule(rule: FieldRule, field: ApiField, item: Item): { value?: string; missing?: string } {
  if (rule.kind === 'template') {
    const rendered = renderFieldTemplate(rule.template, item);
    if (!rendered.ok) return { missing: rendered.missing };
    const value = rendered.value.trim();
    return value ? { value } : {};
  }
  const raw = rule.kind === 'path' ? valueAtPath(item, rule.spec) : identityValue(item, field);
  const value = scalarText(raw);
  return value === undefined ? {} : { value };
}

/**
 * A dot path through nested objects. A key that itself contains dots is matched first, and a
 * numeric step indexes an array (`rooms.0.name`); SEL knows neither.
 */
function valueAtPath(item: Item, spec: string): unknown {
  if (Object.hasOwn(item, spec)) return item[spec];
  return valueAtKeys(item, spec.split('.'));
}

/** REST without a field_map: each field from the item key that spells it, in any case or style. */
function identityValue(item: Item, field: ApiField): unknown {
  if (Object.hasOwn(item, field)) return item[field];
  const wanted = field.replace(/_/g, '');
  const key = Object.keys(item).find((k) => k.replace(/_/g, '').toLowerCase() === wanted);
  return key === undefined ? undefined : item[key];
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function toRawEvent(values: ReadonlyMap<ApiField, string>, pageUrl: string): RawEvent {
  const event: RawEvent = { pageUrl };
  const set = <K extends keyof RawEvent>(key: K, value: RawEvent[K] | undefined) => {
    if (value !== undefined) event[key] = value;
  };
  set('name', values.get('name'));
  set('startDate', values.get('start_date'));
  set('endDate', values.get('end_date'));
  set('url', values.get('url'));
  set('image', values.get('image'));
  set('description', values.get('description'));
  const location = values.get('location');
  if (location) event.location = { name: location };
  return event;
}

/** Array elements that are objects; the others are reported and skipped. */
function objectItems(values: readonly unknown[], pageUrl: string, warnings: string[]): Item[] {
  const items = values.filter(isItem);
  if (items.length < values.length) warnings.push(`${pageUrl}: skipped ${values.length - items.length} result(s) that are not JSON objects`);
  return items;
}

/** A top-level key as written (e.g. "@odata.nextLink"), else a dot path ("data.events"). */
export function fieldOf(body: Item, name: string): unknown {
  if (Object.hasOwn(body, name)) return body[name];
  return name.includes('.') ? valueAtKeys(body, name.split('.')) : undefined;
}

export function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function listKeys(value: Item): string {
  const keys = Object.keys(value);
  if (keys.length === 0) return 'no fields';
  const shown = keys.slice(0, 8).map((k) => `"${k}"`).join(', ');
  return keys.length > 8 ? `fields ${shown}, …` : `fields ${shown}`;
}

function keysHint(body: unknown): string {
  return isItem(body) ? ` (it has ${listKeys(body)}; set rest.results_field to the one holding the events)` : '';
}
