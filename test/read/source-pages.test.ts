import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/fetch/http-client.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import { readSourcePages } from '../../src/read/source-pages.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const SITE = 'https://venue.test';
const agent = useOfflineAgent();
const event = (name: string) => `<script type="application/ld+json">${JSON.stringify({ '@type': 'Event', name, startDate: '2027-01-10T20:00' })}</script>`;

/** A site whose /welcome sets a session cookie that its other pages require. */
function sessionSite(sent: Record<string, string | undefined>) {
  for (const path of ['/welcome', '/events', '/other']) {
    agent()
      .get(SITE)
      .intercept({ path })
      .reply((options) => {
        const cookie = (options.headers as IncomingHttpHeaders | undefined)?.cookie;
        sent[path] = cookie;
        if (path === '/welcome') return { statusCode: 200, data: event('Welcome'), responseOptions: { headers: { 'set-cookie': 'session=s1; Path=/' } } };
        return cookie === 'session=s1' ? { statusCode: 200, data: event(`At ${path}`) } : { statusCode: 403, data: 'no session' };
      });
  }
}

async function read(name: string, urls: string[], http: ReturnType<typeof createHttpClient>): Promise<PageOutcome[]> {
  const source = applyDefaults({ name, urls, tier: 0 }, `${name}.yaml`, 'America/Toronto');
  const pages: PageOutcome[] = [];
  for await (const page of readSourcePages(source, { http, clock: new FakeClock() })) pages.push(page);
  return pages;
}

describe('readSourcePages: one cookie jar per source', () => {
  it('sends a cookie the source’s first page set with its later pages', async () => {
    const sent: Record<string, string | undefined> = {};
    sessionSite(sent);
    const http = createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test' });
    const pages = await read('venue', [`${SITE}/welcome`, `${SITE}/events`], http);
    expect(pages.map((p) => p.ok && p.events.map((e) => e.name))).toEqual([['Welcome'], ['At /events']]);
    expect(sent['/events']).toBe('session=s1');
  });

  it('never shares a source’s cookies with another source on the same site', async () => {
    const sent: Record<string, string | undefined> = {};
    sessionSite(sent);
    const http = createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test' });
    await read('first', [`${SITE}/welcome`], http);
    const pages = await read('second', [`${SITE}/other`], http);
    expect(sent['/other']).toBeUndefined();
    expect(pages[0]?.ok).toBe(false);
  });
});
