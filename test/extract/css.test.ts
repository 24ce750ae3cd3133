import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { extractCss, nextPageUrls, type Selectors } from '../../src/extract/css.ts';
import { loadHtml, needsSpecTree } from '../../src/extract/css-selector.ts';
import { parseFieldSelector, selectorProblem } from '../../src/extract/css-query.ts';
import { extractEventDetail } from '../../src/extract/css-detail.ts';
import { needsReference, referenceMissing, referencePath } from '../helpers/reference.ts';

const page = 'https://venue.test/whats-on/';

function html(body: string, head = ''): string {
  return `<!DOCTYPE html><html><head>${head}</head><body>${body}</body></html>`;
}

function only(body: string, selectors: Selectors, head = '') {
  const { events, warnings } = extractCss(html(body, head), page, selectors);
  expect(events).toHaveLength(1);
  return { event: events[0]!, warnings };
}

describe('extractCss: containers and fields', () => {
  it('reads one raw event per event_list container with every field', () => {
    const body = `
      <div class="card"><h3>Hamlet</h3><p class="venue">Main Hall</p><p class="blurb">A play.</p>
        <a href="/events/hamlet">More</a><img src="img/hamlet.jpg"></div>
      <div class="card"><h3>Macbeth</h3><a href="https://venue.test/events/macbeth">More</a></div>`;
    const { events } = extractCss(html(body), page, {
      event_list: 'div.card',
      name: 'h3',
      location: '.venue',
      description_selectors: ['.blurb'],
      url: 'a',
      image: 'img',
    });
    expect(events).toEqual([
      {
        name: 'Hamlet',
        pageUrl: page,
        location: { name: 'Main Hall' },
        description: 'A play.',
        url: 'https://venue.test/events/hamlet',
        image: 'https://venue.test/whats-on/img/hamlet.jpg',
      },
      { name: 'Macbeth', pageUrl: page, url: 'https://venue.test/events/macbeth' },
    ]);
  });

  it('drops containers without a name and says how many', () => {
    const { events, warnings } = extractCss(html('<li><b>A</b></li><li><i>no name</i></li>'), page, { event_list: 'li', name: 'b' });
    expect(events.map((e) => e.name)).toEqual(['A']);
    expect(warnings).toEqual([`1 of 2 event containers on ${page} were skipped: selectors.name "b" found no text in them`]);
  });

  it('warns when event_list matches nothing', () => {
    expect(extractCss(html('<p>closed</p>'), page, { event_list: '.event', name: 'h2' })).toEqual({
      events: [],
      warnings: [`selectors.event_list ".event" matched nothing on ${page}`],
    });
  });

  it('takes the text of the first match instead of concatenating all matches (SEL: "DinosaursDinosaurs")', () => {
    const { event } = only('<div class="e"><h2>Dinosaurs</h2><h2>Dinosaurs</h2></div>', { event_list: '.e', name: 'h2' });
    expect(event.name).toBe('Dinosaurs');
  });

  it('skips a first match that has no text', () => {
    const { event } = only('<div class="e"><h2 class="t"></h2><h2 class="t">Real title</h2></div>', { event_list: '.e', name: '.t' });
    expect(event.name).toBe('Real title');
  });

  it('joins description_selectors as paragraphs and skips empty ones', () => {
    const { event } = only('<div class="e"><h2>X</h2><p class="a">One</p><p class="b"></p><div class="c"><p>Two</p><p>Three</p></div></div>', {
      event_list: '.e',
      name: 'h2',
      description_selectors: ['.a', '.b', '.c'],
    });
    expect(event.description).toBe('One\n\nTwo\n\nThree');
  });

  it('reads the deprecated single description selector when there is no list', () => {
    const { event } = only('<div class="e"><h2>X</h2><p>Words</p></div>', { event_list: '.e', name: 'h2', description: 'p' });
    expect(event.description).toBe('Words');
  });
});

describe('extractCss: selector syntax', () => {
  it('reads an attribute with "selector::attribute" on a text field', () => {
    const { event } = only('<div class="e"><span class="prices" data-event="Jazz Night">$20</span></div>', {
      event_list: '.e',
      name: 'span.prices::data-event',
    });
    expect(event.name).toBe('Jazz Night');
  });

  it('reads an attribute on url, image and start_date too (SEL only on text fields)', () => {
    const { event } = only('<div class="e"><h2 data-link="/e/1">X</h2><img data-full="/big.jpg"><time data-start="2026-12-08T19:30">Tue</time></div>', {
      event_list: '.e',
      name: 'h2',
      url: 'h2::data-link',
      image: 'img::data-full',
      start_date: 'time::data-start',
    });
    expect(event).toMatchObject({ url: 'https://venue.test/e/1', image: 'https://venue.test/big.jpg', startDate: '2026-12-08T19:30' });
  });

  it('reads "img::src", which SEL treats as an invalid selector matching nothing', () => {
    const { event } = only('<div class="e"><h2>X</h2><a class="thumb"><img src="/t.jpg"></a></div>', {
      event_list: '.e',
      name: 'h2',
      image: 'a.thumb img::src',
    });
    expect(event.image).toBe('https://venue.test/t.jpg');
  });

  it('accepts Scrapy-style "::attr(name)"', () => {
    expect(parseFieldSelector('a.more::attr(href)')).toEqual({ spec: 'a.more::attr(href)', css: 'a.more', attribute: 'href' });
  });

  it('lets a field match the container itself (self-match), including url', () => {
    const { event } = only('<a class="card" href="/events/1" title="Gala"><span>Fri</span></a>', {
      event_list: 'a.card',
      name: 'a.card::title',
      url: 'a.card',
    });
    expect(event).toMatchObject({ name: 'Gala', url: 'https://venue.test/events/1' });
  });

  it('reads "self" as the container', () => {
    const { event } = only('<a class="tile" href="/e/7"><h2>Seven</h2></a>', { event_list: 'a.tile', name: 'h2', url: 'self' });
    expect(event.url).toBe('https://venue.test/e/7');
  });

  it("matches :contains case-insensitively, as SEL's cascadia does", () => {
    const body = '<div class="e"><h4>schedule</h4><h4>TEAM</h4><h4>The Show</h4></div>';
    const { event } = only(body, { event_list: '.e', name: 'h4:not(:contains(Schedule)):not(:contains(Team))' });
    expect(event.name).toBe('The Show');
  });

  it("matches :containsOwn on the element's own text only", () => {
    const { event } = only('<div class="e"><p class="x">Tickets <b>FREE</b></p><p class="x">free entry</p></div>', {
      event_list: '.e',
      name: 'p.x:containsOwn("free")',
    });
    expect(event.name).toBe('free entry');
  });

  it('reads an attribute in date_selectors', () => {
    const { event } = only('<div class="e"><h2>X</h2><span class="d" data-day="Dec 8">8</span></div>', {
      event_list: '.e',
      name: 'h2',
      date_selectors: ['.d::data-day'],
    });
    expect(event.dateParts).toEqual(['Dec 8']);
  });

  it('supports :has, :not and :nth-child from the real configs', () => {
    const body =
      '<ul><li class="e"><h3>No link</h3></li><li class="e"><h3>Linked</h3><a href="/x">x</a></li><li class="e"><h3>Third</h3><a href="/y">y</a></li></ul>';
    const { events } = extractCss(html(body), page, { event_list: 'li.e:has(a):not(:nth-child(3))', name: 'h3' });
    expect(events.map((e) => e.name)).toEqual(['Linked']);
  });

  it("matches a field's ancestors against the whole page, as cascadia does, not only inside the container", () => {
    const body = '<section class="listing"><div class="e"><h2>Inside</h2><p>Main Hall</p></div></section>';
    const { event } = only(body, { event_list: '.e', name: '.listing h2', location: 'section p' });
    expect(event).toMatchObject({ name: 'Inside', location: { name: 'Main Hall' } });
  });

  it("refuses jQuery's :first and :eq(), which SEL's cascadia does not know, instead of reading what SEL never would", () => {
    const { event, warnings } = only('<div class="e"><h2>X</h2><p>A</p><p>B</p></div>', { event_list: '.e', name: 'h2', location: 'p:first' });
    expect(event.location).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^selectors\.location "p:first" is not a usable CSS selector/)]);
    expect(selectorProblem('p:eq(1)')).toMatch(/:eq/);
    expect(selectorProblem('p:first-child')).toBeUndefined();
  });

  it('reports an unusable field selector and treats it as matching nothing', () => {
    const { event, warnings } = only('<div class="e"><h2>X</h2></div>', { event_list: '.e', name: 'h2', location: 'p:bogus' });
    expect(event.location).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^selectors\.location "p:bogus" is not a usable CSS selector/)]);
  });

  it('reports an unusable event_list and reads nothing', () => {
    const { events, warnings } = extractCss(html('<div></div>'), page, { event_list: 'div[', name: 'h2' });
    expect(events).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^selectors\.event_list "div\[" is not a usable CSS selector/)]);
  });
});

describe('extractCss: urls and images', () => {
  it('resolves relative links against <base href>', () => {
    const { event } = only(
      '<div class="e"><h2>X</h2><a href="show/1">go</a></div>',
      { event_list: '.e', name: 'h2', url: 'a' },
      '<base href="https://tickets.venue.test/shows/">',
    );
    expect(event.url).toBe('https://tickets.venue.test/shows/show/1');
  });

  it('takes the first link inside a matched element that has no href', () => {
    const { event } = only('<div class="e"><h3 class="title"><a href="/events/x">X</a></h3></div>', { event_list: '.e', name: 'h3', url: 'h3.title' });
    expect(event.url).toBe('https://venue.test/events/x');
  });

  it('ignores fragment-only and javascript links', () => {
    const { event } = only('<div class="e"><h2>X</h2><a href="#top">t</a><a href="javascript:void(0)">j</a><a href="/real">r</a></div>', {
      event_list: '.e',
      name: 'h2',
      url: 'a',
    });
    expect(event.url).toBe('https://venue.test/real');
  });

  it('reads lazy-loaded images from data-src', () => {
    const { event } = only('<div class="e"><h2>X</h2><img src="data:image/gif;base64,R0lGOD" data-src="/lazy.jpg"></div>', {
      event_list: '.e',
      name: 'h2',
      image: 'img',
    });
    expect(event.image).toBe('https://venue.test/lazy.jpg');
  });

  it('reads the first srcset candidate when there is no src', () => {
    const { event } = only('<div class="e"><h2>X</h2><img srcset="/a-400.jpg 400w, /a-800.jpg 800w"></div>', { event_list: '.e', name: 'h2', image: 'img' });
    expect(event.image).toBe('https://venue.test/a-400.jpg');
  });

  it('reads a <meta content> link, e.g. an og:image on a detail page', () => {
    const { event } = only(
      '<h1>X</h1>',
      { event_list: 'html', name: 'h1', image: "meta[property='og:image']" },
      '<meta property="og:image" content="/og.jpg">',
    );
    expect(event.image).toBe('https://venue.test/og.jpg');
  });
});

describe('extractCss: dates', () => {
  it('prefers the datetime attribute over the text', () => {
    const { event } = only('<div class="e"><h2>X</h2><time datetime="2026-12-08T19:30:00-05:00">Tue Dec 8</time></div>', {
      event_list: '.e',
      name: 'h2',
      start_date: 'time',
    });
    expect(event.startDate).toBe('2026-12-08T19:30:00-05:00');
  });

  it('reads date text with <br> as a space and whitespace collapsed', () => {
    const { event } = only('<div class="e"><h2>X</h2><p class="d">Tue, Dec 8<br>\n   7:30pm</p><p class="end">Dec<br/>9</p></div>', {
      event_list: '.e',
      name: 'h2',
      start_date: '.d',
      end_date: '.end',
    });
    expect(event).toMatchObject({ startDate: 'Tue, Dec 8 7:30pm', endDate: 'Dec 9' });
  });

  it('reads an id like "date-2026-03-05" when the date element has no text', () => {
    const { event } = only('<div class="e"><h2>X</h2><span class="d" id="date-2026-03-05"></span></div>', { event_list: '.e', name: 'h2', start_date: '.d' });
    expect(event.startDate).toBe('2026-03-05');
  });

  it('turns date_selectors matches into one raw event per row', () => {
    const body =
      '<div class="e"><h2>Hamlet</h2><a href="/hamlet">x</a><table><tr><td class="day">Dec 8</td><td class="time">7pm</td></tr><tr><td class="day">Dec 9</td><td class="time">2pm</td></tr></table></div>';
    const { events } = extractCss(html(body), page, { event_list: '.e', name: 'h2', url: 'a', date_selectors: ['.day', '.time'] });
    expect(events.map((e) => e.dateParts)).toEqual([
      ['Dec 8', '7pm'],
      ['Dec 9', '2pm'],
    ]);
    expect(events.every((e) => e.name === 'Hamlet' && e.url === 'https://venue.test/hamlet')).toBe(true);
  });

  it('pads rows of date_selectors that matched fewer times with empty parts', () => {
    const body = '<div class="e"><h2>X</h2><span class="day">Dec 8</span><span class="day">Dec 9</span><span class="time">7pm</span></div>';
    const { events } = extractCss(html(body), page, { event_list: '.e', name: 'h2', date_selectors: ['.day', '.time'] });
    expect(events.map((e) => e.dateParts)).toEqual([
      ['Dec 8', '7pm'],
      ['Dec 9', ''],
    ]);
  });

  it('keeps one part per date selector when nothing matched, indexed by selector', () => {
    const { event } = only('<div class="e"><h2>X</h2></div>', { event_list: '.e', name: 'h2', date_selectors: ['.day', '.time'] });
    expect(event.dateParts).toEqual(['', '']);
  });

  it('falls back to start_date when every date selector missed (SEL never does)', () => {
    const { event } = only('<div class="e"><h2>X</h2><time datetime="2026-12-08">Dec 8</time></div>', {
      event_list: '.e',
      name: 'h2',
      date_selectors: ['.day'],
      start_date: 'time',
    });
    expect(event).toMatchObject({ startDate: '2026-12-08' });
    expect(event.dateParts).toBeUndefined();
  });

  it("warns with SEL's code when a date selector never matched, with what the first container had", () => {
    const body = '<div class="e"><h2>A</h2><span class="d">Dec 8</span></div><div class="e"><h2>B</h2><span class="d">Dec 9</span></div>';
    const { warnings } = extractCss(html(body), page, { event_list: '.e', name: 'h2', date_selectors: ['.d', '.t'] });
    expect(warnings).toEqual([
      `date_selector_never_matched: selector #2 (".t") matched 0/2 events on ${page} — first container: no element found for this selector`,
    ]);
  });

  it('warns when a date selector matched only some events', () => {
    const body = '<div class="e"><h2>A</h2><span class="t">7pm</span></div><div class="e"><h2>B</h2></div>';
    const { warnings } = extractCss(html(body), page, { event_list: '.e', name: 'h2', date_selectors: ['.t'] });
    expect(warnings).toEqual([`date_selector_partial_match: selector #1 (".t") matched 1/2 events on ${page} — first container: "7pm"`]);
  });
});

describe('nextPageUrls', () => {
  it('resolves relative next links (SEL stops at them)', () => {
    expect(nextPageUrls(html('<a class="next" href="?page=2">Next</a>'), page, 'a.next')).toEqual(['https://venue.test/whats-on/?page=2']);
  });

  it('takes the first link inside a matched element, dedupes and skips the page itself', () => {
    const body =
      '<li class="p"><a href="/whats-on/">1</a></li><li class="p"><a href="/whats-on/page/2">2</a></li><li class="p"><a href="page/2#top">2</a></li><li class="p"><a href="#">…</a></li>';
    expect(nextPageUrls(html(body), page, 'li.p')).toEqual(['https://venue.test/whats-on/page/2']);
  });

  it('throws a config error for a selector that cannot be compiled', () => {
    expect(() => nextPageUrls(html(''), page, 'a[')).toThrow(/selectors\.pagination "a\[" is not a usable CSS selector/);
  });
});

describe('extractEventDetail', () => {
  it("takes description and dates from the page's own JSON-LD event", () => {
    const ld = JSON.stringify({
      '@type': 'Event',
      name: 'X',
      url: 'https://venue.test/e/1',
      startDate: '2026-12-08T19:30',
      description: 'The whole story of the evening, told at length.',
    });
    expect(extractEventDetail(html('', `<script type="application/ld+json">${ld}</script>`), 'https://venue.test/e/1')).toEqual({
      startDate: '2026-12-08T19:30',
      description: 'The whole story of the evening, told at length.',
    });
  });

  it("falls back to SEL's article paragraphs for the description", () => {
    const text = "An evening of chamber music with the city's finest string quartet and friends.";
    expect(extractEventDetail(html(`<article><p>${text}</p><p>Doors at 7.</p></article>`), 'https://venue.test/e/1')).toEqual({
      description: `${text}\n\nDoors at 7.`,
    });
  });
});

const CORPUS = referencePath('sel-configs');

describe('parsing: htmlparser2 unless the selectors need the standard’s tree', () => {
  it('asks for the standard’s tree only for selectors naming what it inserts or moves', () => {
    for (const css of [
      'table tbody tr',
      'tr.row',
      'table > tr',
      'td:not(tr)',
      'body > .event',
      'html',
      'HEAD meta',
      'noscript img',
      'template .x',
      ':root .x',
    ]) {
      expect({ css, spec: needsSpecTree([css]) }).toEqual({ css, spec: true });
    }
    for (const css of ['td.item_card', '.tbody', '#body', '[data-x="tr"]', 'a[href*=body]', 'h2:contains("Head")', '.event-card h2', 'div.tr-row', 'trail']) {
      expect({ css, spec: needsSpecTree([css]) }).toEqual({ css, spec: false });
    }
  });

  it('finds rows under the <tbody> the standard implies, with a selector that names it', () => {
    const page = html('<table class="t"><tr><td class="n">Hamlet</td></tr><tr><td class="n">Lear</td></tr></table>');
    expect(extractCss(page, 'https://venue.test/', { event_list: 'table.t tbody tr', name: 'td.n' }).events.map((e) => e.name)).toEqual(['Hamlet', 'Lear']);
    expect(extractCss(page, 'https://venue.test/', { event_list: 'table.t tr:first-child', name: 'td.n' }).events.map((e) => e.name)).toEqual(['Hamlet']);
  });

  it('reads the same events from a well-formed page with either parser', () => {
    const page =
      html(`<div class="e"><h2>A &amp; B</h2><p class="d">One<br>two</p><a href="/x">x</a><img data-src="/i.jpg"><time datetime="2027-05-01T19:00">May 1</time></div>
      <div class="e"><h2>C</h2><ul><li>item<li>other</ul><p>unclosed<p class="d">next</div>`);
    const selectors: Selectors = { event_list: 'div.e', name: 'h2', description_selectors: ['.d'], url: 'a', image: 'img', start_date: 'time' };
    const fast = extractCss(loadHtml(page), 'https://venue.test/', selectors);
    expect(fast.events).toEqual([
      {
        name: 'A & B',
        pageUrl: 'https://venue.test/',
        description: 'One\ntwo',
        url: 'https://venue.test/x',
        image: 'https://venue.test/i.jpg',
        startDate: '2027-05-01T19:00',
      },
      { name: 'C', pageUrl: 'https://venue.test/', description: 'next' },
    ]);
    expect(extractCss(loadHtml(page, { spec: true }), 'https://venue.test/', selectors)).toEqual(fast);
  });
});

describe.skipIf(referenceMissing !== undefined)(needsReference('the real SEL configs'), () => {
  const tier1 = readdirSync(CORPUS)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => ({ file, config: parse(readFileSync(path.join(CORPUS, file), 'utf8')) as { tier?: number; selectors?: Record<string, string | string[]> } }))
    .filter(({ config }) => config.tier === 1 && config.selectors);

  it('include tier-1 configs to check', () => {
    expect(tier1.length).toBeGreaterThan(100);
  });

  it('have selectors that all compile with our engine', () => {
    const problems: string[] = [];
    for (const { file, config } of tier1) {
      for (const [key, value] of Object.entries(config.selectors ?? {})) {
        for (const spec of Array.isArray(value) ? value : [value]) {
          const css = key === 'event_list' || key === 'pagination' ? spec : parseFieldSelector(spec).css;
          const problem = css === undefined ? undefined : selectorProblem(css);
          if (problem) problems.push(`${file} ${key} ${JSON.stringify(spec)}: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('run through extractCss on a page without throwing', () => {
    for (const { config } of tier1) {
      expect(() => extractCss(html('<div class="x"><h2>t</h2></div>'), page, config.selectors as Selectors)).not.toThrow();
    }
  });
});
