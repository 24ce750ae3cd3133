import { describe, expect, it } from 'vitest';
import { HttpStatusError, SelScraperError, SiteUnreachableError } from '../../src/errors.ts';
import { HostGate } from '../../src/fetch/host-gate.ts';
import type { FetchedDocument, FetchRequest, HttpClient } from '../../src/fetch/http-client.ts';
import { createBrowserGate, createPoliteHttpClient } from '../../src/fetch/polite-http-client.ts';
import { RobotsPolicy } from '../../src/fetch/robots.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

/** A site as an HttpClient: robots.txt per origin (absent: 404; an error: its fetch fails so), every other URL an empty page. */
function fakeSite(clock: FakeClock, robots: Record<string, string | Error> = {}) {
  const starts: { url: string; at: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const http: HttpClient = {
    async fetchDocument(req: FetchRequest): Promise<FetchedDocument> {
      const url = new URL(req.url);
      if (url.pathname === '/robots.txt') {
        const text = robots[url.origin];
        if (text === undefined) throw new HttpStatusError(404, `HTTP 404 fetching ${req.url}`);
        if (text instanceof Error) throw text;
        return { url: req.url, status: 200, contentType: 'text/plain', text, bytes: text.length, charset: 'utf-8' };
      }
      starts.push({ url: req.url, at: clock.now() });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await clock.sleep(300);
      inFlight--;
      return { url: req.url, status: 200, contentType: 'text/html', text: '<html></html>', bytes: 13, charset: 'utf-8' };
    },
  };
  return { http, starts, maxInFlight: () => maxInFlight };
}

function polite(clock: FakeClock, site: ReturnType<typeof fakeSite>, delayMs = 1_000) {
  return createPoliteHttpClient(site.http, { robots: new RobotsPolicy({ http: site.http }), hostGate: new HostGate({ clock, concurrency: 1, delayMs }) });
}

const get = (url: string, signal?: AbortSignal): FetchRequest => ({ url, timeoutMs: 5_000, maxBodyBytes: 1_000_000, ...(signal ? { signal } : {}) });

/** The browser gate's resolver where no test here vets an address: any lookup is a failure. */
const noDns = (hostname: string) => Promise.reject(new Error(`no DNS in this test: ${hostname}`));

describe('createPoliteHttpClient', () => {
  it('starts two requests to one host at least the host delay apart', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock);
    const http = polite(clock, site);
    await http.fetchDocument(get('https://a.test/1'));
    await http.fetchDocument(get('https://a.test/2'));
    expect(site.starts[1]!.at - site.starts[0]!.at).toBe(1_000);
  });

  it('does not delay requests to different hosts', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock);
    const http = polite(clock, site);
    await http.fetchDocument(get('https://a.test/1'));
    const before = clock.now();
    await http.fetchDocument(get('https://b.test/1'));
    expect(site.starts[1]!.at).toBe(before);
  });

  it('lets only one request at a time reach a host, even from concurrent sources', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock);
    const http = polite(clock, site, 0);
    await Promise.all([1, 2, 3, 4].map((n) => http.fetchDocument(get(`https://a.test/${n}`))));
    expect(site.starts).toHaveLength(4);
    expect(site.maxInFlight()).toBe(1);
  });

  it('spaces requests by the robots.txt Crawl-delay when it is longer than the host delay', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock, { 'https://a.test': 'User-agent: *\nCrawl-delay: 5\n' });
    const http = polite(clock, site);
    await http.fetchDocument(get('https://a.test/1'));
    await http.fetchDocument(get('https://a.test/2'));
    await http.fetchDocument(get('https://a.test/3'));
    expect(site.starts.map((s) => s.at - site.starts[0]!.at)).toEqual([0, 5_000, 10_000]);
  });

  it('refuses a URL robots.txt disallows, with ERR_ROBOTS_DISALLOWED and the rule’s file in the reason', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock, { 'https://a.test': 'User-agent: sel-scraper\nDisallow: /private\n' });
    const error = await polite(clock, site)
      .fetchDocument(get('https://a.test/private/events'))
      .catch((e: unknown) => e as SelScraperError);
    expect(error).toMatchObject({
      code: 'ERR_ROBOTS_DISALLOWED',
      message: 'skipped by robots.txt: https://a.test/robots.txt disallows "sel-scraper" from /private/events',
      hint: expect.stringContaining('asks crawlers'),
    });
    expect(site.starts).toEqual([]);
  });

  it('refuses a page whose robots.txt could not be read, with a hint that says so', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock, { 'https://a.test': new HttpStatusError(503, 'HTTP 503 fetching https://a.test/robots.txt') });
    const error = await polite(clock, site)
      .fetchDocument(get('https://a.test/events'))
      .catch((e: unknown) => e as SelScraperError);
    expect(error).toMatchObject({
      code: 'ERR_ROBOTS_DISALLOWED',
      message: expect.stringMatching(/^skipped by robots\.txt: https:\/\/a\.test\/robots\.txt could not be read \(HTTP 503/),
    });
    expect((error as SelScraperError).hint).toMatch(/could not be read/);
    expect((error as SelScraperError).hint).not.toMatch(/asks crawlers/);
    expect(site.starts).toEqual([]);
  });

  it('fails a page of a site that cannot be reached as unreachable, not as refused by robots.txt, and fetches nothing', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock, { 'https://a.test': new SiteUnreachableError('cannot resolve the host name a.test (ENOTFOUND)') });
    const error = await polite(clock, site)
      .fetchDocument(get('https://a.test/events'))
      .catch((e: unknown) => e as SelScraperError);
    expect(error).toMatchObject({
      code: 'ERR_SITE_UNREACHABLE',
      message: 'site unreachable: cannot resolve the host name a.test (ENOTFOUND)',
      hint: expect.stringContaining('network'),
    });
    expect(site.starts).toEqual([]);
  });

  it('admits a URL for the browser without fetching it, its start spaced from the host’s other requests', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock);
    const options = { robots: new RobotsPolicy({ http: site.http }), hostGate: new HostGate({ clock, concurrency: 1, delayMs: 1_000 }) };
    const http = createPoliteHttpClient(site.http, options);
    const admit = createBrowserGate({ ...options, resolve: noDns }).admit;
    await http.fetchDocument(get('https://a.test/1'));
    const fetched = site.starts[0]!.at;
    await admit('https://a.test/2');
    const admittedAt = clock.now();
    await http.fetchDocument(get('https://a.test/3'));
    expect(site.starts.map((s) => s.url)).toEqual(['https://a.test/1', 'https://a.test/3']);
    expect(admittedAt - fetched).toBe(1_000);
    expect(site.starts[1]!.at - admittedAt).toBe(1_000);
  });

  it('refuses to admit a URL robots.txt disallows', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock, { 'https://a.test': 'User-agent: *\nDisallow: /private\n' });
    const { admit } = createBrowserGate({ robots: new RobotsPolicy({ http: site.http }), hostGate: new HostGate({ clock }), resolve: noDns });
    const error = await admit('https://a.test/private/events').catch((e: unknown) => e as SelScraperError);
    expect(error).toMatchObject({ code: 'ERR_ROBOTS_DISALLOWED' });
    expect(site.starts).toEqual([]);
  });

  it('checks robots.txt for a URL without taking a turn at the host, refusing what it disallows', async () => {
    const clock = new FakeClock();
    const site = fakeSite(clock, { 'https://a.test': 'User-agent: *\nDisallow: /private\n' });
    const options = { robots: new RobotsPolicy({ http: site.http }), hostGate: new HostGate({ clock, concurrency: 1, delayMs: 1_000 }) };
    const { check } = createBrowserGate({ ...options, resolve: noDns });
    await createPoliteHttpClient(site.http, options).fetchDocument(get('https://a.test/1'));
    const before = clock.now();
    await check('https://a.test/2');
    expect(clock.now()).toBe(before);
    await expect(check('https://a.test/private/events')).rejects.toMatchObject({ code: 'ERR_ROBOTS_DISALLOWED' });
    expect(site.starts.map((s) => s.url)).toEqual(['https://a.test/1']);
  });

  it('lets a waiter whose signal aborts leave the host queue without taking a turn', async () => {
    const gate = new HostGate({ clock: new FakeClock(), concurrency: 1, delayMs: 0 });
    let release = () => {};
    const ran: string[] = [];
    const first = gate.run('https://a.test/1', () => new Promise<void>((resolve) => (release = resolve)).then(() => ran.push('1')));
    const controller = new AbortController();
    const second = gate.run('https://a.test/2', async () => ran.push('2'), controller.signal);
    const third = gate.run('https://a.test/3', async () => ran.push('3'));
    controller.abort(new Error('source timed out'));
    await expect(second).rejects.toThrow('source timed out');
    release();
    await Promise.all([first, third]);
    expect(ran).toEqual(['1', '3']);
  });
});
