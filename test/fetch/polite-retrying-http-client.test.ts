import { describe, expect, it } from 'vitest';
import { HttpStatusError, SelScraperError } from '../../src/errors.ts';
import { createHttpClient, type FetchedDocument, type FetchRequest, type HttpClient } from '../../src/fetch/http-client.ts';
import { createRetryingHttpClient, DEFAULT_SOURCE_RETRY } from '../../src/fetch/retrying-http-client.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const URL_ = 'https://venue.test/events';
const page: FetchedDocument = { url: URL_, status: 200, contentType: 'text/html', text: 'ok', bytes: 2, charset: 'utf-8' };

/** An inner client failing with the given errors in turn, then answering. */
function flaky(...failures: Error[]) {
  let calls = 0;
  const http: HttpClient = {
    async fetchDocument() {
      const failure = failures[calls++];
      if (failure) throw failure;
      return page;
    },
  };
  return { http, calls: () => calls };
}

const statusError = (status: number, extra: object = {}) => new HttpStatusError(status, `HTTP ${status} fetching ${URL_}`, extra);
const request = (extra: Partial<FetchRequest> = {}): FetchRequest => ({ url: URL_, timeoutMs: 1_000, maxBodyBytes: 1_000, ...extra });

function retrying(inner: HttpClient, clock = new FakeClock()) {
  return createRetryingHttpClient(inner, { retry: DEFAULT_SOURCE_RETRY, clock, random: () => 1 });
}

describe('createRetryingHttpClient', () => {
  it('tries a page that answers 503 again, three tries in all by default', async () => {
    const inner = flaky(statusError(503), statusError(502));
    await expect(retrying(inner.http).fetchDocument(request())).resolves.toBe(page);
    expect(inner.calls()).toBe(3);
  });

  it('gives up after three tries with the last failure', async () => {
    const inner = flaky(statusError(500), statusError(500), statusError(504), statusError(500));
    await expect(retrying(inner.http).fetchDocument(request())).rejects.toMatchObject({ message: `HTTP 504 fetching ${URL_}` });
    expect(inner.calls()).toBe(3);
  });

  it.each([400, 401, 403, 404])('does not retry HTTP %i', async (status) => {
    const inner = flaky(statusError(status));
    await expect(retrying(inner.http).fetchDocument(request())).rejects.toMatchObject({ code: 'ERR_FETCH_STATUS' });
    expect(inner.calls()).toBe(1);
  });

  it('does not retry a POST (a source’s REST or GraphQL query may not be safe to send twice)', async () => {
    const inner = flaky(statusError(503));
    await expect(retrying(inner.http).fetchDocument(request({ method: 'POST', body: '{}' }))).rejects.toMatchObject({ code: 'ERR_FETCH_STATUS' });
    expect(inner.calls()).toBe(1);
  });

  it('retries a connection reset and a timeout, with backoff growing per try', async () => {
    const reset = new SelScraperError('ERR_FETCH', `cannot fetch ${URL_}: UND_ERR_SOCKET`, {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    const timeout = new SelScraperError('ERR_FETCH_TIMEOUT', `timed out fetching ${URL_}`);
    const inner = flaky(reset, timeout);
    const clock = new FakeClock();
    await expect(retrying(inner.http, clock).fetchDocument(request())).resolves.toBe(page);
    expect(clock.sleeps).toEqual([1_000, 2_000]);
  });

  it('does not retry a fetch error that is not the network’s (a bad redirect)', async () => {
    const inner = flaky(new SelScraperError('ERR_FETCH', `too many redirects fetching ${URL_}`));
    await expect(retrying(inner.http).fetchDocument(request())).rejects.toMatchObject({ code: 'ERR_FETCH' });
    expect(inner.calls()).toBe(1);
  });

  it('waits the Retry-After the site sent (in seconds) when it is longer than the backoff', async () => {
    const inner = flaky(statusError(429, { retryAfter: '7' }));
    const clock = new FakeClock();
    await retrying(inner.http, clock).fetchDocument(request());
    expect(clock.sleeps).toEqual([7_000]);
  });

  it('waits until a Retry-After given as an HTTP date', async () => {
    const clock = new FakeClock();
    const inner = flaky(statusError(503, { retryAfter: new Date(clock.now() + 20_000).toUTCString() }));
    await retrying(inner.http, clock).fetchDocument(request());
    expect(clock.sleeps).toEqual([20_000]);
  });

  it('fails at once when the Retry-After is longer than --max-retry-after', async () => {
    const inner = flaky(statusError(429, { retryAfter: '3600' }));
    const clock = new FakeClock();
    await expect(retrying(inner.http, clock).fetchDocument(request())).rejects.toThrow(/asks to wait 3600 s \(Retry-After\), longer than --max-retry-after/);
    expect(clock.sleeps).toEqual([]);
  });

  it('stops retrying once the source’s signal has aborted', async () => {
    const controller = new AbortController();
    const inner: HttpClient = {
      async fetchDocument() {
        controller.abort(new Error('source timed out'));
        throw statusError(503);
      },
    };
    await expect(retrying(inner).fetchDocument(request({ signal: controller.signal }))).rejects.toMatchObject({ message: `HTTP 503 fetching ${URL_}` });
  });
});

describe('createRetryingHttpClient over the real HTTP client', () => {
  const agent = useOfflineAgent();

  it('reads the status of a failed answer and fetches the page on the next try', async () => {
    agent().get('https://venue.test').intercept({ path: '/events' }).reply(503, 'busy');
    agent().get('https://venue.test').intercept({ path: '/events' }).reply(200, '<p>events</p>');
    const http = retrying(createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test' }));
    await expect(http.fetchDocument(request())).resolves.toMatchObject({ text: '<p>events</p>' });
  });
});
