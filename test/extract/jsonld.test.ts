import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractJsonLd } from '../../src/extract/jsonld.ts';

const page = 'https://venue.test/events';
const selTestdata = new URL('../fixtures/sel-testdata/', import.meta.url);

function ld(...blocks: string[]): string {
  return `<html><head>${blocks.map((b) => `<script type="application/ld+json">${b}</script>`).join('\n')}</head><body></body></html>`;
}

describe('extractJsonLd', () => {
  it('reads every event of an @graph and ignores Organization and WebSite nodes', () => {
    const html = ld(
      JSON.stringify({
        '@graph': [
          { '@type': 'Organization', name: 'X' },
          { '@type': 'Event', name: 'A', startDate: '2026-01-01T10:00:00Z' },
          { '@type': 'WebSite', name: 'W' },
        ],
      }),
    );
    expect(extractJsonLd(html, page).events.map((e) => e.name)).toEqual(['A']);
  });

  it('takes schema.org event subtypes and @type arrays that SEL drops', () => {
    const html = ld(
      JSON.stringify([
        { '@type': 'MusicEvent', name: 'Gig', startDate: '2026-01-01' },
        { '@type': ['TheaterEvent', 'Event'], name: 'Play', startDate: '2026-01-02' },
        { '@type': 'https://schema.org/Festival', name: 'Fest', startDate: '2026-01-03' },
        { '@type': 'BreadcrumbList', name: 'crumbs' },
      ]),
    );
    expect(extractJsonLd(html, page).events.map((e) => e.name)).toEqual(['Gig', 'Play', 'Fest']);
  });

  it('unwraps ItemList items and ListItems that are events themselves', () => {
    const html = ld(
      JSON.stringify({
        '@type': 'ItemList',
        itemListElement: [
          { '@type': 'ListItem', item: { '@type': 'Event', name: 'A', startDate: '2026-01-01' } },
          { '@type': ['ListItem', 'Event'], name: 'B', startDate: '2026-01-02' },
        ],
      }),
    );
    expect(extractJsonLd(html, page).events.map((e) => e.name)).toEqual(['A', 'B']);
  });

  it('repairs trailing commas, raw newlines in strings and comment wrappers', () => {
    const html = ld(
      '<!--\n{"@type":"Event","name":"Line\none","startDate":"2026-01-01",}\n-->',
      '<![CDATA[ {"@type":"Event","name":"Two","startDate":"2026-01-02"} ]]>',
    );
    const { events, warnings } = extractJsonLd(html, page);
    expect(events.map((e) => e.name)).toEqual(['Line one', 'Two']);
    expect(warnings).toEqual([]);
  });

  it('reads a block that a template HTML-escaped as a whole', () => {
    const html = ld('{&quot;@type&quot;:&quot;Event&quot;,&quot;name&quot;:&quot;Tea &amp;amp; Talk&quot;,&quot;startDate&quot;:&quot;2026-01-01&quot;}');
    expect(extractJsonLd(html, page).events.map((e) => e.name)).toEqual(['Tea & Talk']);
  });

  it('reports a block it cannot repair and keeps the others', () => {
    const html = ld('{this is not json', JSON.stringify({ '@type': 'Event', name: 'Ok', startDate: '2026-01-01' }));
    const result = extractJsonLd(html, page);
    expect(result.events.map((e) => e.name)).toEqual(['Ok']);
    expect(result.warnings[0]).toMatch(/block 1 .* not valid JSON/);
  });

  it('decodes entities and strips tags in names and descriptions', () => {
    const html = ld(JSON.stringify({ '@type': 'Event', name: 'Rock &amp; Roll', description: '<p>One</p><p>Two &eacute;</p>', startDate: '2026-01-01' }));
    const [event] = extractJsonLd(html, page).events;
    expect(event?.name).toBe('Rock & Roll');
    expect(event?.description).toBe('One\nTwo é');
  });

  it('reads a Place with a nested PostalAddress and geo, and a plain string location', () => {
    const html = ld(
      JSON.stringify([
        {
          '@type': 'Event',
          name: 'A',
          startDate: '2026-01-01',
          location: {
            '@type': 'Place',
            name: 'Hall',
            address: { '@type': 'PostalAddress', streetAddress: '1 Main St', addressLocality: 'Toronto', addressRegion: 'ON' },
            geo: { latitude: '43.6', longitude: -79.4 },
          },
        },
        { '@type': 'Event', name: 'B', startDate: '2026-01-01', location: 'The Rex' },
      ]),
    );
    const [a, b] = extractJsonLd(html, page).events;
    expect(a?.location).toEqual({
      name: 'Hall',
      streetAddress: '1 Main St',
      addressLocality: 'Toronto',
      addressRegion: 'ON',
      latitude: 43.6,
      longitude: -79.4,
    });
    expect(b?.location).toEqual({ name: 'The Rex' });
  });

  it('turns a numeric price into a string and takes the first offer of an array', () => {
    const html = ld(
      JSON.stringify({
        '@type': 'Event',
        name: 'A',
        startDate: '2026-01-01',
        offers: [{ '@type': 'Offer', price: 15, priceCurrency: 'CAD' }, { price: '30' }],
      }),
    );
    expect(extractJsonLd(html, page).events[0]?.offers).toEqual({ price: '15', priceCurrency: 'CAD' });
  });

  it('finds script blocks whose type carries parameters or unusual quoting', () => {
    const html = `<script type='application/ld+json; charset=utf-8'>{"@type":"Event","name":"A","startDate":"2026-01-01"}</script><script type=application/ld+json>{"@type":"Event","name":"B","startDate":"2026-01-01"}</script><script type="text/javascript">var x = {"@type":"Event"};</script>`;
    expect(extractJsonLd(html, page).events.map((e) => e.name)).toEqual(['A', 'B']);
  });

  it('turns EventSeries sub-events into occurrences (SEL fixture)', () => {
    const html = readFileSync(new URL('eventseries_subevents.html', selTestdata), 'utf8');
    const events = extractJsonLd(html, page).events;
    expect(events).toHaveLength(1);
    expect(events[0]?.occurrences?.map((o) => o.startDate)).toEqual(['2026-07-10T20:00:00', '2026-07-11T19:00:00', '2026-07-12T20:00:00']);
  });

  it('keeps a sub-event with its own URL as an event of its own, inheriting the venue', () => {
    const html = ld(
      JSON.stringify({
        '@type': 'Festival',
        name: 'Fest',
        url: 'https://venue.test/fest',
        location: { name: 'Park' },
        subEvent: [{ '@type': 'MusicEvent', name: 'Band', url: 'https://venue.test/band', startDate: '2026-07-01T20:00:00' }],
      }),
    );
    const events = extractJsonLd(html, page).events;
    expect(events.map((e) => [e.name, e.location?.name])).toEqual([['Band', 'Park']]);
  });

  it('marks cancelled events', () => {
    const html = ld(JSON.stringify({ '@type': 'Event', name: 'A', startDate: '2026-01-01', eventStatus: 'https://schema.org/EventCancelled' }));
    expect(extractJsonLd(html, page).events[0]?.cancelled).toBe(true);
  });
});
