import { describe, expect, it } from 'vitest';
import { HttpStatusError } from '../../src/errors.ts';
import type { FetchedDocument, HttpClient } from '../../src/fetch/http-client.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import { readSitemapPages } from '../../src/read/sitemap.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { named, type Row } from './table.ts';

/**
 * Sitemap discovery (scraper-anchor.md §3.10) as a table: the sitemap files a site serves, the
 * source's `sitemap` block, and the pages read, in order: include pattern, then exclude
 * pattern, then the first max_urls; sitemap indexes followed.
 */
const SITE = 'https://theatre.test';

interface Input {
  /** Served files by path; a sitemap's value is its list of page paths, or `index:` + child paths. */
  files: Record<string, string[]>;
  sitemap: NonNullable<SourceFile['sitemap']>;
}

function xmlOf(paths: string[]): string {
  if (paths[0] === 'index:') {
    return `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths
      .slice(1)
      .map((p) => `<sitemap><loc>${SITE}${p}</loc></sitemap>`)
      .join('')}</sitemapindex>`;
  }
  return `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>${p.startsWith('http') ? p : SITE + p}</loc></url>`).join('')}</urlset>`;
}

async function pagesRead(input: Input): Promise<{ pages: string[]; outcomes: PageOutcome[] }> {
  const pages: string[] = [];
  const http: HttpClient = {
    fetchDocument(req): Promise<FetchedDocument> {
      const path = new URL(req.url).pathname;
      const listed = input.files[path];
      if (listed) {
        const text = xmlOf(listed);
        return Promise.resolve({ url: req.url, status: 200, contentType: 'application/xml', text, bytes: text.length, charset: 'utf-8' });
      }
      if (!req.url.startsWith(SITE) || path.endsWith('.xml')) return Promise.reject(new HttpStatusError(404, `HTTP 404 fetching ${req.url}`));
      pages.push(path);
      return Promise.resolve({ url: req.url, status: 200, contentType: 'text/html', text: '<html></html>', bytes: 13, charset: 'utf-8' });
    },
  };
  const source = applyDefaults({ name: 'theatre', url: `${SITE}/`, tier: 0, sitemap: input.sitemap }, 'theatre.yaml', 'America/Toronto');
  const outcomes: PageOutcome[] = [];
  for await (const outcome of readSitemapPages(source, { http, clock: new FakeClock() })) outcomes.push(outcome);
  return { pages, outcomes };
}

const shows = ['/shows/hamlet/', '/shows/tempest/', '/shows/archive-lear/', '/about/', '/shows/', '/news/shows-announced/'];
const sitemap = (extra: Partial<Input['sitemap']> = {}) => ({ url: `${SITE}/sitemap.xml`, filter_pattern: '/shows/', ...extra });

const ROWS: Row<Input, string[]>[] = [
  {
    input: { files: { '/sitemap.xml': shows }, sitemap: sitemap() },
    expected: ['/shows/hamlet/', '/shows/tempest/', '/shows/archive-lear/', '/shows/'],
    note: 'the include pattern matches anywhere in the URL',
  },
  {
    input: { files: { '/sitemap.xml': shows }, sitemap: sitemap({ filter_pattern: '/shows/[a-z-]+/$' }) },
    expected: ['/shows/hamlet/', '/shows/tempest/', '/shows/archive-lear/'],
  },
  {
    input: { files: { '/sitemap.xml': shows }, sitemap: sitemap({ filter_pattern: '/shows/[a-z-]+/$', exclude_pattern: '/shows/archive-' }) },
    expected: ['/shows/hamlet/', '/shows/tempest/'],
    note: 'exclude after include',
  },
  {
    input: { files: { '/sitemap.xml': shows }, sitemap: sitemap({ filter_pattern: '^https://theatre\\.test/shows/' }) },
    expected: ['/shows/hamlet/', '/shows/tempest/', '/shows/archive-lear/', '/shows/'],
    note: 'anchored on the full URL',
  },
  {
    input: { files: { '/sitemap.xml': shows }, sitemap: sitemap({ filter_pattern: '^/shows/' }) },
    expected: [],
    note: 'the pattern sees the full URL, not the path',
  },
  { input: { files: { '/sitemap.xml': shows }, sitemap: sitemap({ filter_pattern: '.' }) }, expected: shows },
  { input: { files: { '/sitemap.xml': shows }, sitemap: sitemap({ filter_pattern: 'HAMLET' }) }, expected: [], note: 'case-sensitive, as Go regexps are' },
  {
    input: { files: { '/sitemap.xml': shows }, sitemap: sitemap({ filter_pattern: '/shows/(hamlet|tempest)/' }) },
    expected: ['/shows/hamlet/', '/shows/tempest/'],
  },
  {
    input: { files: { '/sitemap.xml': shows }, sitemap: sitemap({ max_urls: 2 }) },
    expected: ['/shows/hamlet/', '/shows/tempest/'],
    note: 'the first max_urls matches',
  },
  {
    input: { files: { '/sitemap.xml': shows }, sitemap: sitemap({ exclude_pattern: 'hamlet', max_urls: 2 }) },
    expected: ['/shows/tempest/', '/shows/archive-lear/'],
    note: 'max_urls counts pages kept, not pages listed',
  },
  {
    input: { files: { '/sitemap.xml': ['/shows/a/', '/shows/a/', '/shows/b/'] }, sitemap: sitemap() },
    expected: ['/shows/a/', '/shows/b/'],
    note: 'a page listed twice is read once',
  },
  {
    input: { files: { '/sitemap.xml': ['https://other.test/shows/x/', '/shows/y/'] }, sitemap: sitemap() },
    expected: ['/shows/y/'],
    note: 'pages are read where they are listed; other sites fail',
  },
  {
    input: {
      files: {
        '/sitemap.xml': ['index:', '/sitemap-shows.xml', '/sitemap-news.xml'],
        '/sitemap-shows.xml': ['/shows/hamlet/'],
        '/sitemap-news.xml': ['/news/shows-announced/', '/shows/tempest/'],
      },
      sitemap: sitemap(),
    },
    expected: ['/shows/hamlet/', '/shows/tempest/'],
    note: 'a sitemap index',
  },
  {
    input: { files: { '/sitemap.xml': ['index:', '/a.xml'], '/a.xml': ['index:', '/b.xml'], '/b.xml': ['/shows/deep/'] }, sitemap: sitemap() },
    expected: ['/shows/deep/'],
    note: 'indexes two levels deep',
  },
  {
    input: {
      files: { '/sitemap.xml': ['index:', '/a.xml'], '/a.xml': ['index:', '/b.xml'], '/b.xml': ['index:', '/c.xml'], '/c.xml': ['/shows/too-deep/'] },
      sitemap: sitemap(),
    },
    expected: [],
    note: 'deeper indexes are not followed (SEL’s limit)',
  },
  {
    input: { files: { '/sitemap.xml': ['index:', '/missing.xml', '/ok.xml'], '/ok.xml': ['/shows/ok/'] }, sitemap: sitemap() },
    expected: ['/shows/ok/'],
    note: 'a child that fails is skipped',
  },
];

describe('conformance: sitemap filters (scraper-anchor.md §3.10)', () => {
  it.each(named(ROWS))('%s', async (_title, row) => {
    expect((await pagesRead(row.input)).pages).toEqual(row.expected);
  });

  it('says so when no listed URL matches', async () => {
    const { outcomes } = await pagesRead({ files: { '/sitemap.xml': shows }, sitemap: sitemap({ filter_pattern: '/events/' }) });
    expect(outcomes[0]?.ok && outcomes[0].warnings.join('\n')).toMatch(/none of the 6 URL\(s\) in the sitemap match filter_pattern/);
  });
});
