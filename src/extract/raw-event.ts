/**
 * What an extractor found, before any cleaning: strings as written on the page. Every
 * extraction method produces these; normalize/ alone turns them into SEL's EventInput, so
 * timezone, URL and validation rules are written once.
 */
export interface RawPlace {
  name?: string;
  streetAddress?: string;
  addressLocality?: string;
  addressRegion?: string;
  postalCode?: string;
  addressCountry?: string;
  latitude?: number | string;
  longitude?: number | string;
}

export interface RawOccurrence {
  startDate?: string;
  endDate?: string;
  doorTime?: string;
  dateParts?: string[];
}

/**
 * SEL's series metadata for an expanded ICS occurrence, in its wire names (RecurrenceInput);
 * times are RFC 3339 because SEL decodes them as Go time.Time.
 */
export type RawRecurrence = {
  external_key: string;
  series_name: string;
  series_start: string;
  series_end: string | null;
  rrule: string;
  exdates: string[] | null;
  rdates: string[] | null;
  tzid: string;
};

export interface RawEvent {
  /** The source's own identity for the event (@id, identifier, ICS UID...), if it has one. */
  id?: string;
  /** `id` is an opaque token (an ICS UID), sent as the eventId verbatim, never read as a URL. */
  opaqueId?: boolean;
  /** schema.org types as written, e.g. ["MusicEvent"]. */
  types?: string[];
  name?: string;
  description?: string;
  startDate?: string;
  endDate?: string;
  doorTime?: string;
  /** Free-text date fragments (CSS date_selectors) for the human-date assembler. */
  dateParts?: string[];
  /** IANA zone the extractor knows these times are in (e.g. an ICS TZID); else the source's. */
  timezone?: string;
  url?: string;
  image?: string;
  location?: RawPlace;
  virtualLocation?: { url: string; name?: string };
  organizer?: { name?: string; url?: string; email?: string; telephone?: string };
  offers?: { price?: string; priceCurrency?: string; url?: string };
  keywords?: string[];
  inLanguage?: string[];
  sameAs?: string[];
  isAccessibleForFree?: boolean;
  cancelled?: boolean;
  occurrences?: RawOccurrence[];
  /** Set on each occurrence of an ICS series, which SEL receives one event per occurrence. */
  recurrence?: RawRecurrence;
  /** Page the event was found on; relative URLs resolve against it. */
  pageUrl: string;
}

export interface ExtractResult {
  events: RawEvent[];
  /** Things the user should know, e.g. a JSON-LD block that could not be repaired. */
  warnings: string[];
}
