import type { Element } from 'domhandler';
import { documentBase, isElement, loadHtml } from '../extract/css-selector.ts';
import { textLine } from '../extract/css-text.ts';
import { extractJsonLd } from '../extract/jsonld.ts';
import { inferEventCards, shorten, type CardCandidate } from './cards.ts';
import { distinctiveSelector, parentElement } from './css-paths.ts';

/** A calendar or news feed a page links to. */
export interface FeedLink {
  kind: 'ics' | 'rss' | 'atom';
  /** The http(s) URL to fetch (a webcal: link is given as https:). */
  url: string;
  /** Where the page mentions it: a <link> in the head, an <a> label, an embedded calendar. */
  via: string;
}

export interface JsonLdSummary {
  events: number;
  samples: { name: string; startDate: string }[];
  warnings: string[];
}

/** What a page offers a source config, as `scrape inspect` shows it. */
export interface PageInspection {
  url: string;
  /** The site's name (og:site_name, else the last part of the title, else the host). */
  siteName: string;
  jsonLd: JsonLdSummary;
  feeds: FeedLink[];
  /** Repeated containers that look like event cards, best first. */
  cards: CardCandidate[];
  /** A "next page" link selector, when the page has one. */
  pagination: string | null;
  /** Links to what look like event pages on the same site: a sitemap or follow_event_urls lead. */
  eventLinks: { count: number; samples: { url: string; text: string }[] };
  /** data-* attribute names, most used first: where a page keeps ids and dates scripts read. */
  dataAttributes: { name: string; count: number; sample: string }[];
}

export interface InspectOptions {
  zone: string;
  now: Date;
}

const EVENT_PATH =
  /\/(?:events?|shows?|concerts?|performances?|calendar|programs?|programmes?|whats-on|what-s-on|tickets?|exhibitions?|activities|workshops?|classes)\/[^/?#]+/i;
const ICS_HREF = /\.ics(?:$|[?#])|[?&](?:ical|outlook-ical|ics)=1\b|[?&]format=(?:ical|ics)\b|\/ical\/|\/ics\/?(?:$|\?)/i;

/**
 * Everything in one page a config could be built on: JSON-LD events (tier 0), linked calendar
 * and news feeds, repeated cards (tier 1), a next-page link, links to event pages, and the
 * data-* attributes scripts read. Pure: the page in, a summary out.
 */
export function inspectPage(html: string, pageUrl: string, options: InspectOptions): PageInspection {
  if (CALENDAR.test(html)) return calendarInspection(pageUrl);
  const $ = loadHtml(html);
  const base = documentBase($, pageUrl);
  const jsonLd = extractJsonLd(html, pageUrl);
  const elements = $('body *').toArray().filter(isElement);
  return {
    url: pageUrl,
    siteName: siteNameOf($('meta[property="og:site_name"]').attr('content'), $('title').first().text(), pageUrl),
    jsonLd: {
      events: jsonLd.events.length,
      samples: jsonLd.events.slice(0, 5).map((event) => ({ name: event.name ?? '', startDate: event.startDate ?? event.occurrences?.[0]?.startDate ?? '' })),
      warnings: jsonLd.warnings,
    },
    feeds: findFeeds($('link[href], a[href], iframe[src]').toArray().filter(isElement), base),
    cards: inferEventCards(html, pageUrl, { zone: options.zone, now: options.now }),
    pagination: findPagination(elements),
    eventLinks: findEventLinks(elements, base),
    dataAttributes: countDataAttributes(elements),
  };
}

/** An iCalendar document (a BOM and blank lines may come first): the URL given is a feed, not a page. */
const CALENDAR = /^\uFEFF?\s*BEGIN:VCALENDAR\b/i;

/** What a feed offers when its own URL is given: itself, as an ICS source. */
function calendarInspection(pageUrl: string): PageInspection {
  return {
    url: pageUrl,
    siteName: new URL(pageUrl).hostname,
    jsonLd: { events: 0, samples: [], warnings: [] },
    feeds: [{ kind: 'ics', url: pageUrl, via: 'the URL given is an iCalendar feed' }],
    cards: [],
    pagination: null,
    eventLinks: { count: 0, samples: [] },
    dataAttributes: [],
  };
}

function siteNameOf(ogName: string | undefined, title: string, pageUrl: string): string {
  const og = ogName?.replace(/\s+/g, ' ').trim();
  if (og) return shorten(og, 80);
  const parts = title
    .replace(/\s+/g, ' ')
    .split(/\s[|–—·-]\s/)
    .map((part) => part.trim())
    .filter(Boolean);
  const last = parts.length > 1 ? parts[parts.length - 1] : undefined;
  return last ? shorten(last, 80) : new URL(pageUrl).hostname;
}

function resolve(href: string | undefined, base: string): URL | undefined {
  const value = href?.trim();
  if (!value) return undefined;
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** Feed links in page order, each URL once. */
function findFeeds(elements: Element[], base: string): FeedLink[] {
  const feeds = new Map<string, FeedLink>();
  const add = (kind: FeedLink['kind'], url: URL, via: string) => {
    if (url.protocol === 'webcal:') url = new URL(`https:${url.href.slice('webcal:'.length)}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
    url.hash = '';
    if (!feeds.has(url.href)) feeds.set(url.href, { kind, url: url.href, via });
  };
  for (const element of elements) {
    if (element.name === 'link') {
      const type = (element.attribs.type ?? '').toLowerCase();
      const url = resolve(element.attribs.href, base);
      if (!url || !/\balternate\b/i.test(element.attribs.rel ?? '')) continue;
      if (type.includes('calendar')) add('ics', url, `<link rel="alternate" type="${type}">`);
      else if (type.includes('rss')) add('rss', url, `<link rel="alternate" type="${type}">`);
      else if (type.includes('atom')) add('atom', url, `<link rel="alternate" type="${type}">`);
    } else if (element.name === 'a') {
      const url = resolve(element.attribs.href, base);
      if (!url) continue;
      const label = shorten(textLine(element) || element.attribs.title || '', 60);
      if (url.protocol === 'webcal:' || ICS_HREF.test(url.href)) add('ics', url, `link "${label}"`);
      else if (/calendar\.google\.com\/calendar\/(?:u\/\d+\/)?(?:embed|r)\b/.test(url.href)) addGoogle(url, `link "${label}"`, add);
    } else if (element.name === 'iframe') {
      const url = resolve(element.attribs.src, base);
      if (url && /calendar\.google\.com\/calendar\/embed\b/.test(url.href)) addGoogle(url, 'embedded Google calendar', add);
    }
  }
  return [...feeds.values()];
}

/** An embedded Google calendar publishes each public calendar it shows as an ICS feed. */
function addGoogle(url: URL, via: string, add: (kind: FeedLink['kind'], url: URL, via: string) => void): void {
  for (const id of url.searchParams.getAll('src').concat(url.searchParams.getAll('cid'))) {
    if (id) add('ics', new URL(`https://calendar.google.com/calendar/ical/${encodeURIComponent(id)}/public/basic.ics`), via);
  }
}

/** `a[rel=next]`, or a link whose class says next, as a selectors.pagination value. */
function findPagination(elements: Element[]): string | null {
  if (elements.some((element) => element.name === 'a' && element.attribs.href && /\bnext\b/i.test(element.attribs.rel ?? ''))) return 'a[rel=next]';
  for (const element of elements) {
    if (element.name !== 'a' || !element.attribs.href) continue;
    const nextClass = (element.attribs.class ?? '')
      .split(/\s+/)
      .find((c) => /^(?:next|next-page|pagination-next|page-next|nav-next)$|(?:^|[-_])next(?:$|[-_])/i.test(c) && /^[A-Za-z_][\w-]*$/.test(c));
    if (!nextClass) continue;
    const parent = parentElement(element);
    const parentStep = parent ? distinctiveSelector(parent) : undefined;
    return parentStep ? `${parentStep} a.${nextClass}` : `a.${nextClass}`;
  }
  return null;
}

function findEventLinks(elements: Element[], base: string): PageInspection['eventLinks'] {
  const site = resolve(base, base)?.host;
  const seen = new Map<string, string>();
  for (const element of elements) {
    if (element.name !== 'a') continue;
    const url = resolve(element.attribs.href, base);
    if (!url || url.host !== site || !EVENT_PATH.test(url.pathname)) continue;
    url.hash = '';
    if (!seen.has(url.href)) seen.set(url.href, shorten(textLine(element), 80));
  }
  return { count: seen.size, samples: [...seen].slice(0, 10).map(([url, text]) => ({ url, text })) };
}

function countDataAttributes(elements: Element[]): PageInspection['dataAttributes'] {
  const counts = new Map<string, { count: number; sample: string }>();
  for (const element of elements) {
    for (const [name, value] of Object.entries(element.attribs)) {
      if (!name.startsWith('data-')) continue;
      const entry = counts.get(name);
      if (entry) entry.count++;
      else counts.set(name, { count: 1, sample: shorten(value.replace(/\s+/g, ' ').trim(), 60) });
    }
  }
  return [...counts]
    .map(([name, entry]) => ({ name, ...entry }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, 15);
}
