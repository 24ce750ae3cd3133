import { extractJsonLd } from './jsonld.ts';
import { isElement, loadHtml } from './css-selector.ts';
import { detached, textLines } from './css-text.ts';
import type { RawEvent } from './raw-event.ts';

/** What an event's own page can add to the row a listing gave for it. */
export interface EventDetail {
  description?: string;
  startDate?: string;
  endDate?: string;
  image?: string;
}

/**
 * Where SEL's follow_event_urls looks for the full text when the page has no usable JSON-LD
 * (scraper.go): The Events Calendar's layouts first, then WordPress content, then any article.
 */
const DESCRIPTION_SELECTORS = [
  '.tribe-events-content p',
  '.tribe-block__event-description p',
  '.tribe-events-single-description p',
  '.entry-content p',
  'article p',
];
const MIN_DESCRIPTION_CHARS = 50;

/**
 * Reads an event's detail page: its schema.org event (the one whose url is this page, else the
 * first) for description, dates and image, and the page's body paragraphs for a description
 * when they say more than the JSON-LD does.
 */
export function extractEventDetail(html: string, pageUrl: string): EventDetail {
  const detail: EventDetail = {};
  const event = pickEvent(extractJsonLd(html, pageUrl).events, pageUrl);
  if (event?.startDate) detail.startDate = event.startDate;
  if (event?.endDate) detail.endDate = event.endDate;
  if (event?.image) {
    try {
      detail.image = new URL(event.image, pageUrl).href;
    } catch {
      // An unusable image URL adds nothing; the listing's stays.
    }
  }
  const candidates = [event?.description?.trim(), paragraphs(html)].filter((text): text is string => Boolean(text));
  const longest = candidates.sort((a, b) => b.length - a.length)[0];
  if (longest) detail.description = longest;
  return detail;
}

function pickEvent(events: RawEvent[], pageUrl: string): RawEvent | undefined {
  const page = comparable(pageUrl);
  return events.find((event) => event.url !== undefined && comparable(event.url, pageUrl) === page) ?? events[0];
}

function comparable(url: string, base?: string): string {
  try {
    const parsed = new URL(url, base);
    return `${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}

function paragraphs(html: string): string | undefined {
  const $ = loadHtml(html);
  for (const selector of DESCRIPTION_SELECTORS) {
    const text = $(selector)
      .toArray()
      .filter(isElement)
      .map((element) => textLines(element))
      .filter((line) => line !== '')
      .join('\n\n');
    if (Array.from(text).length > MIN_DESCRIPTION_CHARS) return detached(text);
  }
  return undefined;
}
