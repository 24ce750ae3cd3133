import { cleanLine, cleanText } from '../normalize/text.ts';
import { parseLenientJson } from './lenient-json.ts';
import type { ExtractResult, RawEvent, RawOccurrence, RawPlace } from './raw-event.ts';

type Node = Record<string, unknown>;

/**
 * schema.org Event and every subtype. Anything else whose type name ends in "Event" is taken
 * too, because sites invent types ("VirtualEvent") and dropping them loses real events.
 */
const EVENT_TYPES = new Set([
  'Event',
  'BusinessEvent',
  'ChildrensEvent',
  'ComedyEvent',
  'CourseInstance',
  'DanceEvent',
  'DeliveryEvent',
  'EducationEvent',
  'EventSeries',
  'ExhibitionEvent',
  'Festival',
  'FoodEvent',
  'Hackathon',
  'LiteraryEvent',
  'MusicEvent',
  'PublicationEvent',
  'BroadcastEvent',
  'OnDemandEvent',
  'SaleEvent',
  'ScreeningEvent',
  'SocialEvent',
  'SportsEvent',
  'TheaterEvent',
  'VisualArtsEvent',
]);

const SCRIPT_TAG = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const LD_JSON_TYPE = /\btype\s*=\s*(["']?)\s*application\/ld\+json\b[^"'>]*\1/i;

/**
 * Finds schema.org events in a page's JSON-LD. Scans for script blocks without building a DOM:
 * this runs on every page and a DOM costs ten times more than the regex.
 */
export function extractJsonLd(html: string, pageUrl: string): ExtractResult {
  const events: RawEvent[] = [];
  const warnings: string[] = [];
  let blockIndex = 0;
  for (const match of html.matchAll(SCRIPT_TAG)) {
    if (!LD_JSON_TYPE.test(match[1] ?? '')) continue;
    blockIndex++;
    const body = (match[2] ?? '').trim();
    if (body === '') continue;
    const parsed = parseLenientJson(body);
    if ('error' in parsed) {
      warnings.push(`JSON-LD block ${blockIndex} on ${pageUrl} is not valid JSON and was skipped: ${parsed.error}`);
      continue;
    }
    collectEvents(parsed.value, pageUrl, events, 0);
  }
  return { events, warnings };
}

/** Walks @graph, arrays, ItemList and nested `event(s)` properties down to event nodes. */
function collectEvents(value: unknown, pageUrl: string, out: RawEvent[], depth: number): void {
  if (depth > 8) return;
  if (Array.isArray(value)) {
    for (const item of value) collectEvents(item, pageUrl, out, depth + 1);
    return;
  }
  if (!isNode(value)) return;
  if (Array.isArray(value['@graph'])) collectEvents(value['@graph'], pageUrl, out, depth + 1);
  if (isEventNode(value)) {
    out.push(...eventsFromNode(value, pageUrl));
    return;
  }
  const types = typesOf(value);
  if (types.includes('ItemList') || value.itemListElement !== undefined) {
    for (const element of asArray(value.itemListElement)) {
      if (isNode(element) && isNode(element.item)) collectEvents(element.item, pageUrl, out, depth + 1);
      else collectEvents(element, pageUrl, out, depth + 1);
    }
  }
  for (const key of ['event', 'events', 'subjectOf', 'mainEntity']) {
    if (value[key] !== undefined) collectEvents(value[key], pageUrl, out, depth + 1);
  }
}

function eventsFromNode(node: Node, pageUrl: string): RawEvent[] {
  const parent = toRawEvent(node, pageUrl);
  const separate: RawEvent[] = [];
  const occurrences: RawOccurrence[] = [];
  for (const sub of asArray(node.subEvent)) {
    if (!isNode(sub)) continue;
    const child = toRawEvent(sub, pageUrl);
    const ownIdentity = (child.url && child.url !== parent.url) || (child.id && child.id !== parent.id);
    if (ownIdentity && child.name) {
      // A sub-event with its own page is an event in its own right; it inherits the series' venue.
      separate.push(inherit(child, parent));
    } else if (child.startDate) {
      occurrences.push({ startDate: child.startDate, ...opt('endDate', child.endDate), ...opt('doorTime', child.doorTime) });
    }
  }
  if (occurrences.length > 0) parent.occurrences = occurrences;
  const keepParent = parent.startDate !== undefined || occurrences.length > 0 || separate.length === 0;
  return keepParent ? [parent, ...separate] : separate;
}

function inherit(child: RawEvent, parent: RawEvent): RawEvent {
  return {
    ...child,
    ...(child.location || child.virtualLocation ? {} : { ...opt('location', parent.location), ...opt('virtualLocation', parent.virtualLocation) }),
    ...(child.organizer ? {} : opt('organizer', parent.organizer)),
    ...(child.image ? {} : opt('image', parent.image)),
    ...(child.description ? {} : opt('description', parent.description)),
  };
}

function toRawEvent(node: Node, pageUrl: string): RawEvent {
  const event: RawEvent = { pageUrl, types: typesOf(node) };
  // @id is an IRI (a relative one resolves against the page); identifier is the site's own
  // token ("ext-id-123"), the same on every page that lists the event, so it is sent verbatim.
  const iri = text(node['@id'])?.trim();
  const token = iri ? undefined : identifier(node.identifier);
  if (iri) event.id = iri;
  else if (token) Object.assign(event, { id: token, opaqueId: true });
  assign(event, 'name', cleanLine(text(node.name)));
  assign(event, 'description', cleanText(text(node.description)));
  assign(event, 'startDate', text(node.startDate)?.trim());
  assign(event, 'endDate', text(node.endDate)?.trim());
  assign(event, 'doorTime', text(node.doorTime)?.trim());
  assign(event, 'url', link(node.url));
  assign(event, 'image', image(node.image));
  const { place, virtual } = locations(node.location);
  assign(event, 'location', place);
  assign(event, 'virtualLocation', virtual);
  assign(event, 'organizer', organizer(node.organizer));
  assign(event, 'offers', offers(node.offers));
  assign(event, 'keywords', list(node.keywords, true));
  assign(event, 'inLanguage', languages(node.inLanguage));
  assign(event, 'sameAs', list(node.sameAs, false));
  assign(event, 'isAccessibleForFree', bool(node.isAccessibleForFree));
  if (/EventCancelled/i.test(text(node.eventStatus) ?? '')) event.cancelled = true;
  return event;
}

function locations(value: unknown): { place?: RawPlace; virtual?: { url: string; name?: string } } {
  let place: RawPlace | undefined;
  let virtual: { url: string; name?: string } | undefined;
  for (const item of asArray(value)) {
    if (typeof item === 'string') {
      place ??= nonEmptyPlace(opt('name', cleanLine(item)));
      continue;
    }
    if (!isNode(item)) continue;
    if (typesOf(item).includes('VirtualLocation')) {
      const url = link(item.url);
      if (url && !virtual) virtual = { url, ...opt('name', cleanLine(text(item.name))) };
      continue;
    }
    place ??= nonEmptyPlace(placeFrom(item));
  }
  return { ...opt('place', place), ...opt('virtual', virtual) };
}

function placeFrom(node: Node): RawPlace {
  const place: RawPlace = {};
  assign(place, 'name', cleanLine(text(node.name)));
  const address = node.address;
  if (typeof address === 'string') assign(place, 'streetAddress', cleanLine(address));
  for (const source of [isNode(address) ? address : undefined, node]) {
    if (!source) continue;
    assign(place, 'streetAddress', place.streetAddress ?? cleanLine(text(source.streetAddress)));
    assign(place, 'addressLocality', place.addressLocality ?? cleanLine(text(source.addressLocality)));
    assign(place, 'addressRegion', place.addressRegion ?? cleanLine(text(source.addressRegion)));
    assign(place, 'postalCode', place.postalCode ?? cleanLine(text(source.postalCode)));
    const country = isNode(source.addressCountry) ? source.addressCountry.name : source.addressCountry;
    assign(place, 'addressCountry', place.addressCountry ?? cleanLine(text(country)));
  }
  const geo = isNode(node.geo) ? node.geo : node;
  const latitude = coordinate(geo.latitude);
  const longitude = coordinate(geo.longitude);
  if (latitude !== undefined && longitude !== undefined) Object.assign(place, { latitude, longitude });
  return place;
}

function nonEmptyPlace(place: RawPlace): RawPlace | undefined {
  return Object.values(place).some((v) => v !== undefined && v !== '') ? place : undefined;
}

function organizer(value: unknown): RawEvent['organizer'] {
  const first = asArray(value)[0];
  if (typeof first === 'string') return first.trim() ? { name: cleanLine(first) ?? first } : undefined;
  if (!isNode(first)) return undefined;
  const result: NonNullable<RawEvent['organizer']> = {};
  assign(result, 'name', cleanLine(text(first.name)));
  assign(result, 'url', link(first.url));
  assign(result, 'email', text(first.email)?.trim());
  assign(result, 'telephone', text(first.telephone)?.trim());
  return Object.keys(result).length > 0 ? result : undefined;
}

function offers(value: unknown): RawEvent['offers'] {
  const all = asArray(value).filter(isNode);
  const first = all.find((o) => o.price !== undefined || o.lowPrice !== undefined) ?? all[0];
  if (!first) return undefined;
  const result: NonNullable<RawEvent['offers']> = {};
  const price = first.price ?? first.lowPrice;
  if (typeof price === 'number' || (typeof price === 'string' && price.trim() !== '')) result.price = String(price).trim();
  assign(result, 'priceCurrency', text(first.priceCurrency)?.trim());
  assign(result, 'url', link(first.url));
  return Object.keys(result).length > 0 ? result : undefined;
}

function image(value: unknown): string | undefined {
  for (const item of asArray(value)) {
    if (typeof item === 'string' && item.trim()) return item.trim();
    if (isNode(item)) {
      const url = text(item.url) ?? text(item.contentUrl) ?? text(item['@id']);
      if (url?.trim()) return url.trim();
    }
  }
  return undefined;
}

function link(value: unknown): string | undefined {
  for (const item of asArray(value)) {
    const candidate = typeof item === 'string' ? item : isNode(item) ? (text(item.url) ?? text(item['@id'])) : undefined;
    if (candidate?.trim()) return candidate.trim();
  }
  return undefined;
}

/** The first usable schema.org identifier: text, a number, {"@value": …} or a PropertyValue's value. */
function identifier(value: unknown): string | undefined {
  for (const item of asArray(value)) {
    const found = isNode(item) && item['@value'] === undefined ? (text(item.value) ?? text(item['@id'])) : text(item);
    if (found?.trim()) return found.trim();
  }
  return undefined;
}

function languages(value: unknown): string[] | undefined {
  const out = asArray(value)
    .map((item) => (isNode(item) ? (text(item.alternateName) ?? text(item.name)) : text(item)))
    .filter((s): s is string => !!s?.trim());
  return out.length > 0 ? out : undefined;
}

function list(value: unknown, splitCommas: boolean): string[] | undefined {
  const items = asArray(value).flatMap((item) => {
    const s = isNode(item) ? text(item.name) : text(item);
    if (!s) return [];
    return splitCommas ? s.split(',') : [s];
  });
  const out = items.map((s) => cleanLine(s)).filter((s): s is string => !!s);
  return out.length > 0 ? [...new Set(out)] : undefined;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return undefined;
}

function coordinate(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** A JSON-LD value as a string: plain, {"@value": ...}, or the first of an array. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return text(value[0]);
  if (isNode(value) && value['@value'] !== undefined) return text(value['@value']);
  return undefined;
}

function typesOf(node: Node): string[] {
  return asArray(node['@type'])
    .filter((t): t is string => typeof t === 'string')
    .map((t) => t.replace(/^https?:\/\/schema\.org\//i, '').replace(/^schema:/i, ''));
}

function isEventNode(node: Node): boolean {
  return typesOf(node).some((t) => EVENT_TYPES.has(t) || (t.endsWith('Event') && t !== 'UserEvent'));
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
