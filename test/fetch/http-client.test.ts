import { gzipSync, brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/fetch/http-client.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const ORIGIN = 'https://venue.test';
const agent = useOfflineAgent();

function client() {
  return createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test (+https://x.test)' });
}

const request = (path: string, extra = {}) => ({ url: ORIGIN + path, timeoutMs: 2_000, maxBodyBytes: 1_000_000, ...extra });

describe('createHttpClient', () => {
  it('sends our User-Agent and the source’s own headers', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/p', headers: { 'user-agent': 'sel-scraper/test (+https://x.test)', 'accept-language': 'fr-CA' } })
      .reply(200, 'ok');
    const doc = await client().fetchDocument(request('/p', { headers: { 'Accept-Language': 'fr-CA' } }));
    expect(doc.text).toBe('ok');
  });

  it('decodes a windows-1252 page named in Content-Type', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/p' })
      .reply(200, Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x93, 0x4a, 0x61, 0x7a, 0x7a, 0x94]), {
        headers: { 'content-type': 'text/html; charset=windows-1252' },
      });
    expect((await client().fetchDocument(request('/p'))).text).toBe('Café “Jazz”');
  });

  it('decodes by the <meta charset> when the header names none', async () => {
    const body = Buffer.concat([Buffer.from('<meta charset="iso-8859-1"><p>'), Buffer.from([0xe9, 0xe8]), Buffer.from('</p>')]);
    agent()
      .get(ORIGIN)
      .intercept({ path: '/p' })
      .reply(200, body, { headers: { 'content-type': 'text/html' } });
    expect((await client().fetchDocument(request('/p'))).text).toContain('éè');
  });

  it('decompresses gzip and brotli bodies', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/gz' })
      .reply(200, gzipSync('zipped'), { headers: { 'content-encoding': 'gzip' } });
    agent()
      .get(ORIGIN)
      .intercept({ path: '/br' })
      .reply(200, brotliCompressSync('brotli'), { headers: { 'content-encoding': 'br' } });
    expect((await client().fetchDocument(request('/gz'))).text).toBe('zipped');
    expect((await client().fetchDocument(request('/br'))).text).toBe('brotli');
  });

  it('follows redirects and reports the final URL for resolving links', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/old' })
      .reply(301, '', { headers: { location: '/new' } });
    agent().get(ORIGIN).intercept({ path: '/new' }).reply(200, 'moved');
    const doc = await client().fetchDocument(request('/old'));
    expect(doc.url).toBe(`${ORIGIN}/new`);
    expect(doc.text).toBe('moved');
  });

  it('fails a redirect loop after a bounded number of hops', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/loop' })
      .reply(302, '', { headers: { location: '/loop' } })
      .persist();
    await expect(client().fetchDocument(request('/loop'))).rejects.toMatchObject({ code: 'ERR_FETCH', message: expect.stringContaining('too many redirects') });
  });

  it('fails a body over the limit, also when it only grows that large once decompressed', async () => {
    agent().get(ORIGIN).intercept({ path: '/big' }).reply(200, 'x'.repeat(2_000));
    agent()
      .get(ORIGIN)
      .intercept({ path: '/bomb' })
      .reply(200, gzipSync('x'.repeat(50_000)), { headers: { 'content-encoding': 'gzip' } });
    await expect(client().fetchDocument(request('/big', { maxBodyBytes: 1_000 }))).rejects.toMatchObject({ code: 'ERR_FETCH_TOO_LARGE' });
    await expect(client().fetchDocument(request('/bomb', { maxBodyBytes: 1_000 }))).rejects.toMatchObject({ code: 'ERR_FETCH_TOO_LARGE' });
  });

  it('reports an HTTP error status with a hint', async () => {
    agent().get(ORIGIN).intercept({ path: '/gone' }).reply(404, 'no');
    await expect(client().fetchDocument(request('/gone'))).rejects.toMatchObject({
      code: 'ERR_FETCH_STATUS',
      message: `HTTP 404 fetching ${ORIGIN}/gone`,
      hint: expect.stringContaining('url'),
    });
  });

  it('times out a slow answer', async () => {
    agent().get(ORIGIN).intercept({ path: '/slow' }).reply(200, 'late').delay(500);
    await expect(client().fetchDocument(request('/slow', { timeoutMs: 50 }))).rejects.toMatchObject({ code: 'ERR_FETCH_TIMEOUT' });
  });

  it('fails a host that cannot be resolved as a site that cannot be reached, naming the cause', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/down' })
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND venue.test'), { code: 'ENOTFOUND' }));
    await expect(client().fetchDocument(request('/down'))).rejects.toMatchObject({
      code: 'ERR_SITE_UNREACHABLE',
      message: 'site unreachable: cannot resolve the host name venue.test (ENOTFOUND)',
      hint: expect.stringContaining('network'),
    });
  });

  it('reports a network failure after the connection with its cause', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/reset' })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    await expect(client().fetchDocument(request('/reset'))).rejects.toMatchObject({
      code: 'ERR_FETCH',
      message: `cannot fetch ${ORIGIN}/reset: UND_ERR_SOCKET`,
    });
  });
});

describe('createHttpClient with compressed files', () => {
  it('unpacks a .gz file served without Content-Encoding (sitemap.xml.gz)', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/sitemap.xml.gz' })
      .reply(200, gzipSync('<urlset/>'), { headers: { 'content-type': 'application/x-gzip' } });
    expect((await client().fetchDocument(request('/sitemap.xml.gz'))).text).toBe('<urlset/>');
  });
});
