import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { cachingResolve, type ResolveHost } from '../../src/fetch/address-guard.ts';
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
