import type { LookupAddress } from 'node:dns';
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FetchedDocument, FetchRequest, HttpClient } from '../../src/fetch/http-client.ts';
import { cachingResolve, resolvingFirst, type ResolveHost } from '../../src/fetch/host-resolution.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

/** A resolver that counts its lookups and fails for names it does not know. */
function countingResolver(table: Record<string, string>) {
  const lookups: string[] = [];
  const resolve: ResolveHost = (hostname) => {
    lookups.push(hostname);
    const address = table[hostname];
    if (!address) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    return Promise.resolve([{ address, family: 4 }] satisfies LookupAddress[]);
  };
  return { lookups, resolve };
}

describe('cachingResolve', () => {
  it('looks a host up once for both the check before a request and the connect after it, whatever its case', async () => {
    const clock = new FakeClock();
    const { lookups, resolve } = countingResolver({ 'cdn.example': '93.184.216.34' });
    const cached = cachingResolve(resolve, () => clock.now());
    expect(await cached('cdn.example')).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect(await cached('CDN.example')).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect(lookups).toEqual(['cdn.example']);
  });

  it('looks the host up again once its addresses are 30 s old', async () => {
    const clock = new FakeClock();
    const { lookups, resolve } = countingResolver({ 'cdn.example': '93.184.216.34' });
    const cached = cachingResolve(resolve, () => clock.now());
    await cached('cdn.example');
    await clock.sleep(29_999);
    await cached('cdn.example');
    await clock.sleep(1);
    await cached('cdn.example');
    expect(lookups).toEqual(['cdn.example', 'cdn.example']);
  });

  it('keeps no failed lookup: the next request asks again', async () => {
    const clock = new FakeClock();
    const { lookups, resolve } = countingResolver({});
    const cached = cachingResolve(resolve, () => clock.now());
    await expect(cached('gone.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(cached('gone.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(lookups).toEqual(['gone.example', 'gone.example']);
  });
});

describe('resolvingFirst', () => {
  const page = (url: string): FetchRequest => ({ url, timeoutMs: 1_000, maxBodyBytes: 1_000 });
  const answered: FetchedDocument = { url: 'https://venue.example/', status: 200, contentType: 'text/html', text: 'ok', bytes: 2, charset: 'utf-8' };

  function recording() {
    const fetched: string[] = [];
    const inner: HttpClient = {
      fetchDocument: (req) => {
        fetched.push(req.url);
        return Promise.resolve(answered);
      },
    };
    return { fetched, inner };
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves the host before the request, and calls an unknown name unreachable without requesting anything', async () => {
    const { fetched, inner } = recording();
    const { lookups, resolve } = countingResolver({ 'venue.example': '93.184.216.34' });
    const http = resolvingFirst(inner, resolve);
    await http.fetchDocument(page('https://venue.example/events'));
    await http.fetchDocument(page('https://203.0.113.7/events'));
    await expect(http.fetchDocument(page('https://gone.example/events'))).rejects.toMatchObject({
      code: 'ERR_SITE_UNREACHABLE',
      message: 'site unreachable: cannot resolve the host name gone.example (ENOTFOUND)',
    });
    expect(lookups).toEqual(['venue.example', 'gone.example']);
    expect(fetched).toEqual(['https://venue.example/events', 'https://203.0.113.7/events']);
  });

  it('calls a host whose name gets no answer within the DNS deadline unreachable, apart from the request’s own time', async () => {
    vi.useFakeTimers();
    const { fetched, inner } = recording();
    const http = resolvingFirst(inner, () => new Promise(() => undefined), 30_000);
    const outcome = http.fetchDocument(page('https://slow-dns.example/')).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(fetched).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toMatchObject({
      code: 'ERR_SITE_UNREACHABLE',
      message: 'site unreachable: no DNS answer for the host name slow-dns.example within 30 s',
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up at once when the run stops while the name is being resolved, and adds no listener to the run per request', async () => {
    const { inner } = recording();
    const running = new AbortController();
    const resolved = resolvingFirst(inner, countingResolver({ 'venue.example': '93.184.216.34' }).resolve);
    for (let i = 0; i < 20; i++) await resolved.fetchDocument({ ...page('https://venue.example/'), signal: running.signal });
    expect(getEventListeners(running.signal, 'abort').length).toBeLessThanOrEqual(1);
    const stop = new AbortController();
    const hanging = resolvingFirst(inner, () => new Promise(() => undefined));
    const outcome = hanging.fetchDocument({ ...page('https://slow-dns.example/'), signal: stop.signal }).catch((error: unknown) => error);
    const reason = new Error('the run was stopped');
    stop.abort(reason);
    expect(await outcome).toBe(reason);
  });
});
