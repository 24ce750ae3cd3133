import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FROZEN_NOW, runInProcess, transcript, type CapturedRun } from '../helpers/cli-capture.ts';
import { FakeSelAdmin } from '../helpers/fake-sel-admin.ts';
import { insertKeyRow, startTestDatabase, TEST_DB_PASSWORD, type TestDatabase } from '../helpers/postgres.ts';
import { closedPort } from '../helpers/loopback.ts';

const DAY = 86_400_000;
const ADMIN_KEY = 'AdminKey_0123456789abcdefghijklmnopqrstuvwx';
const AGENT_KEY = 'AgentKey_0123456789abcdefghijklmnopqrstuvwx';

let db: TestDatabase;
let fake: FakeSelAdmin;
/** Keys `create` printed, and keys given to the CLI: the secrecy tests look for both in all output. */
const created: string[] = [];
const held: string[] = [];

beforeAll(async () => {
  db = await startTestDatabase();
  fake = new FakeSelAdmin(
    new Map([
      [ADMIN_KEY, 'admin'],
      [AGENT_KEY, 'agent'],
    ]),
  );
  await fake.start();
});
afterAll(async () => {
  await fake?.stop();
  await db?.stop();
});
beforeEach(async () => {
  await db.reset();
  fake.reset();
});

/** Whatever a test did, no output so far may hold a key beyond its creation line, nor the password. */
afterEach(() => {
  const text = transcript.map((run) => run.stdout + run.stderr).join('\n');
  const occurrences = (secret: string) => text.split(secret).length - 1;
  for (const key of created) expect(occurrences(key), `created key ${key.slice(0, 8)}… printed more than once`).toBe(1);
  for (const key of [...held, ADMIN_KEY, AGENT_KEY].filter((k) => !created.includes(k))) expect(occurrences(key), `key ${key.slice(0, 8)}… printed`).toBe(0);
  expect(text).not.toContain(TEST_DB_PASSWORD);
});

const inDb = (...args: string[]) => runInProcess(['api-key', ...args, '--database-url', db.url]);
const overHttp = (...args: string[]) => runInProcess(['api-key', ...args, '--server', fake.url, '--admin-key', ADMIN_KEY]);

function keyFrom(run: CapturedRun): string {
  const match = /^ {2}Key: +(\S+)$/m.exec(run.stdout);
  if (!match) throw new Error(`no key line in:\n${run.stdout}${run.stderr}`);
  created.push(match[1]!);
  return match[1]!;
}

/** A key stored with a hash we control, the way SEL's other producers write rows. */
async function seedKey(key: string, row: { hashVersion?: number; isActive?: boolean; expiresAt?: Date; role?: 'agent' | 'admin'; name?: string } = {}) {
  held.push(key);
  const keyHash = row.hashVersion === 1 ? createHash('sha256').update(key).digest('hex') : await bcrypt.hash(key, 4);
  return insertKeyRow(db.pool, { prefix: key.slice(0, 8), keyHash, hashVersion: row.hashVersion ?? 2, ...row });
}

describe('api-key create (database)', () => {
  it('prints the key once with name, role, prefix, id, expiry and the warning', async () => {
    const run = await inDb('create', 'lakeshore', '--role', 'agent', '--expires-in-days', '30');
    const key = keyFrom(run);
    const [row] = (await db.pool.query('SELECT id, prefix FROM api_keys')).rows as { id: string; prefix: string }[];
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Name:     lakeshore');
    expect(run.stdout).toContain('Role:     agent');
    expect(run.stdout).toContain(`Prefix:   ${key.slice(0, 8)}`);
    expect(run.stdout).toContain(`ID:       ${row?.id}`);
    expect(run.stdout).toContain('Expires:  2026-12-25T12:00:00Z');
    expect(run.stdout).toContain('will not be shown again');
  });

  it('prints one JSON object with the key and its id for scripts', async () => {
    const run = await inDb('create', 'ci', '--json');
    const out = JSON.parse(run.stdout) as { key: string; id: string; prefix: string; status: string; expiresAt: null };
    created.push(out.key);
    expect(out).toMatchObject({ prefix: out.key.slice(0, 8), status: 'active', expiresAt: null, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('shows the key on its creation line only, not in list, check or revoke output', async () => {
    const create = await inDb('create', 'quiet');
    const key = keyFrom(create);
    const later = [await inDb('list'), await inDb('list', '--json'), await inDb('check', '--key', key), await inDb('revoke', key.slice(0, 8))];
    expect(create.stdout.split('\n').filter((line) => line.includes(key))).toEqual([`  Key:      ${key}`]);
    expect(later.map((run) => run.stdout + run.stderr).join('\n')).not.toContain(key);
  });

  it('refuses an admin key without --expires-in-days with exit 2 and creates nothing', async () => {
    const run = await inDb('create', 'ops', '--role', 'admin');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--expires-in-days');
    expect((await db.pool.query('SELECT 1 FROM api_keys')).rowCount).toBe(0);
  });

  it('refuses a role SEL does not know before touching the database', async () => {
    const run = await inDb('create', 'x', '--role', 'editor');
    expect(run.code).toBe(2);
  });
});

describe('api-key list (database)', () => {
  it('shows full ids with prefix, name, role and status', async () => {
    const id = await seedKey('ListMe01-rest-of-key-000000000000000000000', { name: 'lister' });
    const run = await inDb('list');
    expect(run.stdout).toMatch(new RegExp(`^${id}\\s+ListMe01\\s+lister\\s+agent\\s+active\\s`, 'm'));
  });

  it("calls a key past its expiry expired, not active as SEL's CLI does", async () => {
    await seedKey('Expired1-rest-of-key-000000000000000000000', { expiresAt: new Date(FROZEN_NOW - DAY) });
    expect((await inDb('list')).stdout).toMatch(/Expired1\s+\S+\s+agent\s+expired/);
  });

  it('calls a revoked key revoked', async () => {
    await seedKey('Revoked1-rest-of-key-000000000000000000000', { isActive: false });
    expect((await inDb('list')).stdout).toMatch(/Revoked1\s+\S+\s+agent\s+revoked/);
  });

  it('gives statuses and timestamps in --json', async () => {
    await seedKey('Expired1-rest-of-key-000000000000000000000', { expiresAt: new Date(FROZEN_NOW - DAY) });
    const out = JSON.parse((await inDb('list', '--json')).stdout) as { keys: { prefix: string; status: string; expiresAt: string }[] };
    expect(out.keys).toEqual([expect.objectContaining({ prefix: 'Expired1', status: 'expired', expiresAt: '2026-11-24T12:00:00.000Z' })]);
  });

  it('says how to create a key when there is none', async () => {
    expect((await inDb('list')).stdout).toContain('api-key create');
  });
});

describe('api-key revoke (database)', () => {
  it('revokes a key by the id `list` printed for it', async () => {
    keyFrom(await inDb('create', 'roundtrip'));
    const listed = (await inDb('list')).stdout.split('\n')[1] ?? '';
    const id = listed.split(/\s+/)[0] ?? '';
    const run = await inDb('revoke', id);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Revoked API key "roundtrip" (agent, id ${id}`);
    expect((await inDb('list')).stdout).toMatch(new RegExp(`^${id}\\s+\\S+\\s+roundtrip\\s+agent\\s+revoked`, 'm'));
  });

  it('revokes a key by its 8-character key prefix', async () => {
    await seedKey('ByPrefix-rest-of-key-000000000000000000000');
    await inDb('revoke', 'ByPrefix');
    expect((await db.pool.query('SELECT is_active FROM api_keys')).rows[0]).toEqual({ is_active: false });
  });

  it("revokes a key whose prefix begins with '-' (1 SEL key in 64) when it follows '--', and hints so when it does not", async () => {
    await seedKey('-Dashed1-rest-of-key-000000000000000000000');
    const bare = await inDb('revoke', '-Dashed1');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("hint: a key prefix or id that begins with '-' goes after '--'");
    expect((await db.pool.query('SELECT is_active FROM api_keys')).rows[0]).toEqual({ is_active: true });
    const run = await runInProcess(['api-key', 'revoke', '--database-url', db.url, '--', '-Dashed1']);
    expect(run.code, run.stderr).toBe(0);
    expect((await db.pool.query('SELECT is_active FROM api_keys')).rows[0]).toEqual({ is_active: false });
  });

  it('fails with exit 2 for an unknown key and changes nothing', async () => {
    await seedKey('Survivor-rest-of-key-000000000000000000000');
    const run = await inDb('revoke', '00000000-0000-4000-8000-000000000000');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no API key with id or prefix');
    expect((await db.pool.query('SELECT is_active FROM api_keys')).rows[0]).toEqual({ is_active: true });
  });

  it('fails with exit 2 when an id prefix matches two keys', async () => {
    await insertKeyRow(db.pool, { id: 'abcdef01-0000-4000-8000-000000000001', prefix: 'Twin0001', keyHash: 'x' });
    await insertKeyRow(db.pool, { id: 'abcdef01-0000-4000-8000-000000000002', prefix: 'Twin0002', keyHash: 'x' });
    const run = await inDb('revoke', 'abcdef01');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('matches 2 keys');
  });

  it('says a key was already revoked and succeeds', async () => {
    await seedKey('AlreadyR-rest-of-key-000000000000000000000', { isActive: false });
    const run = await inDb('revoke', 'AlreadyR');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('already revoked');
  });
});

describe('api-key check (database)', () => {
  async function check(key: string, ...extra: string[]) {
    held.push(key);
    return inDb('check', '--key', key, ...extra);
  }

  it('accepts a freshly created key with exit 0', async () => {
    const key = keyFrom(await inDb('create', 'fresh'));
    const run = await check(key);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is valid: "fresh" (agent');
  });

  it('names an unknown prefix with exit 4', async () => {
    const run = await check('Nobody00-rest-of-key-000000000000000000000');
    expect(run.code).toBe(4);
    expect(run.stdout).toContain('no key has the prefix Nobody00');
  });

  it('names a revoked key with exit 4', async () => {
    await seedKey('Revoked2-rest-of-key-000000000000000000000', { isActive: false });
    const run = await check('Revoked2-rest-of-key-000000000000000000000');
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/"seeded" \(agent, id [0-9a-f-]+, prefix Revoked2\) was revoked$/m);
  });

  it('names an expired key and when it expired, with exit 4', async () => {
    await seedKey('Expired2-rest-of-key-000000000000000000000', { expiresAt: new Date(FROZEN_NOW - DAY) });
    const run = await check('Expired2-rest-of-key-000000000000000000000');
    expect(run.code).toBe(4);
    expect(run.stdout).toContain('expired at 2026-11-24T12:00:00Z');
  });

  it('names a wrong secret behind a known prefix, with exit 4', async () => {
    await seedKey('WrongSec-the-real-rest-00000000000000000000');
    const run = await check('WrongSec-a-mistyped-rest-0000000000000000000');
    expect(run.code).toBe(4);
    expect(run.stdout).toContain('the rest of the key does not match');
  });

  it('accepts a legacy key stored as hex SHA-256 (hash_version 1)', async () => {
    await seedKey('0123abcd0123abcd0123abcd0123abcd', { hashVersion: 1 });
    expect((await check('0123abcd0123abcd0123abcd0123abcd')).code).toBe(0);
  });

  it('names a wrong secret against a legacy SHA-256 hash', async () => {
    await seedKey('0123abcd0123abcd0123abcd0123abcd', { hashVersion: 1 });
    const run = await check('0123abcdffffffffffffffffffffffff', '--json');
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: false, reason: 'wrong-secret' });
  });

  it('reads the key from SEL_API_KEY in a .env when no --key is given', async () => {
    const key = keyFrom(await inDb('create', 'from-env'));
    const cwd = mkdtempSync(path.join(tmpdir(), 'sel-key-env-'));
    writeFileSync(path.join(cwd, '.env'), `SEL_API_KEY=${key}\nDATABASE_URL=${db.url}\n`, { mode: 0o600 });
    const run = await runInProcess(['api-key', 'check'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('warns when the .env holding a key is readable by others', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'sel-key-env-'));
    writeFileSync(path.join(cwd, '.env'), `SEL_API_KEY=Nobody00-rest-of-key-000000000000000000000\nDATABASE_URL=${db.url}\n`);
    chmodSync(path.join(cwd, '.env'), 0o644);
    const run = await runInProcess(['api-key', 'check'], { cwd });
    expect(run.stderr).toContain('chmod 600');
  });

  it('exits 2 with a hint when there is no key to check', async () => {
    const run = await inDb('check');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SEL_API_KEY');
  });
});

describe('api-key store choice', () => {
  it('exits 2 with a hint naming both stores when none is given', async () => {
    const run = await runInProcess(['api-key', 'list']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--database-url[\s\S]*--server/);
  });

  it('exits 2 when both --database-url and --server are given', async () => {
    const run = await runInProcess(['api-key', 'list', '--database-url', db.url, '--server', fake.url]);
    expect(run.code).toBe(2);
  });

  it('takes DATABASE_URL from the environment', async () => {
    const run = await runInProcess(['api-key', 'list'], { env: { DATABASE_URL: db.url } });
    expect(run.code).toBe(0);
  });

  it('exits 5 for an unreachable database and shows its host but never its password', async () => {
    const url = `postgres://sel:${TEST_DB_PASSWORD}@127.0.0.1:${await closedPort()}/sel`;
    const run = await runInProcess(['api-key', 'list', '--database-url', url]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('127.0.0.1');
    expect(run.stderr).not.toContain(TEST_DB_PASSWORD);
  });
});

describe("api-key over SEL's admin HTTP API", () => {
  it('creates a key and prints the id it found in the list', async () => {
    const run = await overHttp('create', 'via-http');
    keyFrom(run);
    expect(run.stdout).toContain(`ID:       ${fake.rows[0]?.id}`);
  });

  it('refuses an admin key without expiry before calling the server', async () => {
    const run = await overHttp('create', 'ops', '--role', 'admin');
    expect(run.code).toBe(2);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/admin/api-keys')).toEqual([]);
  });

  it('revokes by the id `list` printed', async () => {
    const row = fake.seed({ prefix: 'HttpKey1', name: 'http-key' });
    const id = ((await overHttp('list')).stdout.split('\n')[1] ?? '').split(/\s+/)[0] ?? '';
    await overHttp('revoke', id);
    expect(fake.rows.find((r) => r.id === row.id)?.is_active).toBe(false);
  });

  it('fails with exit 2 for an unknown id without sending the DELETE that would answer 204', async () => {
    const run = await overHttp('revoke', '00000000-0000-4000-8000-000000000000');
    expect(run.code).toBe(2);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('exits 2 when --server has no admin key', async () => {
    const run = await runInProcess(['api-key', 'list', '--server', fake.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SEL_ADMIN_API_KEY');
  });

  it('exits 4 when the admin key is an agent key', async () => {
    const run = await runInProcess(['api-key', 'list', '--server', fake.url, '--admin-key', AGENT_KEY]);
    expect(run.code).toBe(4);
  });

  it('exits 5 when the server cannot be reached', async () => {
    const run = await runInProcess(['api-key', 'list', '--server', `http://127.0.0.1:${await closedPort()}`, '--admin-key', ADMIN_KEY]);
    expect(run.code).toBe(5);
  });
});

describe('api-key check against a server', () => {
  it('calls an agent key valid with exit 0', async () => {
    const run = await runInProcess(['api-key', 'check', '--key', AGENT_KEY, '--server', fake.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('an agent key');
  });

  it('calls an admin key valid and says it is one', async () => {
    const run = await runInProcess(['api-key', 'check', '--key', ADMIN_KEY, '--server', fake.url]);
    expect(run.stdout).toContain('an admin key');
  });

  it('calls an unknown key rejected with exit 4 and points to the database check', async () => {
    const run = await runInProcess(['api-key', 'check', '--server', fake.url], { env: { SEL_API_KEY: 'Nobody00-rest-of-key-000000000000000000000' } });
    expect(run.code).toBe(4);
    expect(run.stdout).toContain('--database-url');
  });
});
