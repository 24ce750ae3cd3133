import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SelScraperError } from '../../src/errors.ts';
import { AdminHttpKeyStore } from '../../src/keys/admin-http-store.ts';
import type { FetchLike } from '../../src/fetch/fetch-like.ts';
import { interactiveSelClient } from '../../src/submit/sel-client.ts';
import { FakeSelAdmin } from '../helpers/fake-sel-admin.ts';
import { closedPort } from '../helpers/loopback.ts';

const ADMIN_KEY = 'AdminKey_0123456789abcdefghijklmnopqrstuvwx';
const AGENT_KEY = 'AgentKey_0123456789abcdefghijklmnopqrstuvwx';
const clock = { now: () => Date.parse('2026-11-25T12:00:00Z'), sleep: async () => undefined };
const fetchLike: FetchLike = (url, init) => fetch(url, init);

let fake: FakeSelAdmin;
beforeAll(async () => {
  fake = new FakeSelAdmin(
    new Map([
      [ADMIN_KEY, 'admin'],
      [AGENT_KEY, 'agent'],
    ]),
  );
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => fake.reset());

function connect(adminKey = ADMIN_KEY, serverUrl = fake.url) {
  const client = interactiveSelClient({ baseUrl: serverUrl, apiKey: adminKey, fetch: fetchLike, clock, userAgent: 'test' });
  return AdminHttpKeyStore.connect({ serverUrl, adminKey, fetch: fetchLike, exchangeToken: () => client.preflight(), userAgent: 'test' });
}

async function rejection(promise: Promise<unknown>): Promise<SelScraperError> {
  try {
    await promise;
  } catch (error) {
    return error as SelScraperError;
  }
  throw new Error('expected a rejection');
}

describe('AdminHttpKeyStore', () => {
  it('calls the admin routes with the token from the exchange, never with the admin key', async () => {
    const store = await connect();
    await store.list();
    const listCall = fake.requests.find((r) => r.path === '/api/v1/admin/api-keys');
    expect(listCall?.authorization).toMatch(/^Bearer jwt\./);
    expect(listCall?.authorization).not.toContain(ADMIN_KEY);
  });

  it('refuses an agent key as the admin key with ERR_KEY_REJECTED', async () => {
    expect(await rejection(connect(AGENT_KEY))).toMatchObject({ code: 'ERR_KEY_REJECTED', message: expect.stringContaining('agent key') });
  });

  it('refuses an unknown admin key with ERR_KEY_REJECTED, showing only its prefix', async () => {
    const unknown = 'Unknown_0123456789abcdefghijklmnopqrstuvwxy';
    const error = await rejection(connect(unknown));
    expect(error).toMatchObject({ code: 'ERR_KEY_REJECTED', message: expect.stringContaining('Unknown_…') });
    expect(error.message).not.toContain(unknown);
  });

  it('reports an unreachable server as ERR_KEY_STORE', async () => {
    expect(await rejection(connect(ADMIN_KEY, `http://127.0.0.1:${await closedPort()}`))).toMatchObject({ code: 'ERR_KEY_STORE' });
  });

  it('learns the id of a created key from the list, matching on its prefix', async () => {
    const store = await connect();
    const { key, record } = await store.create({ name: 'lakeshore', role: 'agent' });
    expect(record).toMatchObject({ id: fake.rows[0]?.id, prefix: key.slice(0, 8), name: 'lakeshore' });
  });

  it('names the prefix of a key it created but could not find in the list, so it can be revoked', async () => {
    const store = await connect();
    fake.failList = true;
    const error = await rejection(store.create({ name: 'orphan', role: 'agent' }));
    expect(error).toMatchObject({ code: 'ERR_KEY_STORE', hint: expect.stringContaining(`revoke ${fake.rows[0]?.prefix}`) });
  });

  it("sends role, source id and expiry in SEL's snake_case", async () => {
    const store = await connect();
    await store.create({ name: 'ops', role: 'admin', expiresInDays: 7, sourceId: '5b0c1a2e-0000-4000-8000-000000000000' });
    const post = fake.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/admin/api-keys');
    expect(JSON.parse(post?.body ?? '')).toEqual({ name: 'ops', role: 'admin', expires_in_days: 7, source_id: '5b0c1a2e-0000-4000-8000-000000000000' });
  });

  it('maps the snake_case list into records, nulls included', async () => {
    const row = fake.seed({ prefix: 'Seeded12', name: 'seeded', is_active: false, last_used_at: '2026-11-20T10:00:00.123456Z', expires_at: null });
    const [listed] = await (await connect()).list();
    expect(listed).toEqual({
      id: row.id,
      prefix: 'Seeded12',
      name: 'seeded',
      role: 'agent',
      sourceId: null,
      isActive: false,
      createdAt: new Date(row.created_at),
      lastUsedAt: new Date('2026-11-20T10:00:00.123Z'),
      expiresAt: null,
    });
  });

  it("revokes with DELETE on the key's id", async () => {
    const row = fake.seed({ prefix: 'Seeded12', name: 'seeded' });
    await (await connect()).revoke(row.id);
    expect(fake.rows[0]?.is_active).toBe(false);
  });

  it("reports the server's 500 on create as ERR_KEY_STORE with a hint about the source id", async () => {
    const store = await connect();
    const error = await rejection(store.create({ name: 'x', role: 'superuser' as 'agent' }));
    expect(error).toMatchObject({
      code: 'ERR_KEY_STORE',
      message: expect.stringContaining('Failed to create API key'),
      hint: expect.stringContaining('source-id'),
    });
  });
});
