import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Wait } from '../../src/clock.ts';
import { HttpStatusError } from '../../src/errors.ts';
import { HostGate } from '../../src/fetch/host-gate.ts';
import type { FetchedDocument, HttpClient } from '../../src/fetch/http-client.ts';
import { createRetryingHttpClient, DEFAULT_SOURCE_RETRY } from '../../src/fetch/retrying-http-client.ts';
import { RateLimiter } from '../../src/submit/rate-limiter.ts';
import { DEFAULT_RETRY, SelClient } from '../../src/submit/sel-client.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

// Every wait a run makes is announced with its reason before it begins, so a person watching
// a silent run knows why it is silent.

const URL_ = 'https://venue.test/events';
const page: FetchedDocument = { url: URL_, status: 200, contentType: 'text/html', text: 'ok', bytes: 2, charset: 'utf-8' };

function recorder() {
  const waits: Wait[] = [];
  return { waits, onWait: (wait: Wait) => void waits.push(wait) };
}

describe('waits of source fetching', () => {
  it('the host gate names the host and the --host-delay, or the Crawl-delay when robots.txt set one', async () => {
    const { waits, onWait } = recorder();
    const gate = new HostGate({ clock: new FakeClock(), delayMs: 1_000, onWait });
    await gate.run(URL_, async () => undefined);
    await gate.run(URL_, async () => undefined);
    gate.setDelay('venue.test', 10_000);
    await gate.run(URL_, async () => undefined);
    await gate.run(URL_, async () => undefined);
    expect(waits).toEqual([
      { ms: 1_000, reason: 'next request to venue.test (--host-delay 1 s)' },
      { ms: 1_000, reason: 'next request to venue.test (--host-delay 1 s)' },
      { ms: 10_000, reason: 'next request to venue.test (its robots.txt Crawl-delay: 10 s)' },
    ]);
  });

  it('a retry says whether the site asked (Retry-After) or it is backing off, and which try comes next', async () => {
    const { waits, onWait } = recorder();
    const failures = [new HttpStatusError(429, `HTTP 429 fetching ${URL_}`, { retryAfter: '30' }), new HttpStatusError(503, `HTTP 503 fetching ${URL_}`)];
    const inner: HttpClient = {
      async fetchDocument() {
        const failure = failures.shift();
        if (failure) throw failure;
        return page;
      },
    };
    const client = createRetryingHttpClient(inner, { retry: DEFAULT_SOURCE_RETRY, clock: new FakeClock(), random: () => 1, onWait });
    await client.fetchDocument({ url: URL_, timeoutMs: 1_000, maxBodyBytes: 1_000 });
    expect(waits).toEqual([
      { ms: 30_000, reason: `venue.test asked (Retry-After): HTTP 429 fetching ${URL_}; then try 2 of 3` },
      { ms: 2_000, reason: `HTTP 503 fetching ${URL_}; backing off, then try 3 of 3` },
    ]);
  });
});

describe('waits of the SEL client', () => {
  const BASE = 'https://sel.test';
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('the rate limiter names --rate-limit when pacing, and the server when it asked to wait', async () => {
    const { waits, onWait } = recorder();
    const clock = new FakeClock();
    const limiter = new RateLimiter(60, clock, 1, onWait);
    await limiter.take();
    await limiter.take();
    limiter.pause(30_000, 'the SEL server asked (Retry-After after HTTP 429)');
    await limiter.take();
    expect(waits).toEqual([
      { ms: 1_000, reason: 'the SEL request budget (--rate-limit 60/min)' },
      { ms: 30_000, reason: 'the SEL server asked (Retry-After after HTTP 429)' },
      // The pause emptied the bucket.
      { ms: 1_000, reason: 'the SEL request budget (--rate-limit 60/min)' },
    ]);
  });

  it('a 429 with Retry-After: 30 shows as a 30 s wait because the server asked', async () => {
    const { waits, onWait } = recorder();
    const clock = new FakeClock();
    let posts = 0;
    server.use(
      http.post(`${BASE}/api/v1/events:batch`, () =>
        posts++ === 0 ? new HttpResponse(null, { status: 429, headers: { 'retry-after': '30' } }) : HttpResponse.json({ batch_id: 'b-1' }, { status: 202 }),
      ),
    );
    const client = new SelClient({
      baseUrl: BASE,
      apiKey: 'abcd1234-secret-part-of-the-key',
      fetch: (url, init) => fetch(url, init),
      clock,
      limiter: new RateLimiter(0, clock, 0, onWait),
      retry: DEFAULT_RETRY,
      userAgent: 'sel-scraper/test',
      random: () => 1,
      onWait,
    });
    await expect(client.submitBatch([])).resolves.toEqual({ kind: 'accepted', batchId: 'b-1' });
    expect(waits).toEqual([{ ms: 30_000, reason: 'the SEL server asked (Retry-After after HTTP 429)' }]);
  });

  it('a network failure backs off with the request, the reason and the next try', async () => {
    const { waits, onWait } = recorder();
    const clock = new FakeClock();
    let posts = 0;
    server.use(
      http.post(`${BASE}/api/v1/events:batch`, () => (posts++ === 0 ? HttpResponse.error() : HttpResponse.json({ batch_id: 'b-2' }, { status: 202 }))),
    );
    const client = new SelClient({
      baseUrl: BASE,
      apiKey: 'abcd1234-secret',
      fetch: (url, init) => fetch(url, init),
      clock,
      limiter: new RateLimiter(0, clock),
      retry: DEFAULT_RETRY,
      userAgent: 'sel-scraper/test',
      random: () => 1,
      onWait,
    });
    await client.submitBatch([]);
    expect(waits).toEqual([{ ms: 1_000, reason: expect.stringMatching(/^POST \/api\/v1\/events:batch: .+; backing off, then try 2 of 5$/) }]);
  });
});
