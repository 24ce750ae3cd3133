import type { IncomingHttpHeaders } from 'node:http';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SourceCookieJar } from '../../src/fetch/cookie-jar.ts';
import { createHttpClient } from '../../src/fetch/http-client.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const SITE = 'https://venue.test';
const agent = useOfflineAgent();

/** Answers `path` on `origin` with `setCookie`, recording the Cookie header each request sent. */
function page(origin: string, path: string, sent: (string | undefined)[], setCookie: string[] = [], status = 200, location?: string) {
  agent()
    .get(origin)
    .intercept({ path })
    .reply((options) => {
      sent.push((options.headers as IncomingHttpHeaders | undefined)?.cookie);
      return { statusCode: status, data: 'ok', responseOptions: { headers: { 'set-cookie': setCookie, ...(location ? { location } : {}) } } };
    });
}

function setup() {
  const jar = new SourceCookieJar();
  const http = createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test' });
  const get = (url: string, headers?: Record<string, string>) =>
    http.fetchDocument({ url, timeoutMs: 2_000, maxBodyBytes: 10_000, cookies: jar, ...(headers ? { headers } : {}) });
  return { jar, http, get };
}

describe('SourceCookieJar with the HTTP client', () => {
  it('sends a cookie a page set with the next request to that site', async () => {
    const sent: (string | undefined)[] = [];
    page(SITE, '/first', sent, ['session=abc; Path=/']);
    page(SITE, '/second', sent);
    const { get } = setup();
    await get(`${SITE}/first`);
    await get(`${SITE}/second`);
    expect(sent).toEqual([undefined, 'session=abc']);
  });

  it('keeps a cookie set on a redirect, as a consent or login redirect does', async () => {
    const sent: (string | undefined)[] = [];
    page(SITE, '/consent', sent, ['consent=yes'], 302, '/events');
    page(SITE, '/events', sent);
    await setup().get(`${SITE}/consent`);
    expect(sent).toEqual([undefined, 'consent=yes']);
  });

  it('never sends a site’s cookie to another site, even one the first redirects to', async () => {
    const sent: (string | undefined)[] = [];
    page(SITE, '/a', sent, ['session=abc'], 302, 'https://tracker.test/pixel');
    page('https://tracker.test', '/pixel', sent);
    await setup().get(`${SITE}/a`);
    expect(sent).toEqual([undefined, undefined]);
  });

  it('refuses a cookie a site sets for another domain', async () => {
    const sent: (string | undefined)[] = [];
    page(SITE, '/a', sent, ['stolen=1; Domain=other.test']);
    page('https://other.test', '/b', sent);
    const { get } = setup();
    await get(`${SITE}/a`);
    await get('https://other.test/b');
    expect(sent).toEqual([undefined, undefined]);
  });

  it('sends a Domain cookie to the site’s subdomains', async () => {
    const sent: (string | undefined)[] = [];
    page(SITE, '/a', sent, ['region=on; Domain=venue.test']);
    page('https://www.venue.test', '/b', sent);
    const { get } = setup();
    await get(`${SITE}/a`);
    await get('https://www.venue.test/b');
    expect(sent).toEqual([undefined, 'region=on']);
  });

  it('honours Path and Secure', async () => {
    const sent: (string | undefined)[] = [];
    page(SITE, '/shop/login', sent, ['cart=1; Path=/shop', 'token=2; Secure; Path=/']);
    page(SITE, '/events', sent);
    page('http://venue.test', '/shop/list', sent);
    const { get } = setup();
    await get(`${SITE}/shop/login`);
    await get(`${SITE}/events`);
    await get('http://venue.test/shop/list');
    expect(sent).toEqual([undefined, 'token=2', 'cart=1']);
  });

  it('drops a cookie the site expires or deletes, and keeps one that lasts', async () => {
    const sent: (string | undefined)[] = [];
    page(SITE, '/a', sent, ['session=abc', 'old=1; Expires=Thu, 01 Jan 2015 00:00:00 GMT', 'long=2; Max-Age=3600']);
    page(SITE, '/logout', sent, ['session=; Max-Age=0']);
    page(SITE, '/b', sent);
    const { get } = setup();
    await get(`${SITE}/a`);
    await get(`${SITE}/logout`);
    await get(`${SITE}/b`);
    expect(sent).toEqual([undefined, 'session=abc; long=2', 'long=2']);
  });

  it('adds the jar’s cookies to a Cookie header the source configured', async () => {
    const sent: (string | undefined)[] = [];
    page(SITE, '/a', sent, ['session=abc']);
    page(SITE, '/b', sent);
    const { get } = setup();
    await get(`${SITE}/a`, { Cookie: 'lang=fr' });
    await get(`${SITE}/b`, { Cookie: 'lang=fr' });
    expect(sent).toEqual(['lang=fr', 'lang=fr; session=abc']);
  });

  it('sends no cookie on a request made without a jar (robots.txt, another source)', async () => {
    const sent: (string | undefined)[] = [];
    page(SITE, '/a', sent, ['session=abc']);
    page(SITE, '/robots.txt', sent);
    const { get, http } = setup();
    await get(`${SITE}/a`);
    await http.fetchDocument({ url: `${SITE}/robots.txt`, timeoutMs: 2_000, maxBodyBytes: 10_000 });
    expect(sent).toEqual([undefined, undefined]);
  });
});

describe('SourceCookieJar itself', () => {
  it('shows no cookie value when a request carrying it is serialised or inspected by mistake', () => {
    const jar = new SourceCookieJar();
    jar.store(`${SITE}/a`, 'session=secret-value');
    expect(jar.cookieHeader(`${SITE}/b`)).toBe('session=secret-value');
    expect(JSON.stringify({ url: SITE, cookies: jar })).not.toContain('secret-value');
    expect(inspect({ url: SITE, cookies: jar }, { depth: 10 })).not.toContain('secret-value');
  });
});
