import type { PageBody } from './site.ts';

/**
 * Synthetic event pages shaped like real venue sites: a head with meta tags, inline CSS and an
 * analytics script, one JSON-LD block, the same event as an HTML card (so CSS selectors find
 * it), and a body of related-event cards that makes up the page size.
 */

const VENUES = ['The Hall', 'Lakeshore Arts Centre', 'Harbourfront Stage', 'Danforth Music Hall', 'Little Theatre'];

export interface BenchEvent {
  name: string;
  startDate: string;
  url: string;
  venue: string;
  description: string;
  image: string;
}

/** Event `n` (stable, distinct per n), with offset-less local times as most sites write them. */
export function benchEvent(n: number): BenchEvent {
  const month = String(1 + (n % 12)).padStart(2, '0');
  const day = String(1 + (n % 28)).padStart(2, '0');
  const hour = String(17 + (n % 5)).padStart(2, '0');
  return {
    name: `Concert &amp; talk no. ${n}`,
    startDate: `2027-${month}-${day}T${hour}:30:00`,
    url: `/events/${n}`,
    venue: VENUES[n % VENUES.length] ?? 'The Hall',
    description: `An evening of new music &amp; conversation, programme ${n}. The ensemble plays works written this year, then the composers talk with the audience about how they were made. Doors open half an hour before; the bar stays open after the show.`,
    image: `/img/${n}.jpg`,
  };
}

function jsonLdNode(e: BenchEvent): object {
  return {
    '@type': 'MusicEvent',
    name: e.name,
    description: e.description,
    startDate: e.startDate,
    eventStatus: 'https://schema.org/EventScheduled',
    url: e.url,
    image: [e.image],
    location: {
      '@type': 'Place',
      name: e.venue,
      address: {
        '@type': 'PostalAddress',
        streetAddress: '1 Queen St W',
        addressLocality: 'Toronto',
        addressRegion: 'ON',
        postalCode: 'M5H 2N2',
        addressCountry: 'CA',
      },
    },
    organizer: { '@type': 'Organization', name: e.venue, url: '/' },
    offers: { '@type': 'Offer', price: '25.00', priceCurrency: 'CAD', url: `${e.url}/tickets`, availability: 'https://schema.org/InStock' },
  };
}

function jsonLdBlock(events: BenchEvent[]): string {
  const graph = events.map(jsonLdNode);
  const data = graph.length === 1 ? { '@context': 'https://schema.org', ...graph[0] } : { '@context': 'https://schema.org', '@graph': graph };
  return `<script type="application/ld+json">${JSON.stringify(data)}</script>\n`;
}

function card(e: BenchEvent): string {
  return `<article class="event-card"><h2 class="event-name">${e.name}</h2><time class="event-start" datetime="${e.startDate}">${e.startDate.slice(0, 10)} at ${e.startDate.slice(11, 16)}</time><p class="event-venue">${e.venue}</p><div class="event-summary"><p>${e.description}</p></div><a class="event-link" href="${e.url}">Details</a><img class="event-image" src="${e.image}" alt=""></article>\n`;
}

const HEAD = Buffer.from(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>What's on</title><meta name="description" content="Concerts, talks and screenings at our venues.">
<meta property="og:type" content="website"><meta property="og:site_name" content="Venue">
<link rel="stylesheet" href="/assets/site.css"><link rel="icon" href="/favicon.ico">
<style>${'.card{display:grid;gap:1rem;padding:1rem;border:1px solid #ddd}.card h3{margin:0;font-size:1.1rem}.tags li{display:inline-block;margin-right:.5rem}'.repeat(6)}</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','G-XXXXXXX');${"(function(w,d){var s=d.createElement('script');s.async=true;s.src='/assets/a.js';d.head.appendChild(s)})(window,document);".repeat(10)}</script>
</head><body><header class="site-header"><nav><ul>${['Home', 'Events', 'Visit', 'Tickets', 'Membership', 'About', 'Contact'].map((l) => `<li><a href="/${l.toLowerCase()}">${l}</a></li>`).join('')}</ul></nav></header>
<main id="content">
`);

const FOOT = Buffer.from(
  `</main><footer class="site-footer"><p>1 Queen St W, Toronto</p><ul>${['Privacy', 'Accessibility', 'Careers', 'Press'].map((l) => `<li><a href="/${l.toLowerCase()}">${l}</a></li>`).join('')}</ul></footer></body></html>\n`,
);

function relatedCard(n: number): string {
  return `<div class="card"><a href="/events/related-${n}"><img src="/img/related-${n}.jpg" alt="Related event ${n}" loading="lazy"><h3>Related event ${n}</h3></a><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ${n}.</p><ul class="tags"><li>music</li><li>jazz</li><li>all ages</li></ul></div>\n`;
}

const fillers = new Map<number, Buffer>();

/** Related-event cards adding up to about `bytes`. */
function filler(bytes: number): Buffer {
  let cached = fillers.get(bytes);
  if (!cached) {
    let html = '<section class="related"><h2>You may also like</h2>\n';
    for (let n = 0; html.length < bytes; n++) html += relatedCard(n);
    cached = Buffer.from(html + '</section>\n');
    fillers.set(bytes, cached);
  }
  return cached;
}

/** An event's own page of about `pageKb` KB: one JSON-LD block, one card, filler. */
export function eventPage(n: number, pageKb: number): PageBody {
  const e = benchEvent(n);
  const own = card(e) + jsonLdBlock([e]);
  const room = Math.max(0, pageKb * 1024 - HEAD.byteLength - FOOT.byteLength - Buffer.byteLength(own));
  return [HEAD, card(e), filler(room), jsonLdBlock([e]), FOOT];
}

/** A listing page: `events` in one JSON-LD @graph, optionally linking to a next page. */
export function listingPage(firstEvent: number, events: number, next?: string): PageBody {
  const list = Array.from({ length: events }, (_, i) => benchEvent(firstEvent + i));
  const link = next ? `<link rel="next" href="${next}">\n` : '';
  return [HEAD, link, list.map(card).join(''), jsonLdBlock(list), FOOT];
}
