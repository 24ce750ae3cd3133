import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FROZEN_NOW, runInProcess } from '../helpers/cli-capture.ts';
import { startTestDatabase, type TestDatabase } from '../helpers/postgres.ts';

/**
 * SEL's server-side key validation written again from sel-api-contract.md §2.1 and §2.3, without
 * any of src/keys, so that a key `api-key create` writes is judged by SEL's rules, not ours.
 */
async function selAccepts(pool: pg.Pool, authorization: string, nowMs: number): Promise<{ role: string } | 'invalid'> {
  const fields = authorization.trim().split(/\s+/);
  if (fields.length !== 2 || fields[0]!.toLowerCase() !== 'bearer') return 'invalid';
  const key = fields[1]!;
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length < 8) return 'invalid';
  const prefix = bytes.subarray(0, 8).toString('utf8');
  const { rows } = await pool.query(
    'SELECT id, prefix, key_hash, hash_version, name, source_id, role, rate_limit_tier, is_active, expires_at FROM api_keys WHERE prefix=$1 LIMIT 1',
    [prefix],
  );
  const row = rows[0] as { key_hash: string; hash_version: number; role: string; is_active: boolean; expires_at: Date | null } | undefined;
  if (!row) return 'invalid';
  if (!row.is_active) return 'invalid';
  if (row.expires_at && nowMs > row.expires_at.getTime()) return 'invalid';
  if (row.hash_version === 1) {
    const hex = Buffer.from(createHash('sha256').update(key).digest('hex'));
    const stored = Buffer.from(row.key_hash);
    return hex.length === stored.length && timingSafeEqual(hex, stored) ? { role: row.role } : 'invalid';
  }
  if (row.hash_version === 2) return bcrypt.compareSync(key, row.key_hash) ? { role: row.role } : 'invalid';
  return 'invalid';
}

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

function keyFrom(stdout: string): string {
  const match = /^ {2}Key: +(\S+)$/m.exec(stdout);
  if (!match) throw new Error(`no key line in:\n${stdout}`);
  return match[1]!;
}

describe('a key made by `api-key create`, judged by SEL\'s own validation', () => {
  it('is accepted as an agent key', async () => {
    const run = await runInProcess(['api-key', 'create', 'lakeshore', '--role', 'agent', '--database-url', db.url]);
    expect(await selAccepts(db.pool, `Bearer ${keyFrom(run.stdout)}`, FROZEN_NOW)).toEqual({ role: 'agent' });
  });

  it('is accepted as an admin key until its expiry, and refused after it', async () => {
    const run = await runInProcess(['api-key', 'create', 'ops', '--role', 'admin', '--expires-in-days', '2', '--database-url', db.url]);
    const key = keyFrom(run.stdout);
    expect(await selAccepts(db.pool, `Bearer ${key}`, FROZEN_NOW + 86_400_000)).toEqual({ role: 'admin' });
    expect(await selAccepts(db.pool, `Bearer ${key}`, FROZEN_NOW + 3 * 86_400_000)).toBe('invalid');
  });

  it('is hashed with bcrypt at SEL\'s cost 12', async () => {
    const run = await runInProcess(['api-key', 'create', 'cost', '--database-url', db.url]);
    const { rows } = await db.pool.query('SELECT key_hash, hash_version FROM api_keys WHERE prefix = $1', [keyFrom(run.stdout).slice(0, 8)]);
    expect(rows[0]).toMatchObject({ hash_version: 2, key_hash: expect.stringMatching(/^\$2[aby]\$12\$/) });
  });

  it('is refused once `api-key revoke` has revoked it', async () => {
    const run = await runInProcess(['api-key', 'create', 'doomed', '--database-url', db.url]);
    const key = keyFrom(run.stdout);
    await runInProcess(['api-key', 'revoke', key.slice(0, 8), '--database-url', db.url]);
    expect(await selAccepts(db.pool, `Bearer ${key}`, FROZEN_NOW)).toBe('invalid');
  });
});
