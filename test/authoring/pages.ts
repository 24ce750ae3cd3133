/** Listing pages of the shapes event sites use, for the authoring tests. */

const SHOWS = [
  { name: 'Jazz at the Rex', path: '/events/jazz-at-the-rex', date: 'Thu, March 5 at 7:30 pm', venue: 'The Rex Hotel', iso: '2026-03-05T19:30' },
  { name: 'Harbour Choir', path: '/events/harbour-choir', date: 'Fri, March 6 at 8 pm', venue: 'St. Lawrence Hall', iso: '2026-03-06T20:00' },
  { name: 'Poetry Open Mic', path: '/events/poetry-open-mic', date: 'Sat, March 7 at 2:00 pm', venue: 'Lakeshore Library', iso: '2026-03-07T14:00' },
  { name: 'Family Puppet Show', path: '/events/family-puppet-show', date: 'Sun, March 8 at 11 am', venue: 'Riverside Theatre', iso: '2026-03-08T11:00' },
] as const;

export const SHOW_NAMES = SHOWS.map((s) => s.name);

const NAV = '<header><nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li><li><a href="/visit">Visit</a></li></ul></nav></header>';
const FOOTER =
  '<footer><ul class="links"><li><a href="/privacy">Privacy</a></li><li><a href="/contact">Contact</a></li></ul><p>© 2026 Lakeshore Arts, open daily since 1987</p></footer>';

function page(body: string): string {
  return `<!doctype html><html><head><title>What's on</title></head><body>${NAV}<main><h1>What's on</h1>${body}</main>${FOOTER}</body></html>`;
}

const BLURB = 'An evening of music and conversation, with guests from across the city and a short reception after.';

/** A list of plain items: heading link, date text with "at", a venue, a paragraph. */
export const LIST_PAGE = page(
  `<ul class="event-list">${SHOWS.map((s) => `<li><h3><a href="${s.path}">${s.name}</a></h3><p class="when">${s.date}</p><p class="venue">${s.venue}</p><p>${BLURB}</p></li>`).join('')}</ul>`,
);

/** A schedule table: the date, the event and the venue in columns named by the heading row. */
export const TABLE_PAGE = page(
  `<table class="schedule"><thead><tr><th>Date</th><th>Event</th><th>Venue</th><th>Time</th></tr></thead><tbody>${SHOWS.map(
    (s) => `<tr><td>${s.date.split(' at ')[0]}</td><td><a href="${s.path}">${s.name}</a></td><td>${s.venue}</td><td>${s.date.split(' at ')[1]}</td></tr>`,
  ).join('')}</tbody></table>`,
);

/** Articles with BEM classes, a <time datetime>, an image. */
export const ARTICLE_PAGE = page(
  `<section class="listing">${SHOWS.map(
    (s) =>
      `<article class="c-event-card"><a class="c-event-card__link" href="${s.path}"><img src="/img${s.path}.jpg" alt=""><h2 class="c-event-card__title">${s.name}</h2></a><time class="c-event-card__date" datetime="${s.iso}">${s.date}</time><span class="c-event-card__venue">${s.venue}</span><div class="c-event-card__excerpt">${BLURB}</div></article>`,
  ).join('')}</section>`,
);

/** Cards that are links themselves, with the date and the time in separate spans, in grid rows of two. */
export const GRID_PAGE = page(
  [0, 2]
    .map(
      (i) =>
        `<div class="row">${SHOWS.slice(i, i + 2)
          .map(
            (s) =>
              `<a class="tile" href="${s.path}"><span class="tile-title">${s.name}</span><span class="tile-day">${s.date.split(' at ')[0]}</span><span class="tile-hour">${s.date.split(' at ')[1]}</span></a>`,
          )
          .join('')}</div>`,
    )
    .join(''),
);

/** A page without events: articles without dates. */
export const NO_EVENTS_PAGE = page(
  `<section>${['Our history', 'Our team', 'Volunteer with us'].map((t) => `<article class="post"><h2>${t}</h2><p>${BLURB}</p></article>`).join('')}</section>`,
);

/** JSON-LD events in the head. */
export const JSONLD_PAGE = `<!doctype html><html><head><script type="application/ld+json">${JSON.stringify({
  '@context': 'https://schema.org',
  '@graph': SHOWS.map((s) => ({ '@type': 'Event', name: s.name, startDate: `${s.iso}:00-05:00`, url: s.path, location: { '@type': 'Place', name: s.venue } })),
})}</script></head><body>${NAV}<main><h1>What's on</h1></main></body></html>`;

/** A page whose events are only in a linked calendar feed. */
export function feedLinkPage(feedPath: string, webcal: string): string {
  return page(
    `<p>Our calendar is published as a feed.</p><p><a href="${feedPath}">Subscribe (iCal)</a> · <a href="${webcal}">webcal</a></p><link rel="alternate" type="application/rss+xml" href="/feed.rss">`,
  );
}

/** An ICS feed of the shows. */
export const FEED_ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Lakeshore Arts//EN',
  ...SHOWS.flatMap((s, i) => [
    'BEGIN:VEVENT',
    `UID:show-${i + 1}@lakeshore.test`,
    `DTSTART;TZID=America/Toronto:${s.iso.replace(/[-:]/g, '')}00`,
    `SUMMARY:${s.name}`,
    `LOCATION:${s.venue}`,
    'END:VEVENT',
  ]),
  'END:VCALENDAR',
  '',
].join('\r\n');
