import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SelScraperError } from '../../src/errors.ts';
import type { KeyRole } from '../../src/keys/api-key.ts';
import { parseDatabaseUrl } from '../../src/keys/database-url.ts';
import { PostgresKeyStore } from '../../src/keys/postgres-store.ts';
import { insertKeyRow, startTestDatabase, TEST_DB_PASSWORD, type TestDatabase } from '../helpers/postgres.ts';
import { closedPort } from '../helpers/loopback.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
let db: TestDatabase;
let store: PostgresKeyStore;

/** Byte sequences whose base64url starts with a chosen character, one per draw. */
function draws(...fills: number[]): (size: number) => Buffer {
  let i = 0;
  return (size) => Buffer.alloc(size, fills[Math.min(i++, fills.length - 1)]);
}

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});
beforeEach(async () => {
  await db.reset();
  store = await PostgresKeyStore.connect({ target: parseDatabaseUrl(db.url), now: () => NOW, bcryptCost: 4 });
  return () => store.close();
});

async function rejection(promise: Promise<unknown>): Promise<SelScraperError> {
  try {
    await promise;
  } catch (error) {
    return error as SelScraperError;
  }
  throw new Error('expected a rejection');
}

async function rows() {
  return (await db.pool.query('SELECT * FROM api_keys ORDER BY created_at')).rows as Record<string, unknown>[];
}

describe('PostgresKeyStore.create', () => {
  it("stores the key's first 8 characters as prefix, a bcrypt hash and hash_version 2", async () => {
    const { key } = await store.create({ name: 'lakeshore', role: 'agent' });
    const [row] = await rows();
    expect(row).toMatchObject({ prefix: key.slice(0, 8), hash_version: 2, is_active: true, rate_limit_tier: 'agent', role: 'agent' });
    expect(row?.key_hash).toMatch(/^\$2b\$04\$/);
  });

  it('returns the record with the id the database assigned', async () => {
    const { record } = await store.create({ name: 'lakeshore', role: 'agent' });
    const [row] = await rows();
    expect(record.id).toBe(row?.id);
  });

  it('sets expires_at the given number of days after now', async () => {
    const { record } = await store.create({ name: 'ops', role: 'admin', expiresInDays: 30 });
    expect(record.expiresAt?.toISOString()).toBe('2026-12-25T12:00:00.000Z');
  });

  it('ties the key to a source when given one', async () => {
    const source = (await db.pool.query<{ id: string }>("INSERT INTO sources (name) VALUES ('lakeshore') RETURNING id")).rows[0]!.id;
    const { record } = await store.create({ name: 'lakeshore', role: 'agent', sourceId: source });
    expect(record.sourceId).toBe(source);
  });

  it("draws a new key when its prefix is taken, instead of failing like SEL's CLI", async () => {
    const taken = Buffer.alloc(32, 1).toString('base64url').slice(0, 8);
    await insertKeyRow(db.pool, { prefix: taken, keyHash: 'x', name: 'older' });
    const random = draws(1, 2);
    const { key } = await PostgresKeyStore.connect({ target: parseDatabaseUrl(db.url), now: () => NOW, bcryptCost: 4, random }).then(async (s) => {
      try {
        return await s.create({ name: 'newer', role: 'agent' });
      } finally {
        await s.close();
      }
    });
    expect(key.slice(0, 8)).toBe(Buffer.alloc(32, 2).toString('base64url').slice(0, 8));
    expect((await rows()).map((r) => r.name)).toEqual(['older', 'newer']);
  });

  it('gives up after 5 taken prefixes in a row, creating nothing', async () => {
    const taken = Buffer.alloc(32, 1).toString('base64url').slice(0, 8);
    await insertKeyRow(db.pool, { prefix: taken, keyHash: 'x', name: 'older' });
    const stuck = await PostgresKeyStore.connect({ target: parseDatabaseUrl(db.url), now: () => NOW, bcryptCost: 4, random: draws(1) });
    await expect(stuck.create({ name: 'newer', role: 'agent' }).finally(() => stuck.close())).rejects.toMatchObject({ code: 'ERR_KEY_STORE' });
    expect(await rows()).toHaveLength(1);
  });

  it('turns an unknown source id into a usage error that names the source', async () => {
    const missing = '5b0c1a2e-0000-4000-8000-000000000000';
    await expect(store.create({ name: 'x', role: 'agent', sourceId: missing })).rejects.toMatchObject({
      code: 'ERR_USAGE',
      message: expect.stringContaining(missing),
    });
  });

  it('keeps the key and its hash out of the error when the database refuses the row', async () => {
    // A role the CHECK constraint refuses; PostgreSQL's own detail would quote the whole row.
    const error = await rejection(store.create({ name: 'x', role: 'superuser' as KeyRole }));
    expect(error).toMatchObject({ code: 'ERR_KEY_STORE' });
    expect(`${error.message} ${error.hint ?? ''}`).not.toMatch(/\$2[aby]\$|Failing row/);
  });
});

describe('PostgresKeyStore.list and revoke', () => {
  it('lists every key newest first with its fields', async () => {
    await insertKeyRow(db.pool, { prefix: 'first___', keyHash: 'x', name: 'first', createdAt: new Date('2026-01-01T00:00:00Z') });
    await insertKeyRow(db.pool, {
      prefix: 'second__',
      keyHash: 'x',
      name: 'second',
      isActive: false,
      role: 'admin',
      createdAt: new Date('2026-02-01T00:00:00Z'),
    });
    const listed = await store.list();
    expect(listed.map((r) => [r.name, r.prefix, r.role, r.isActive])).toEqual([
      ['second', 'second__', 'admin', false],
      ['first', 'first___', 'agent', true],
    ]);
  });

  it('never reads the hash into a listed record', async () => {
    await insertKeyRow(db.pool, { prefix: 'first___', keyHash: 'the-hash-value', name: 'first' });
    expect(JSON.stringify(await store.list())).not.toContain('the-hash-value');
  });

  it('revokes by setting is_active to false', async () => {
    const id = await insertKeyRow(db.pool, { prefix: 'first___', keyHash: 'x' });
    await store.revoke(id);
    expect((await rows())[0]?.is_active).toBe(false);
  });

  it('looks a key up by prefix with its hash and hash_version, whatever its state', async () => {
    await insertKeyRow(db.pool, { prefix: 'first___', keyHash: 'abc', hashVersion: 1, isActive: false });
    expect(await store.lookup('first___')).toMatchObject({ prefix: 'first___', keyHash: 'abc', hashVersion: 1, isActive: false });
  });
});

describe('PostgresKeyStore.connect', () => {
  it('reports an unreachable database as ERR_KEY_STORE with host and database but no password', async () => {
    const url = `postgres://sel:${TEST_DB_PASSWORD}@127.0.0.1:${await closedPort()}/sel`;
    const error = await rejection(PostgresKeyStore.connect({ target: parseDatabaseUrl(url), now: () => NOW }));
    expect(error).toMatchObject({ code: 'ERR_KEY_STORE', message: expect.stringContaining('127.0.0.1') });
    expect(error.message).toContain('/sel');
    expect(error.message).not.toContain(TEST_DB_PASSWORD);
  });
});
