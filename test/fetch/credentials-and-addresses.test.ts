import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, buildConnector, request } from 'undici';
import { createGuardedAgent } from '../../src/fetch/address-guard.ts';
import type { ResolveHost } from '../../src/fetch/host-resolution.ts';
import { createSourceFetching, type SourceFetching } from '../../src/fetch/source-fetching.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import { readSourcePages } from '../../src/read/source-pages.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { closeServer, listenOnLoopback } from '../helpers/loopback.ts';

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
}

type Answer = { status?: number; headers?: Record<string, string>; body?: string };

/** A loopback site answering by path, recording each request with its headers. */
async function site(pages: Record<string, Answer>): Promise<{ origin: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '/', headers: req.headers });
    req.resume();
    const page = pages[req.url ?? '/'];
    res.writeHead(page?.status ?? (page ? 200 : 404), { 'content-type': 'text/html', ...page?.headers });
    res.end(page?.body ?? '');
  });
  const origin = await listenOnLoopback(server);
  servers.push(server);
  return { origin, seen, server };
}

const servers: Server[] = [];
const closing: SourceFetching[] = [];
const agents: Agent[] = [];

afterEach(async () => {
  for (const f of closing.splice(0)) await f.close();
  for (const a of agents.splice(0)) await a.close();
  for (const s of servers.splice(0)) await closeServer(s);
});

const EVENT_PAGE = `<html><head><script type="application/ld+json">${JSON.stringify({ '@type': 'Event', name: 'Gig', startDate: '2027-01-15T20:00:00-05:00' })}</script></head></html>`;

/**
 * The network of these tests: real sockets to 127.0.0.1 only. Any other address is refused
 * before a socket opens and recorded, so a wrong policy shows as an attempt, never as traffic.
 */
function loopbackOnlyNetwork(attempts: string[]): Agent {
  const connector = buildConnector({});
  const agent = new Agent({
    connect: (options, callback) => {
      attempts.push(options.hostname);
      if (options.hostname !== '127.0.0.1') callback(new Error(`test network: no route to ${options.hostname}`), null);
      else connector(options, callback);
    },
  });
  agents.push(agent);
  return agent;
}

async function fetching(attempts: string[], resolve?: ResolveHost): Promise<SourceFetching> {
  const f = await createSourceFetching({
    network: loopbackOnlyNetwork(attempts),
    clock: new FakeClock(),
    maxRetryAfterMs: 0,
    hostDelayMs: 0,
    realNetwork: false,
    ...(resolve ? { resolve } : {}),
  });
  closing.push(f);
  return f;
}

async function readAll(file: SourceFile, f: SourceFetching, env: Record<string, string> = {}): Promise<PageOutcome[]> {
  const source = applyDefaults({ name: 'venue', license: 'CC0-1.0', ...file }, 'venue.yaml', 'America/Toronto');
  const pages: PageOutcome[] = [];
  for await (const page of readSourcePages(source, { http: f.http, clock: new FakeClock(), env })) pages.push(page);
  return pages;
}

const SECRET_HEADERS = { Authorization: 'Bearer s3cret-bearer-value', 'X-Api-Key': 'apikey-0123456789', 'X-Trace': 'not-a-credential-but-configured' };

describe('credentials stay on the origins a config names', () => {
  it('drops the source headers on a redirect to another origin (another port of 127.0.0.1)', async () => {
    const other = await site({ '/landing': { body: EVENT_PAGE } });
    const home = await site({ '/events': { status: 302, headers: { location: `${other.origin}/landing` } } });
    const pages = await readAll({ url: `${home.origin}/events`, headers: SECRET_HEADERS }, await fetching([]));
    expect(pages[0]).toMatchObject({ ok: true, url: `${other.origin}/landing` });
    const asked = home.seen.find((s) => s.path === '/events');
    expect(asked?.headers.authorization).toBe(SECRET_HEADERS.Authorization);
    const landed = other.seen.find((s) => s.path === '/landing');
    expect(landed).toBeDefined();
    expect(landed?.headers.authorization).toBeUndefined();
    expect(landed?.headers['x-api-key']).toBeUndefined();
    expect(landed?.headers['x-trace']).toBeUndefined();
  });

  it('keeps the source headers on a redirect within the origin', async () => {
    const home = await site({ '/old': { status: 301, headers: { location: '/new' } }, '/new': { body: EVENT_PAGE } });
    await readAll({ url: `${home.origin}/old`, headers: SECRET_HEADERS }, await fetching([]));
    expect(home.seen.find((s) => s.path === '/new')?.headers['x-api-key']).toBe(SECRET_HEADERS['X-Api-Key']);
  });

  it('sends no bearer token to another origin a GraphQL endpoint answers 307 to', async () => {
    const other = await site({ '/graphql': { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { allEvents: [] } }) } });
    const api = await site({ '/graphql': { status: 307, headers: { location: `${other.origin}/graphql` } } });
    await readAll({ tier: 3, graphql: { endpoint: `${api.origin}/graphql`, query: '{ allEvents { title } }', event_field: 'allEvents' } }, await fetching([]), {
      SEL_GRAPHQL_TOKEN_VENUE: 'graphql-token-abcdef123',
    });
    expect(api.seen.find((s) => s.path === '/graphql')?.headers.authorization).toBe('Bearer graphql-token-abcdef123');
    const redirected = other.seen.find((s) => s.path === '/graphql');
    expect(redirected).toBeDefined();
    expect(redirected?.headers.authorization).toBeUndefined();
  });

  it('sends no source headers to the pages of another host a sitemap lists', async () => {
    const other = await site({ '/events/1': { body: EVENT_PAGE } });
    const home = await site({
      '/sitemap.xml': { headers: { 'content-type': 'application/xml' }, body: `<urlset><url><loc>${other.origin}/events/1</loc></url></urlset>` },
    });
    const pages = await readAll(
      { url: `${home.origin}/`, headers: SECRET_HEADERS, sitemap: { url: `${home.origin}/sitemap.xml`, filter_pattern: '/events/' } },
      await fetching([]),
    );
    expect(pages.filter((p) => p.ok)).toHaveLength(2);
    expect(home.seen.find((s) => s.path === '/sitemap.xml')?.headers['x-api-key']).toBe(SECRET_HEADERS['X-Api-Key']);
    const listed = other.seen.find((s) => s.path === '/events/1');
    expect(listed?.headers.authorization).toBeUndefined();
    expect(listed?.headers['x-api-key']).toBeUndefined();
  });

  it('turns user information in the config URL into Basic auth for that origin and keeps it out of the page URL', async () => {
    const home = await site({ '/events': { body: EVENT_PAGE } });
    const withUser = home.origin.replace('http://', 'http://scraper:pa55-w0rd-xyz@');
    const pages = await readAll({ url: `${withUser}/events` }, await fetching([]));
    expect(home.seen[home.seen.length - 1]?.headers.authorization).toBe(`Basic ${Buffer.from('scraper:pa55-w0rd-xyz').toString('base64')}`);
    expect(JSON.stringify(pages)).not.toContain('pa55-w0rd-xyz');
    expect(pages[0]?.url).toBe(`${home.origin}/events`);
  });
});

describe('every redirect hop is admitted like a first request', () => {
  it('refuses a redirect to a path robots.txt disallows, without fetching it', async () => {
    const home = await site({
      '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /private\n' },
      '/events': { status: 302, headers: { location: '/private/list' } },
      '/private/list': { body: EVENT_PAGE },
    });
    const pages = await readAll({ url: `${home.origin}/events` }, await fetching([]));
    expect(pages[0]).toMatchObject({ ok: false });
    expect(pages[0]?.ok === false && pages[0].error).toMatch(/robots\.txt/);
    expect(home.seen.map((s) => s.path)).not.toContain('/private/list');
  });
});

describe('pages cannot steer the runner into its own network', () => {
  const resolveTo =
    (table: Record<string, string>): ResolveHost =>
    async (hostname) => {
      const address = table[hostname];
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return [{ address, family: address.includes(':') ? 6 : 4 }] satisfies LookupAddress[];
    };

  it('refuses sitemap entries on 10.0.0.1 and on a name that resolves to 169.254.169.254 without connecting', async () => {
    const attempts: string[] = [];
    const home = await site({
      '/sitemap.xml': {
        headers: { 'content-type': 'application/xml' },
        body: '<urlset><url><loc>http://10.0.0.1/events/a</loc></url><url><loc>http://metadata.test/events/b</loc></url></urlset>',
      },
    });
    const f = await fetching(attempts, resolveTo({ 'metadata.test': '169.254.169.254' }));
    const pages = await readAll({ url: `${home.origin}/`, sitemap: { url: `${home.origin}/sitemap.xml`, filter_pattern: '/events/' } }, f);
    const refused = pages.filter((p) => !p.ok);
    expect(refused.map((p) => p.url)).toEqual(['http://10.0.0.1/events/a', 'http://metadata.test/events/b']);
    for (const page of refused) expect(page.ok === false && page.error).toMatch(/private, loopback, link-local or special address/);
    expect(attempts.filter((h) => h !== '127.0.0.1')).toEqual([]);
  });

  it('refuses a redirect to the metadata address without connecting', async () => {
    const attempts: string[] = [];
    const home = await site({ '/events': { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } } });
    const pages = await readAll({ url: `${home.origin}/events` }, await fetching(attempts, resolveTo({})));
    expect(pages[0]?.ok === false && pages[0].error).toMatch(/169\.254\.169\.254 is a private/);
    expect(attempts.filter((h) => h !== '127.0.0.1')).toEqual([]);
  });

  it('reads a host on a private address when the config names it', async () => {
    const home = await site({ '/events': { body: EVENT_PAGE } });
    const pages = await readAll({ url: `${home.origin}/events` }, await fetching([], resolveTo({})));
    expect(pages[0]).toMatchObject({ ok: true });
  });

  it('checks the address at connect time, so a name that resolves privately only then is refused', async () => {
    const home = await site({ '/': { body: 'internal' } });
    const port = new URL(home.origin).port;
    const agent = createGuardedAgent(resolveTo({ 'rebind.test': '127.0.0.1' }));
    await expect(request(`http://rebind.test:${port}/`, { dispatcher: agent })).rejects.toMatchObject({ code: 'ERR_FETCH_FORBIDDEN_ADDRESS' });
    await expect(request(`http://[::1]:${port}/`, { dispatcher: agent })).rejects.toMatchObject({ code: 'ERR_FETCH_FORBIDDEN_ADDRESS' });
    await agent.close();
    expect(home.seen).toEqual([]);
  });
});
