import { cleanText } from '../normalize/text.ts';
import type { RawPlace } from './raw-event.ts';

export interface LocationClues {
  /** LOCATION, unescaped. */
  location?: string;
  description?: string;
  /** The event's URL property. */
  url?: string;
  geo?: { latitude: number; longitude: number };
}

export interface LocationOptions {
  /** The source has a default_location, which beats guessing a venue from the description. */
  hasDefaultLocation: boolean;
}

export interface ResolvedLocation {
  location?: RawPlace;
  virtualLocation?: { url: string };
  /** The venue is the description's first line, a guess the report should mention. */
  guessedFromFirstLine?: true;
}

const MEETING_URL =
  /https?:\/\/(?:[\w-]+\.)*(?:zoom\.us|zoomgov\.com|meet\.google\.com|teams\.microsoft\.com|teams\.live\.com|webex\.com|whereby\.com|meet\.jit\.si|gotomeeting\.com|gotomeet\.me|bluejeans\.com)(?:\/[^\s<>"'()[\]]*)?/i;
/** LOCATION text that names a medium rather than a place: "Online", "Zoom", "Online via Zoom". */
const VIRTUAL_PLACE =
  /^(?:online|virtual|zoom|webinar|web ?cast|live ?stream(?:ed)?|google meet|(?:microsoft )?teams|webex)\b|\b(?:online|virtual) (?:event|meeting|only)\b|\bvia (?:zoom|teams|google meet|webex)\b/i;
/** Phrases that make an event online even without a link; bare "online" is too common to count. */
const VIRTUAL_DESCRIPTION =
  /\b(?:online event|virtual event|virtual meeting|online meeting|webinar|live ?stream|zoom meeting|teams meeting|google meet|microsoft teams|join (?:us )?(?:online|virtually|on zoom|via zoom))\b/i;
const LABELLED_PLACE =
  /^[ \t]*(?:meetup location|meet(?:ing)?[ -]?up point|meeting point|location|venue|address|where|starting point|start location)[ \t]*:[ \t]*(.+)$/im;
const MEET_AT = /\b[Mm]eet(?:ing)? (?:at|near|in front of|outside|inside|by) (?:the )?([A-Z0-9][^.!?\n]*)/;
const TRAILING_TIME = /\s+(?:at|@|from)\s+(?:noon|midnight|\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)\b.*$/i;

/**
 * Where an event happens, from what a VEVENT offers, in SEL's order of trust: LOCATION (a
 * place, or a medium such as "Zoom"), a meeting link anywhere, a labelled place in the
 * description ("Location: …", "Meet at …"), the source's default_location, and last the
 * description's first line (Meetup puts the group or venue there). SEL treats the event's
 * own URL as a virtual location when nothing else is found; we report the event instead.
 */
export function resolveLocation(clues: LocationClues, options: LocationOptions): ResolvedLocation {
  const description = plainDescription(clues.description);
  const meetingUrl = [clues.location, clues.url, description].map((s) => (s ? MEETING_URL.exec(s)?.[0] : undefined)).find(Boolean);
  const location = clues.location?.trim();
  if (location) {
    if (/^https?:\/\/\S+$/i.test(location)) return { virtualLocation: { url: location } };
    if (VIRTUAL_PLACE.test(location) && !location.includes(',')) {
      const url = meetingUrl ?? clues.url;
      // Without any link the medium's name is the best place SEL can be given.
      return url ? { virtualLocation: { url } } : { location: withGeo({ name: location }, clues.geo) };
    }
    return { location: withGeo(placeFromAddress(location), clues.geo), ...(meetingUrl ? { virtualLocation: { url: meetingUrl } } : {}) };
  }
  const geoOnly = clues.geo ? { location: withGeo({}, clues.geo) } : {};
  if (meetingUrl) return { virtualLocation: { url: meetingUrl }, ...geoOnly };
  if (description && clues.url && VIRTUAL_DESCRIPTION.test(description)) return { virtualLocation: { url: clues.url }, ...geoOnly };
  const labelled = description ? labelledPlace(description) : undefined;
  if (labelled) return { location: withGeo(placeFromAddress(labelled), clues.geo) };
  if (options.hasDefaultLocation || clues.geo) return geoOnly;
  // An HTML description's first line is a heading, not a venue; Meetup's plain text starts with one.
  const firstLine = description && !/<[a-z][^>]*>/i.test(clues.description ?? '') ? firstLineVenue(description) : undefined;
  return firstLine ? { location: { name: firstLine }, guessedFromFirstLine: true } : {};
}

const PROVINCES: Record<string, string> = {
  AB: 'CA',
  BC: 'CA',
  MB: 'CA',
  NB: 'CA',
  NL: 'CA',
  NS: 'CA',
  NT: 'CA',
  NU: 'CA',
  ON: 'CA',
  PE: 'CA',
  QC: 'CA',
  SK: 'CA',
  YT: 'CA',
  ALBERTA: 'CA',
  'BRITISH COLUMBIA': 'CA',
  MANITOBA: 'CA',
  'NEW BRUNSWICK': 'CA',
  'NEWFOUNDLAND AND LABRADOR': 'CA',
  'NOVA SCOTIA': 'CA',
  ONTARIO: 'CA',
  'PRINCE EDWARD ISLAND': 'CA',
  QUEBEC: 'CA',
  QUÉBEC: 'CA',
  SASKATCHEWAN: 'CA',
  YUKON: 'CA',
};
const US_STATES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'.split(
    ' ',
  ),
);
const COUNTRIES: Record<string, string> = { CANADA: 'CA', CA: 'CA', USA: 'US', US: 'US', 'UNITED STATES': 'US', 'UNITED STATES OF AMERICA': 'US' };
const POSTAL_CODE = /^(?:[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{5}(?:-\d{4})?)$/i;

/**
 * A LOCATION line as a place. "Venue, 12 Street, City, ON M5V 1Z1, Canada" is split into its
 * parts when its last part is recognisably a Canadian province or US state, which also gives
 * the country; anything else stays whole as the place's name rather than being split wrongly.
 */
function placeFromAddress(text: string): RawPlace {
  const whole = text.replace(/\s+/g, ' ').trim();
  const parts = whole
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  let country = COUNTRIES[parts.at(-1)?.toUpperCase() ?? ''];
  if (country) parts.pop();
  const regionPart = /^(.+?)(?:\s+([A-Z]\d[A-Z] ?\d[A-Z]\d|\d{5}(?:-\d{4})?))?$/i.exec(parts.at(-1) ?? '');
  const region = regionPart?.[1]?.trim() ?? '';
  const regionCountry = PROVINCES[region.toUpperCase()] ?? (US_STATES.has(region) ? 'US' : undefined);
  if (parts.length < 3 || !regionCountry) return { name: whole };
  country ??= regionCountry;
  const place: RawPlace = { addressLocality: parts.at(-2) ?? '', addressRegion: region, addressCountry: country };
  const postal = regionPart?.[2];
  if (postal && POSTAL_CODE.test(postal)) place.postalCode = postal.toUpperCase();
  const rest = parts.slice(0, -2);
  if (/^\d/.test(rest[0] ?? '')) place.streetAddress = rest.join(', ');
  else {
    place.name = rest[0] ?? whole;
    if (rest.length > 1) place.streetAddress = rest.slice(1).join(', ');
  }
  return place;
}

function withGeo(place: RawPlace, geo: LocationClues['geo']): RawPlace {
  return geo ? { ...place, latitude: geo.latitude, longitude: geo.longitude } : place;
}

/** Description text with HTML and Markdown links reduced to their words. */
function plainDescription(description: string | undefined): string | undefined {
  return cleanText(description?.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\\([~*_#])/g, '$1'));
}

function labelledPlace(description: string): string | undefined {
  const found = LABELLED_PLACE.exec(description)?.[1] ?? MEET_AT.exec(description)?.[1];
  const place = found
    ?.replace(TRAILING_TIME, '')
    .replace(/[\s.,;:!]+$/, '')
    .trim();
  return place && place.length <= 150 && !/^https?:/i.test(place) ? place : undefined;
}

/** A first line, followed by more text, short enough to be a name: not a sentence or a link. */
function firstLineVenue(description: string): string | undefined {
  const lines = description
    .split('\n')
    .map((l) => l.replace(/[*_#>`]+/g, '').trim())
    .filter(Boolean);
  const line = lines[0];
  if (!line || lines.length < 2 || line.length > 100 || /[.!?:]$/.test(line) || /https?:\/\//i.test(line)) return undefined;
  return line;
}
