import { describe, expect, it } from 'vitest';
import { createNetwork } from '../../src/fetch/network.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const agent = useOfflineAgent();

describe('createNetwork', () => {
  it('sends the SEL server’s requests through the injected dispatcher', async () => {
    agent()
      .get('https://sel.test')
      .intercept({ path: '/api/v1/auth/token', method: 'POST' })
      .reply(403, { title: 'Admin API key required' }, { headers: { 'retry-after': '0' } });
    const network = createNetwork({ dispatcher: agent() });
    const answer = await network.selFetch('https://sel.test/api/v1/auth/token', { method: 'POST', headers: {}, signal: AbortSignal.timeout(5_000) });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('retry-after')).toBe('0');
    expect(JSON.parse(await answer.text())).toEqual({ title: 'Admin API key required' });
    await network.close();
  });

  it('fetches source pages through the injected dispatcher and leaves it open on close', async () => {
    const pool = agent().get('https://site.test');
    pool.intercept({ path: '/robots.txt' }).reply(404, '');
    pool.intercept({ path: '/events' }).reply(200, '<html></html>', { headers: { 'content-type': 'text/html' } });
    pool.intercept({ path: '/later' }).reply(200, 'still open');
    const network = createNetwork({ dispatcher: agent() });
    const { http } = await network.sources({ clock: new FakeClock(), maxRetryAfterMs: 0, hostDelayMs: 0 });
    expect((await http.fetchDocument({ url: 'https://site.test/events', timeoutMs: 5_000, maxBodyBytes: 1_000 })).text).toBe('<html></html>');
    await network.close();
    const after = createNetwork({ dispatcher: agent() });
    expect(await (await after.selFetch('https://site.test/later', { method: 'GET', headers: {}, signal: AbortSignal.timeout(5_000) })).text()).toBe(
      'still open',
    );
  });

  it('has no browser when pages are replayed or the dispatcher is injected: Chromium could go through neither', () => {
    const env = { SEL_CHROMIUM_PATH: process.execPath };
    const options = { gate: { vet: () => Promise.resolve(), check: () => Promise.resolve(), admit: () => Promise.resolve() }, pages: 1 };
    expect(createNetwork({ dispatcher: agent() }).browser(env, { ...options, fixtures: false })).toBeUndefined();
    expect(createNetwork().browser(env, { ...options, fixtures: true })).toBeUndefined();
    expect(createNetwork().browser(env, { ...options, fixtures: false })?.executablePath).toBe(process.execPath);
  });
});
