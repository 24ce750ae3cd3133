import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/fetch/http-client.ts';
import { NO_TLS_FINGERPRINT_WARNING } from '../../src/read/api-request.ts';
import { readRestPages, restRequest } from '../../src/read/rest.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const API = 'https://api.venue.test';
const json = { headers: { 'content-type': 'application/json' } };
const agent = useOfflineAgent();

function source(file: Partial<SourceFile> & { rest: NonNullable<SourceFile['rest']> }) {
  return applyDefaults({ name: 'venue-api', tier: 3, ...file, rest: { endpoint: `${API}/events?page=1`, ...file.rest } }, 'venue-api.yaml', 'America/Toronto');
}

async function read(config: ReturnType<typeof source>): Promise<PageOutcome[]> {
  const deps = { http: createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test' }), clock: new FakeClock() };
  const pages: PageOutcome[] = [];
  for await (const page of readRestPages(config, deps)) pages.push(page);
  return pages;
}

function page(n: number, next?: string) {
  return { results: [{ name: `Event ${n}`, start_date: `2026-12-0${n}T20:00:00Z` }], next: next ?? null };
}

describe('readRestPages', () => {
  it('follows next_field from page to page until the API has no next', async () => {
    agent()
      .get(API)
      .intercept({ path: '/events?page=1' })
      .reply(200, page(1, `${API}/events?page=2`), json);
    agent().get(API).intercept({ path: '/events?page=2' }).reply(200, page(2), json);
    const pages = await read(source({ rest: {} }));
    expect(pages.map((p) => (p.ok ? p.events.map((e) => e.name) : p.error))).toEqual([['Event 1'], ['Event 2']]);
  });

  it('stops at max_pages and says that the API had more', async () => {
    agent().get(API).intercept({ path: '/events?page=1' }).reply(200, page(1, '/events?page=2'), json);
    agent().get(API).intercept({ path: '/events?page=2' }).reply(200, page(2, '/events?page=3'), json);
    const pages = await read(source({ max_pages: 2, rest: {} }));
    expect(pages).toHaveLength(2);
    const last = pages[1];
    expect(last?.ok && last.warnings).toEqual([`stopped after max_pages (2) pages; the API has more (next: ${API}/events?page=3)`]);
  });

  it('stops when a next link points back to a page already read', async () => {
    agent().get(API).intercept({ path: '/events?page=1' }).reply(200, page(1, '/events?page=1'), json);
    const pages = await read(source({ rest: {} }));
    expect(pages).toHaveLength(1);
    expect(pages[0]?.ok && pages[0].warnings[0]).toMatch(/was already read; pagination stopped/);
  });

  it('sends the POST body with the configured content type', async () => {
    const body = '{"startDate":"2026-12-01T00:00","keywordIds":null}';
    agent()
      .get(API)
      .intercept({ path: '/events?page=1', method: 'POST', body, headers: { 'content-type': 'application/vnd.api+json', accept: 'application/json' } })
      .reply(200, page(1), json);
    const pages = await read(source({ rest: { method: 'POST', body, content_type: 'application/vnd.api+json' } }));
    expect(pages[0]?.ok).toBe(true);
  });

  it('lets rest.headers override the defaults', async () => {
    agent()
      .get(API)
      .intercept({ path: '/events?page=1', headers: { accept: 'application/vnd.showpass+json', 'x-api-key': 'k' } })
      .reply(200, page(1), json);
    const pages = await read(source({ rest: { headers: { Accept: 'application/vnd.showpass+json', 'X-Api-Key': 'k' } } }));
    expect(pages[0]?.ok).toBe(true);
  });

  it('keeps the pages already read when a later page fails', async () => {
    agent().get(API).intercept({ path: '/events?page=1' }).reply(200, page(1, '/events?page=2'), json);
    agent().get(API).intercept({ path: '/events?page=2' }).reply(503, 'busy');
    const pages = await read(source({ rest: {} }));
    expect(pages.map((p) => p.ok)).toEqual([true, false]);
    expect(pages[1]?.ok === false && pages[1].error).toMatch(/HTTP 503/);
  });

  it('reports an answer that is not JSON with its content type and first characters', async () => {
    agent()
      .get(API)
      .intercept({ path: '/events?page=1' })
      .reply(200, '<!DOCTYPE html><html><body>Please enable cookies</body></html>', { headers: { 'content-type': 'text/html; charset=utf-8' } });
    const [only] = await read(source({ rest: {} }));
    expect(only?.ok === false && only.error).toMatch(/did not answer with JSON \(text\/html, starts with "<!DOCTYPE html><html>/);
  });

  it('refuses an unsupported template before fetching anything', async () => {
    const [only] = await read(source({ rest: { url_template: '{{if .slug}}x{{end}}' } }));
    expect(only).toMatchObject({ ok: false, url: `${API}/events?page=1` });
    expect(only?.ok === false && only.error).toMatch(/rest\.url_template: invalid template/);
  });

  it('sends browser headers and warns that the TLS fingerprint cannot be imitated', async () => {
    agent()
      .get(API)
      .intercept({ path: '/events?page=1', headers: { 'sec-fetch-mode': 'navigate', 'user-agent': /Chrome\// } })
      .reply(200, page(1), json);
    const [only] = await read(source({ tls_fingerprint: 'chrome_auto', rest: {} }));
    expect(only?.ok && only.warnings).toEqual([NO_TLS_FINGERPRINT_WARNING]);
  });

  it('uses timeout_ms only when it is longer than the 30 s default', () => {
    expect(restRequest(source({ rest: { timeout_ms: 60_000 } }), `${API}/events`).timeoutMs).toBe(60_000);
    expect(restRequest(source({ rest: { timeout_ms: 5_000 } }), `${API}/events`).timeoutMs).toBe(30_000);
  });

  it('names the missing TLS fingerprint when a source that asks for one is refused', async () => {
    agent().get(API).intercept({ path: '/events?page=1' }).reply(403, 'Access Denied');
    const [only] = await read(source({ tls_fingerprint: 'chrome_auto', rest: {} }));
    expect(only?.ok === false && only.error).toMatch(/HTTP 403 .*tls_fingerprint: chrome_auto is not available/);
  });
});
