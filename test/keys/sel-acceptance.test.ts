import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FROZEN_NOW, runInProcess } from '../helpers/cli-capture.ts';
import { startTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { selAccepts } from '../helpers/sel-key-auth.ts';

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

describe("a key made by `api-key create`, judged by SEL's own validation", () => {
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

  it("is hashed with bcrypt at SEL's cost 12", async () => {
    const run = await runInProcess(['api-key', 'create', 'cost', '--database-url', db.url]);
    const { rows } = await db.pool.query('SELECT key_hash, hash_version FROM api_keys WHERE prefix = $1', [keyFrom(run.stdout).slice(0, 8)]);
    expect(rows[0]).toMatchObject({ hash_version: 2, key_hash: expect.stringMatching(/^\$2[aby]\$12\$/) });
  });

  it('is refused once `api-key revoke` has revoked it', async () => {
    const run = await runInProcess(['api-key', 'create', 'doomed', '--database-url', db.url]);
    const key = keyFrom(run.stdout);
    const revoked = await runInProcess(['api-key', 'revoke', key.slice(0, 8), '--database-url', db.url]);
    expect(revoked.code, revoked.stdout + revoked.stderr).toBe(0);
    expect(await selAccepts(db.pool, `Bearer ${key}`, FROZEN_NOW)).toBe('invalid');
  });
});
