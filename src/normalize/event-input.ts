/**
 * SEL's EventInput as its server decodes it (internal/domain/events/validation.go), limited to
 * the fields a scraper sends. Field names are SEL's wire names.
 */
export interface PlaceInput {
  name?: string;
  streetAddress?: string;
  addressLocality?: string;
  addressRegion?: string;
  postalCode?: string;
  addressCountry?: string;
  latitude?: number;
  longitude?: number;
}

export interface OccurrenceInput {
  startDate: string;
  endDate?: string;
  doorTime?: string;
  timezone?: string;
  yearWasInferred?: boolean;
}

export interface EventInput {
  '@type'?: string;
  name: string;
  description?: string;
  startDate: string;
  endDate?: string;
  doorTime?: string;
  eventDomain?: string;
  location?: PlaceInput;
  virtualLocation?: { '@type'?: 'VirtualLocation'; url: string; name?: string };
  organizer?: { name?: string; url?: string; email?: string; telephone?: string };
  image?: string;
  url?: string;
  keywords?: string[];
  inLanguage?: string[];
  isAccessibleForFree?: boolean;
  offers?: { url?: string; price?: string; priceCurrency?: string };
  sameAs?: string[];
  license?: string;
  source: { url: string; eventId: string; name?: string; license?: string };
  occurrences?: OccurrenceInput[];
  recurrence?: Record<string, unknown>;
  lifecycle_state?: 'review';
  skip_multi_session_check?: boolean;
  multi_session_duration_threshold?: number;
}
