import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventInput } from '../../src/normalize/event-input.ts';
import { RateLimiter } from '../../src/submit/rate-limiter.ts';
import { DEFAULT_RETRY, SelClient } from '../../src/submit/sel-client.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

// The SEL client is written against the standard fetch interface, so msw intercepts it here;
// in production it is undici's fetch with our dispatcher.
const BASE = 'https://sel.test';
const KEY = 'abcd1234-secret-part-of-the-key';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(clock = new FakeClock()) {
  return new SelClient({
    baseUrl: BASE + '/',
    apiKey: KEY,
    fetch: (url, init) => fetch(url, init),
    clock,
    limiter: new RateLimiter(0, clock),
    retry: { ...DEFAULT_RETRY, attempts: 3 },
    userAgent: 'sel-scraper/test',
    random: () => 1,
  });
}

const event: EventInput = { name: 'A', startDate: '2027-01-01T20:00:00-05:00', location: { name: 'Hall' }, source: { url: 'https://v.test/', eventId: 'a' } };

describe('SelClient.preflight', () => {
  it('reads 403 "Admin API key required" as a valid agent key', async () => {
    server.use(http.post(`${BASE}/api/v1/auth/token`, () => HttpResponse.json({ title: 'Admin API key required', status: 403 }, { status: 403 })));
    await expect(client().preflight()).resolves.toEqual({ role: 'agent' });
  });

  it('reads 200 with a token as an admin key', async () => {
    server.use(http.post(`${BASE}/api/v1/auth/token`, () => HttpResponse.json({ token: 'jwt', expires_at: '2026-11-25T13:00:00Z' })));
    await expect(client().preflight()).resolves.toMatchObject({ role: 'admin', token: 'jwt' });
  });

  it('reads 401 as a rejected key, naming only its prefix', async () => {
    server.use(http.post(`${BASE}/api/v1/auth/token`, () => HttpResponse.json({ title: 'Unauthorized' }, { status: 401 })));
    const error: unknown = await client()
      .preflight()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: 'ERR_KEY_REJECTED', message: expect.stringContaining('abcd1234…') });
    expect((error as Error).message).not.toContain(KEY.slice(0, 9));
  });

  it('sends the key as a Bearer token and no trailing double slash', async () => {
    let seen: string | null = null;
    server.use(
      http.post(`${BASE}/api/v1/auth/token`, ({ request }) => {
        seen = request.headers.get('authorization');
        return HttpResponse.json({ title: 'Admin API key required' }, { status: 403 });
      }),
    );
    await client().preflight();
    expect(seen).toBe(`Bearer ${KEY}`);
  });

  it('waits out a 429 Retry-After and tries again', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/api/v1/auth/token`, () => {
        calls++;
        return calls === 1
          ? new HttpResponse(null, { status: 429, headers: { 'retry-after': '60' } })
          : HttpResponse.json({ title: 'Admin API key required' }, { status: 403 });
      }),
    );
    const clock = new FakeClock();
    await expect(client(clock).preflight()).resolves.toEqual({ role: 'agent' });
    expect(calls).toBe(2);
    expect(clock.now() - Date.parse('2026-11-25T12:00:00Z')).toBeGreaterThanOrEqual(60_000);
  });
});

describe('SelClient.submitBatch', () => {
  it('returns the batch id of a 202', async () => {
    server.use(http.post(`${BASE}/api/v1/events:batch`, () => HttpResponse.json({ batch_id: '01B', status: 'processing' }, { status: 202 })));
    await expect(client().submitBatch([event])).resolves.toEqual({ kind: 'accepted', batchId: '01B' });
  });

  it('reports a 400 as a rejection of the whole batch with the server’s title', async () => {
    server.use(http.post(`${BASE}/api/v1/events:batch`, () => HttpResponse.json({ title: 'Invalid request', detail: 'Bad Request' }, { status: 400 })));
    await expect(client().submitBatch([event])).resolves.toEqual({ kind: 'rejected', reason: 'HTTP 400 Invalid request: Bad Request' });
  });

  it('retries a 503 with backoff and succeeds', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/api/v1/events:batch`, () =>
        ++calls < 3 ? HttpResponse.json({}, { status: 503 }) : HttpResponse.json({ batch_id: '01C' }, { status: 202 }),
      ),
    );
    await expect(client().submitBatch([event])).resolves.toEqual({ kind: 'accepted', batchId: '01C' });
    expect(calls).toBe(3);
  });

  it('gives up after its attempts, saying the batch was not queued when every answer was a refusal', async () => {
    server.use(http.post(`${BASE}/api/v1/events:batch`, () => HttpResponse.json({}, { status: 500 })));
    await expect(client().submitBatch([event])).resolves.toMatchObject({ kind: 'gave-up', maybeQueued: false });
  });

  it('does not retry a 401 and raises a key error', async () => {
    let calls = 0;
    server.use(http.post(`${BASE}/api/v1/events:batch`, () => (calls++, HttpResponse.json({}, { status: 401 }))));
    await expect(client().submitBatch([event])).rejects.toMatchObject({ code: 'ERR_KEY_REJECTED' });
    expect(calls).toBe(1);
  });

  it('refuses to wait for a Retry-After longer than the cap', async () => {
    server.use(http.post(`${BASE}/api/v1/events:batch`, () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '3600' } })));
    await expect(client().submitBatch([event])).resolves.toMatchObject({ kind: 'gave-up', reason: expect.stringContaining('Retry-After') });
  });
});

describe('SelClient.batchStatus', () => {
  it('treats 404 as not ready yet', async () => {
    server.use(http.get(`${BASE}/api/v1/batch-status/01B`, () => HttpResponse.json({ title: 'Batch not found or still processing' }, { status: 404 })));
    await expect(client().batchStatus('01B')).resolves.toEqual({ kind: 'pending' });
  });

  it('returns per-item results once completed', async () => {
    server.use(
      http.get(`${BASE}/api/v1/batch-status/01B`, () =>
        HttpResponse.json({
          status: 'completed',
          results: [
            { index: 0, status: 'created', event_id: '01E' },
            { index: 1, status: 'failed', error: 'invalid name: required' },
          ],
        }),
      ),
    );
    await expect(client().batchStatus('01B')).resolves.toEqual({
      kind: 'completed',
      results: [
        { index: 0, status: 'created', eventId: '01E' },
        { index: 1, status: 'failed', error: 'invalid name: required' },
      ],
    });
  });
});
