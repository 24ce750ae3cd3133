import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FetchRequest, HttpClient } from '../../src/fetch/http-client.ts';
import { readGraphqlPages } from '../../src/read/graphql.ts';
import { readRestPages } from '../../src/read/rest.ts';
import { readSitemapPages } from '../../src/read/sitemap.ts';
import type { PageOutcome, PageReaderDeps } from '../../src/read/page.ts';
import { parseSourceFile } from '../../src/sources/load.ts';
import type { SourceConfig } from '../../src/sources/types.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { needsReference, referenceMissing, referencePath } from '../helpers/reference.ts';

const CORPUS = referencePath('sel-configs');
const STUB_FAILURE = 'stub: no network in this test';

/** SEL's real REST, GraphQL and sitemap configs, when the reference corpus is on this machine. */
function corpus(): SourceConfig[] {
  if (referenceMissing) return [];
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => {
      const file = path.join(CORPUS, f);
      const config = parseSourceFile(file, readFileSync(file, 'utf8'), { defaultTimezone: 'America/Toronto' }).config;
      return config && (config.rest || config.graphql || config.sitemap) ? [config] : [];
    });
}

/** Runs a reader against an HTTP client that records the first request and answers nothing. */
async function firstRequest(source: SourceConfig): Promise<{ request: FetchRequest | undefined; outcome: PageOutcome | undefined }> {
  let request: FetchRequest | undefined;
  const http: HttpClient = {
    fetchDocument: (req) => {
      request ??= req;
      return Promise.reject(new Error(STUB_FAILURE));
    },
  };
  const deps: PageReaderDeps & { env: Record<string, string> } = { http, clock: new FakeClock(), env: {} };
  const reader = source.sitemap ? readSitemapPages(source, deps) : source.rest ? readRestPages(source, deps) : readGraphqlPages(source, deps);
  const first = await reader.next();
  return { request, outcome: first.done ? undefined : first.value };
}

const configs = corpus();

describe.skipIf(referenceMissing !== undefined)(needsReference('the real SEL configs'), () => {
  it('include the 15 REST/GraphQL and 8 sitemap sources the reference describes', () => {
    expect(configs.filter((c) => c.rest || c.graphql)).toHaveLength(15);
    expect(configs.filter((c) => c.sitemap)).toHaveLength(8);
  });

  it.each(configs.map((c) => [c.name, c] as const))('%s builds a valid first request', async (_name, source) => {
    const { request, outcome } = await firstRequest(source);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining(STUB_FAILURE) as unknown });
    expect(request).toBeDefined();
    const url = new URL(request?.url ?? '');
    expect(['http:', 'https:']).toContain(url.protocol);
    expect(request?.timeoutMs).toBeGreaterThanOrEqual(30_000);
    if (source.graphql) {
      expect(request?.method).toBe('POST');
      expect(JSON.parse(request?.body ?? '')).toEqual({ query: source.graphql.query });
    } else if (source.rest?.method === 'POST') {
      expect(request?.body).toBe(source.rest.body);
      expect(request?.headers?.['content-type']).toBe(source.rest.content_type || 'application/json');
    } else {
      expect(request?.method ?? 'GET').toBe('GET');
      expect(request?.body).toBeUndefined();
    }
  });
});
