import { describe, expect, it } from 'vitest';
import { lastmodLatest, parseSitemap } from '../../src/extract/sitemap.ts';

const sitemapUrl = 'https://venue.test/sitemap.xml';

describe('parseSitemap', () => {
  it('reads the pages and lastmod dates of a urlset', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://venue.test/events/a</loc><lastmod>2026-11-02T10:00:00+00:00</lastmod></url>
        <url><loc>https://venue.test/events/b</loc><lastmod>2026-11</lastmod></url>
        <url><loc>https://venue.test/events/c</loc><lastmod>last tuesday</lastmod></url>
      </urlset>`;
    expect(parseSitemap(xml, sitemapUrl)).toEqual({
      kind: 'urlset',
      urls: [
        { loc: 'https://venue.test/events/a', lastmod: '2026-11-02T10:00:00+00:00' },
        { loc: 'https://venue.test/events/b', lastmod: '2026-11' },
        { loc: 'https://venue.test/events/c' },
      ],
      warnings: [],
    });
  });

  it('lists the child sitemaps of a sitemap index', () => {
    const xml = `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>https://venue.test/page-sitemap.xml</loc></sitemap>
        <sitemap><loc>https://venue.test/event-sitemap.xml</loc><lastmod>2026-11-01</lastmod></sitemap>
      </sitemapindex>`;
    expect(parseSitemap(xml, sitemapUrl)).toEqual({
      kind: 'index',
      sitemaps: ['https://venue.test/page-sitemap.xml', 'https://venue.test/event-sitemap.xml'],
      warnings: [],
    });
  });

  it('trims whitespace around <loc> and decodes entities and CDATA', () => {
    const xml = `<urlset><url><loc>
        https://venue.test/events?id=1&amp;lang=en
      </loc></url><url><loc><![CDATA[https://venue.test/events/b]]></loc></url></urlset>`;
    const doc = parseSitemap(xml, sitemapUrl);
    expect(doc.kind === 'urlset' && doc.urls.map((u) => u.loc)).toEqual(['https://venue.test/events?id=1&lang=en', 'https://venue.test/events/b']);
  });

  it("never takes an image sitemap's <image:loc> for a page", () => {
    const xml = `<urlset xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
        <url><loc>https://venue.test/events/a</loc><image:image><image:loc>https://venue.test/a.jpg</image:loc></image:image></url>
      </urlset>`;
    const doc = parseSitemap(xml, sitemapUrl);
    expect(doc.kind === 'urlset' && doc.urls.map((u) => u.loc)).toEqual(['https://venue.test/events/a']);
  });

  it('reads elements written with a namespace prefix', () => {
    const xml = `<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:url><sm:loc>https://venue.test/x</sm:loc></sm:url></sm:urlset>`;
    const doc = parseSitemap(xml, sitemapUrl);
    expect(doc.kind === 'urlset' && doc.urls.map((u) => u.loc)).toEqual(['https://venue.test/x']);
  });

  it('resolves relative locations against the sitemap and skips ones that are not http(s)', () => {
    const xml = `<urlset><url><loc>/events/a</loc></url><url><loc>mailto:box@venue.test</loc></url></urlset>`;
    const doc = parseSitemap(xml, sitemapUrl);
    expect(doc.kind === 'urlset' && doc.urls.map((u) => u.loc)).toEqual(['https://venue.test/events/a']);
    expect(doc.warnings).toEqual([`${sitemapUrl}: skipped <loc> that is not an http(s) URL: "mailto:box@venue.test"`]);
  });

  it('refuses an HTML page with a message naming its root element', () => {
    expect(() => parseSitemap('<!DOCTYPE html><html><body>Not found</body></html>', sitemapUrl)).toThrow(/is not a sitemap: its root element is <html>/);
  });
});

describe('lastmodLatest', () => {
  it('is the instant itself for a lastmod with a time', () => {
    expect(lastmodLatest('2026-11-24T10:00:00+02:00')).toBe(Date.parse('2026-11-24T08:00:00Z'));
    expect(lastmodLatest('2026-11-24T10:00Z')).toBe(Date.parse('2026-11-24T10:00:00Z'));
  });

  it('is the end of the day, month or year in the westernmost zone for a lastmod without one', () => {
    expect(lastmodLatest('2026-11-24')).toBe(Date.parse('2026-11-25T12:00:00Z'));
    expect(lastmodLatest('2026-12')).toBe(Date.parse('2027-01-01T12:00:00Z'));
    expect(lastmodLatest('2026')).toBe(Date.parse('2027-01-01T12:00:00Z'));
  });

  it('is undefined for what the sitemap protocol does not allow', () => {
    expect(lastmodLatest('last tuesday')).toBeUndefined();
  });
});
