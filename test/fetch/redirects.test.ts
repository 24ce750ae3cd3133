import { describe, expect, it } from 'vitest';
import { UrlPolicy } from '../../src/fetch/address-policy.ts';
import type { FetchedDocument, FetchRequest } from '../../src/fetch/http-client.ts';
import { followRedirects } from '../../src/fetch/redirects.ts';

/** Answers each URL from a table of redirects, recording the hops it was asked. */
function hops(redirects: Record<string, [number, string]>) {
  const asked: FetchRequest[] = [];
  const send = async (hop: FetchRequest): Promise<FetchedDocument> => {
    asked.push(hop);
    const redirect = redirects[hop.url];
    const base = { url: hop.url, contentType: 'text/html', text: '', bytes: 0, charset: 'utf-8' };
    return redirect ? { ...base, status: redirect[0], location: redirect[1] } : { ...base, status: 200 };
  };
  return { asked, send };
}

const request = (url: string, extra: Partial<FetchRequest> = {}): FetchRequest => ({ url, timeoutMs: 1_000, maxBodyBytes: 1_000, ...extra });

describe('followRedirects', () => {
  it('turns a POST into a GET without a body on 303, and keeps both on 307', async () => {
    const site = hops({ 'https://a.test/post': [303, '/see'], 'https://a.test/keep': [307, '/kept'] });
    await followRedirects(request('https://a.test/post', { method: 'POST', body: '{}' }), site.send);
    await followRedirects(request('https://a.test/keep', { method: 'POST', body: '{}' }), site.send);
    expect(site.asked.map((h) => [h.url, h.method, h.body])).toEqual([
      ['https://a.test/post', 'POST', '{}'],
      ['https://a.test/see', 'GET', undefined],
      ['https://a.test/keep', 'POST', '{}'],
      ['https://a.test/kept', 'POST', '{}'],
    ]);
  });

  it('without a policy keeps credentials on the origin first asked, as fetch does', async () => {
    const site = hops({ 'https://a.test/': [302, 'https://b.test/'] });
    await followRedirects(
      request('https://a.test/', {
        headers: { Authorization: 'Bearer x', Cookie: 'c=1', 'X-Token': 't', Accept: 'text/html' },
        credentialHeaders: ['X-Token'],
      }),
      site.send,
    );
    expect(site.asked[1]?.headers).toEqual({ Accept: 'text/html' });
  });

  it('with a policy sends credentials to every origin the config names, and to no other', async () => {
    const policy = new UrlPolicy(['https://a.test/', 'https://api.a.test/']);
    const site = hops({ 'https://a.test/': [302, 'https://api.a.test/'], 'https://api.a.test/': [302, 'https://cdn.test/'] });
    await followRedirects(request('https://a.test/', { headers: { authorization: 'Bearer x' }, policy }), site.send);
    expect(site.asked.map((h) => h.headers?.authorization)).toEqual(['Bearer x', 'Bearer x', undefined]);
  });

  it('never sends user information a redirect carries', async () => {
    const site = hops({ 'https://a.test/': [302, 'https://user:pw@b.test/x'] });
    const doc = await followRedirects(request('https://a.test/'), site.send);
    expect(doc.url).toBe('https://b.test/x');
  });

  it('stops after five redirects', async () => {
    const site = hops({ 'https://a.test/': [302, '/'] });
    await expect(followRedirects(request('https://a.test/'), site.send)).rejects.toThrow(/too many redirects/);
    expect(site.asked).toHaveLength(6);
  });
});
