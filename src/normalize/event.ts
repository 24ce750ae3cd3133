import { createHash } from 'node:crypto';
import type { RawEvent, RawPlace } from '../extract/raw-event.ts';
import type { SourceConfig } from '../sources/types.ts';
import { instantOf } from './dates.ts';
import type { EventInput, OccurrenceInput, PlaceInput } from './event-input.ts';
import { resolveDates, type ResolvedDates } from './event-dates.ts';
import { parseGoDuration } from './go-duration.ts';
import { isCc0 } from './license.ts';
import { cleanLine, cleanText } from './text.ts';
import { absoluteHttpUrl, publishableUrl } from './urls.ts';

const CC0_URL = 'https://creativecommons.org/publicdomain/zero/1.0/';
const MAX_NAME = 500;
const MAX_DESCRIPTION = 10_000;

export type NormalizeOutcome =
  | { kind: 'valid'; event: EventInput; warnings: string[] }
  | { kind: 'invalid'; name: string | undefined; reason: string }
  | { kind: 'skipped'; name: string | undefined; reason: string };

export interface NormalizeContext {
  source: SourceConfig;
  now: Date;
}

/**
 * One raw event to SEL's EventInput, applying the server's validation rules here so an event
 * it would reject is reported with the reason instead of being sent. Optional fields that are
 * unusable are dropped with a warning; required ones make the event invalid.
 */
export function normalizeEvent(raw: RawEvent, ctx: NormalizeContext): NormalizeOutcome {
  const { source } = ctx;
  const warnings: string[] = [];
  const name = cleanLine(raw.name);
  const invalid = (reason: string): NormalizeOutcome => ({ kind: 'invalid', name, reason });
  if (raw.cancelled) return { kind: 'skipped', name, reason: 'cancelled by the source' };
  if (!name) return invalid('no name');
  if (longerThan(name, MAX_NAME)) return invalid(`name is longer than ${MAX_NAME} characters`);

  const zone = raw.timezone ?? source.timezone;
  const occurrences: ResolvedDates[] = [];
  // Occurrences are a set: the same performance listed on two pages of a source is one.
  const seen = new Set<string>();
  for (const [index, occurrence] of (raw.occurrences ?? []).entries()) {
    const resolved = resolveDates(occurrence, zone, ctx.now);
    if (!resolved.ok) {
      warnings.push(`occurrence ${index + 1} dropped: ${resolved.reason}`);
      continue;
    }
    const key = `${instantOf(resolved.dates.startDate)}|${resolved.dates.endDate ? instantOf(resolved.dates.endDate) : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    occurrences.push(resolved.dates);
  }
  occurrences.sort((a, b) => instantOf(a.startDate) - instantOf(b.startDate));
  let main: ResolvedDates;
  const own = resolveDates(raw, zone, ctx.now);
  if (own.ok) main = own.dates;
  else if (occurrences[0]) main = { ...occurrences[0], warnings: [] };
  else return invalid(own.reason);
  warnings.push(...main.warnings, ...occurrences.flatMap((o) => o.warnings));
  const only = occurrences.length === 1 ? occurrences[0] : undefined;
  if (only && instantOf(only.startDate) === instantOf(main.startDate)) {
    // A lone sub-event at the event's own start is the event itself: its end and door time are the event's.
    if (!main.endDate && only.endDate) main.endDate = only.endDate;
    if (!main.doorTime && only.doorTime) main.doorTime = only.doorTime;
  }
  if (main.endDate && instantOf(main.endDate) < instantOf(main.startDate)) {
    warnings.push(`end ${main.endDate} is before start ${main.startDate}; SEL will hold it for review`);
  }

  const event: EventInput = {
    name,
    startDate: main.startDate,
    source: { url: '', eventId: '' },
  };
  const type = raw.types?.find((t) => t.endsWith('Event') || t === 'Festival' || t === 'CourseInstance' || t === 'Hackathon');
  if (type) event['@type'] = type;
  if (main.endDate) event.endDate = main.endDate;
  if (main.doorTime) event.doorTime = main.doorTime;
  if (main.yearWasInferred) warnings.push('year was inferred');

  const description = cleanText(raw.description);
  if (description) {
    if (longerThan(description, MAX_DESCRIPTION)) {
      event.description =
        Array.from(description)
          .slice(0, MAX_DESCRIPTION - 1)
          .join('') + '…';
      warnings.push(`description cut to ${MAX_DESCRIPTION} characters`);
    } else {
      event.description = description;
    }
  } else {
    warnings.push('no description: SEL will hold the event for review');
  }
  if (source.domain) event.eventDomain = source.domain;

  const url = publishableUrl(raw.url, raw.pageUrl);
  if (url?.ok) event.url = url.value;
  else if (url) warnings.push(`url dropped: ${url.reason}`);
  const image = publishableUrl(raw.image, raw.pageUrl);
  if (image?.ok) event.image = image.value;
  else if (image) warnings.push(`image dropped: ${image.reason}`);

  const place = toPlace(raw.location) ?? toPlace(defaultLocation(source));
  if (place) event.location = place;
  const virtualUrl = absoluteHttpUrl(raw.virtualLocation?.url, raw.pageUrl);
  if (virtualUrl?.ok) {
    event.virtualLocation = { '@type': 'VirtualLocation', url: virtualUrl.value, ...(raw.virtualLocation?.name ? { name: raw.virtualLocation.name } : {}) };
  }
  if (!event.location && !event.virtualLocation) {
    return invalid('no location or virtual location (set default_location in the source config)');
  }

  const organizer = raw.organizer;
  if (organizer?.name) {
    const organizerUrl = absoluteHttpUrl(organizer.url, raw.pageUrl);
    event.organizer = {
      name: organizer.name,
      ...(organizerUrl?.ok ? { url: organizerUrl.value } : {}),
      ...(organizer.email ? { email: organizer.email } : {}),
      ...(organizer.telephone ? { telephone: organizer.telephone } : {}),
    };
  }
  if (raw.offers) {
    const offerUrl = absoluteHttpUrl(raw.offers.url, raw.pageUrl);
    const offers = {
      ...(raw.offers.price ? { price: raw.offers.price } : {}),
      ...(raw.offers.priceCurrency ? { priceCurrency: raw.offers.priceCurrency } : {}),
      ...(offerUrl?.ok ? { url: offerUrl.value } : {}),
    };
    if (Object.keys(offers).length > 0) event.offers = offers;
  }
  if (raw.keywords?.length) event.keywords = raw.keywords;
  if (raw.inLanguage?.length) event.inLanguage = raw.inLanguage;
  const sameAs = (raw.sameAs ?? [])
    .map((s) => absoluteHttpUrl(s, raw.pageUrl))
    .filter((r) => r?.ok)
    .map((r) => (r as { value: string }).value);
  if (sameAs.length) event.sameAs = sameAs;
  if (raw.isAccessibleForFree !== undefined) event.isAccessibleForFree = raw.isAccessibleForFree;

  if (source.license) {
    if (!isCc0(source.license)) return invalid(`license "${source.license}" is not CC0; SEL accepts only CC0 events`);
    event.license = CC0_URL;
  }
  if (source.skip_multi_session_check) event.skip_multi_session_check = true;
  const threshold = source.multi_session_duration_threshold ? parseGoDuration(source.multi_session_duration_threshold) : undefined;
  if (threshold !== undefined) event.multi_session_duration_threshold = threshold;

  if (raw.recurrence) event.recurrence = raw.recurrence;
  if (occurrences.length > 1 || (only && !sameDates(only, main))) event.occurrences = occurrences.map(toOccurrence);
  const sourceUrl = source.url && !source.urls?.length ? source.url : raw.pageUrl;
  event.source = {
    url: sourceUrl,
    eventId: eventIdOf(raw, event),
    name: source.name,
    ...(event.license ? { license: event.license } : {}),
  };
  return { kind: 'valid', event, warnings };
}

/**
 * More than `max` characters (code points, as SEL counts them). A string of at most `max` UTF-16
 * units cannot have more code points, so only long strings are split into an array to count.
 */
function longerThan(text: string, max: number): boolean {
  return text.length > max && Array.from(text).length > max;
}

function sameDates(a: ResolvedDates, b: ResolvedDates): boolean {
  return a.startDate === b.startDate && a.endDate === b.endDate && a.doorTime === b.doorTime;
}

function toOccurrence(dates: ResolvedDates): OccurrenceInput {
  return {
    startDate: dates.startDate,
    ...(dates.endDate ? { endDate: dates.endDate } : {}),
    ...(dates.doorTime ? { doorTime: dates.doorTime } : {}),
    ...(dates.yearWasInferred ? { yearWasInferred: true } : {}),
  };
}

/**
 * The server deduplicates on (host of source.url, eventId), so the id must be stable across
 * runs and distinct between events: the source's own id, else the event's URL, else a hash of
 * what identifies it on the page. SEL's scraper falls back to the page URL, which merges every
 * such event on a page into one.
 */
function eventIdOf(raw: RawEvent, event: EventInput): string {
  const own = raw.id?.trim();
  if (own) {
    if (raw.opaqueId || /^[a-z][a-z0-9+.-]*:/i.test(own)) return own;
    const resolved = absoluteHttpUrl(own, raw.pageUrl);
    return resolved?.ok ? resolved.value : own;
  }
  if (event.url) return event.url;
  const fingerprint = createHash('sha256')
    .update(`${event.name}|${event.startDate}|${event.location?.name ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  return `${raw.pageUrl}#event-${fingerprint}`;
}

function toPlace(raw: RawPlace | undefined): PlaceInput | undefined {
  if (!raw) return undefined;
  const place: PlaceInput = {};
  for (const key of ['name', 'streetAddress', 'addressLocality', 'addressRegion', 'postalCode', 'addressCountry'] as const) {
    const value = cleanLine(raw[key]);
    if (value) place[key] = value;
  }
  const latitude = Number(raw.latitude);
  const longitude = Number(raw.longitude);
  if (
    raw.latitude !== undefined &&
    raw.longitude !== undefined &&
    Number.isFinite(latitude) &&
    Number.isFinite(longitude) &&
    (latitude !== 0 || longitude !== 0)
  ) {
    place.latitude = latitude;
    place.longitude = longitude;
  }
  // SEL needs a name on every place; a bare address is the best name a site gave us.
  if (!place.name && place.streetAddress) place.name = place.streetAddress;
  return place.name ? place : undefined;
}

function defaultLocation(source: SourceConfig): RawPlace | undefined {
  const d = source.default_location;
  if (!d) return undefined;
  const place: RawPlace = {};
  if (d.name) place.name = d.name;
  if (d.street_address) place.streetAddress = d.street_address;
  if (d.address_locality) place.addressLocality = d.address_locality;
  if (d.address_region) place.addressRegion = d.address_region;
  if (d.postal_code) place.postalCode = d.postal_code;
  if (d.address_country) place.addressCountry = d.address_country;
  if (d.latitude !== undefined) place.latitude = d.latitude;
  if (d.longitude !== undefined) place.longitude = d.longitude;
  return place;
}
