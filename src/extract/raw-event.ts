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

export interface RawEvent {
  /** The source's own identity for the event (@id, identifier, ICS UID...), if it has one. */
  id?: string;
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
  /** Page the event was found on; relative URLs resolve against it. */
  pageUrl: string;
}

export interface ExtractResult {
  events: RawEvent[];
  /** Things the user should know, e.g. a JSON-LD block that could not be repaired. */
  warnings: string[];
}
