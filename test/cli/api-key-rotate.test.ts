import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FROZEN_NOW, runInProcess, transcript, type CapturedRun } from '../helpers/cli-capture.ts';
import { FakeSelAdmin } from '../helpers/fake-sel-admin.ts';
import { insertKeyRow, startTestDatabase, TEST_DB_PASSWORD, type TestDatabase } from '../helpers/postgres.ts';
import { DatabaseBackedSel, selAccepts } from '../helpers/sel-key-auth.ts';

const DAY = 86_400_000;
const OLD_KEY = 'OldAgent_0123456789abcdefghijklmnopqrstuvwx';
const OLD_ADMIN = 'OldAdmin_0123456789abcdefghijklmnopqrstuvwx';
const ADMIN_KEY = 'AdminKey_0123456789abcdefghijklmnopqrstuvwx';

let db: TestDatabase;
let sel: DatabaseBackedSel;
let admin: FakeSelAdmin;
let dir: string;

beforeAll(async () => {
  db = await startTestDatabase();
  sel = new DatabaseBackedSel(db.pool, FROZEN_NOW);
  await sel.start();
  admin = new FakeSelAdmin(
    new Map([
      [ADMIN_KEY, 'admin'],
      [OLD_KEY, 'agent'],
    ]),
  );
  await admin.start();
});
afterAll(async () => {
  await sel?.stop();
  await admin?.stop();
  await db?.stop();
});
beforeEach(async () => {
  await db.reset();
  admin.reset();
  sel.mode = 'normal';
  dir = mkdtempSync(path.join(tmpdir(), 'sel-rotate-'));
  transcript.length = 0;
});

/** Keys held before a test never appear in any output; a new key only where the test says it may. */
afterEach(() => {
  const text = transcript.map((run) => run.stdout + run.stderr).join('\n');
  for (const key of [OLD_KEY, OLD_ADMIN, ADMIN_KEY]) expect(text).not.toContain(key);
  expect(text).not.toContain(TEST_DB_PASSWORD);
});

async function seed(key: string, row: { role?: 'agent' | 'admin'; name?: string; createdAt?: Date; expiresAt?: Date } = {}): Promise<string> {
  return insertKeyRow(db.pool, { prefix: key.slice(0, 8), keyHash: await bcrypt.hash(key, 4), hashVersion: 2, name: row.name ?? 'lakeshore', ...row });
}

const ENV_TEXT = [
  '# staging scraper',
  'SEL_SERVER_URL=https://staging.example.org',
  `SEL_API_KEY=${OLD_KEY}`,
  '',
  'DEFAULT_TIMEZONE=America/Toronto # local',
  '',
].join('\n');

function envFile(text = ENV_TEXT, mode = 0o644): string {
  const file = path.join(dir, '.env');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

const rotate = (...args: string[]) => runInProcess(['api-key', 'rotate', ...args, '--database-url', db.url, '--server', sel.url], { cwd: dir });

async function keyRow(prefix: string): Promise<{ is_active: boolean; role: string; name: string; expires_at: Date | null } | undefined> {
  const { rows } = await db.pool.query('SELECT is_active, role, name, expires_at FROM api_keys WHERE prefix = $1', [prefix]);
  return rows[0] as never;
}

function newKeyIn(file: string): string {
  const match = /^SEL_API_KEY=(\S+)$/m.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error('no SEL_API_KEY line');
  return match[1]!;
}

function noTempFilesIn(folder: string): void {
  expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('api-key rotate with an env file (database store, checked by the server)', () => {
  it('writes the new key in place of the old one, keeps every other line, mode 600, and revokes the old key only after the server accepts the new one', async () => {
    await seed(OLD_KEY);
    const file = envFile();
    const run = await rotate(OLD_KEY.slice(0, 8), '--env-file', '.env');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const fresh = newKeyIn(file);
    expect(fresh).not.toBe(OLD_KEY);
    expect(readFileSync(file, 'utf8')).toBe(ENV_TEXT.replace(OLD_KEY, fresh));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await keyRow(OLD_KEY.slice(0, 8))).toMatchObject({ is_active: false });
    expect(await keyRow(fresh.slice(0, 8))).toMatchObject({ is_active: true, role: 'agent', name: 'lakeshore (rotated 2026-11-25)' });
    expect(await selAccepts(db.pool, `Bearer ${fresh}`, FROZEN_NOW)).toEqual({ role: 'agent' });
    // The server was asked about the new key before the old one was revoked, and never shown the old one.
    expect(sel.seen).toEqual([fresh.slice(0, 8)]);
    expect(run.stdout).not.toContain(fresh);
    expect(run.stdout).toContain(`old key ${OLD_KEY.slice(0, 8)} is revoked`);
    noTempFilesIn(dir);
  });

  it('appends the variable to an env file that lacks it, and names and dates the new key as asked', async () => {
    await seed(OLD_KEY, { createdAt: new Date(FROZEN_NOW - 100 * DAY), expiresAt: new Date(FROZEN_NOW + 20 * DAY) });
    const file = envFile('SEL_SERVER_URL=https://x.example\n# no key yet');
    const run = await rotate(OLD_KEY.slice(0, 8), '--env-file', file, '--name', 'lakeshore-2026', '--expires-in-days', '30');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const fresh = newKeyIn(file);
    expect(readFileSync(file, 'utf8')).toBe(`SEL_SERVER_URL=https://x.example\n# no key yet\nSEL_API_KEY=${fresh}\n`);
    expect(await keyRow(fresh.slice(0, 8))).toMatchObject({ name: 'lakeshore-2026', expires_at: new Date(FROZEN_NOW + 30 * DAY) });
  });

  it("gives the new key the old key's lifetime when no expiry is asked for", async () => {
    await seed(OLD_ADMIN, { role: 'admin', createdAt: new Date(FROZEN_NOW - 10 * DAY), expiresAt: new Date(FROZEN_NOW + 20 * DAY) });
    const file = envFile(`SEL_ADMIN_API_KEY=${OLD_ADMIN}\n`);
    const run = await rotate(OLD_ADMIN.slice(0, 8), '--env-file', file, '--env-var', 'SEL_ADMIN_API_KEY');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const fresh = /^SEL_ADMIN_API_KEY=(\S+)$/m.exec(readFileSync(file, 'utf8'))![1]!;
    expect(await keyRow(fresh.slice(0, 8))).toMatchObject({ role: 'admin', is_active: true, expires_at: new Date(FROZEN_NOW + 30 * DAY) });
  });

  it('keeps the old key with --keep-old and says how to revoke it later', async () => {
    const oldId = await seed(OLD_KEY);
    const file = envFile();
    const run = await rotate(OLD_KEY.slice(0, 8), '--env-file', file, '--keep-old');
    expect(run.code).toBe(0);
    expect(await keyRow(OLD_KEY.slice(0, 8))).toMatchObject({ is_active: true });
    expect(run.stdout).toContain(`sel-scraper api-key revoke ${oldId}`);
  });

  it('rolls back when the server rejects the new key: env file restored, new key revoked, old key untouched, exit 4', async () => {
    await seed(OLD_KEY);
    const file = envFile();
    sel.mode = 'other-database';
    const run = await rotate(OLD_KEY.slice(0, 8), '--env-file', file);
    expect(run.code).toBe(4);
    expect(readFileSync(file, 'utf8')).toBe(ENV_TEXT);
    const { rows } = await db.pool.query('SELECT prefix, is_active FROM api_keys ORDER BY created_at');
    expect(rows).toHaveLength(2);
    expect(rows.find((r: { prefix: string }) => r.prefix === OLD_KEY.slice(0, 8))).toMatchObject({ is_active: true });
    expect(rows.find((r: { prefix: string }) => r.prefix !== OLD_KEY.slice(0, 8))).toMatchObject({ is_active: false });
    expect(run.stdout).toContain('rejects the new key (401)');
    expect(run.stdout).toContain(`old key ${OLD_KEY.slice(0, 8)}`);
    expect(run.stdout).toContain('is still active and unchanged');
    noTempFilesIn(dir);
  });

  it('stops with both keys active when the server cannot be reached after the key was written, and says what to run next (exit 3)', async () => {
    const oldId = await seed(OLD_KEY);
    const file = envFile();
    sel.mode = 'down';
    const run = await rotate(OLD_KEY.slice(0, 8), '--env-file', file);
    expect(run.code).toBe(3);
    const fresh = newKeyIn(file);
    expect(await keyRow(fresh.slice(0, 8))).toMatchObject({ is_active: true });
    expect(await keyRow(OLD_KEY.slice(0, 8))).toMatchObject({ is_active: true });
    expect(run.stdout).toContain(`it is in ${file} (SEL_API_KEY)`);
    expect(run.stdout).toContain('sel-scraper api-key check');
    expect(run.stdout).toContain(`sel-scraper api-key revoke ${oldId}`);
  });

  it('changes nothing when the env file holds some other key', async () => {
    await seed(OLD_KEY);
    const other = 'OtherKey_0123456789abcdefghijklmnopqrstuvwx';
    const file = envFile(`SEL_API_KEY=${other}\n`);
    const run = await rotate(OLD_KEY.slice(0, 8), '--env-file', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not to the key being rotated');
    expect(run.stdout + run.stderr).not.toContain(other);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0]).toEqual({ n: 1 });
  });

  it('refuses a key that is already revoked, before creating anything', async () => {
    await insertKeyRow(db.pool, { prefix: OLD_KEY.slice(0, 8), keyHash: await bcrypt.hash(OLD_KEY, 4), hashVersion: 2, name: 'gone', isActive: false });
    const run = await rotate(OLD_KEY.slice(0, 8), '--env-file', envFile());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('already revoked');
    expect((await db.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0]).toEqual({ n: 1 });
  });
});

describe('api-key rotate without an env file', () => {
  it('prints the new key exactly once, then checks and revokes', async () => {
    await seed(OLD_KEY);
    const run: CapturedRun = await rotate(OLD_KEY.slice(0, 8));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const fresh = /^ {2}Key: +(\S+)$/m.exec(run.stdout)![1]!;
    expect(run.stdout.split(fresh)).toHaveLength(2);
    expect(await keyRow(OLD_KEY.slice(0, 8))).toMatchObject({ is_active: false });
    expect(await keyRow(fresh.slice(0, 8))).toMatchObject({ is_active: true });
  });
});

describe('api-key rotate through the admin API', () => {
  it('rotates with the admin server as both store and checker', async () => {
    const old = admin.seed({ prefix: OLD_KEY.slice(0, 8), name: 'lakeshore', role: 'agent' });
    const file = envFile();
    const run = await runInProcess(['api-key', 'rotate', old.id, '--env-file', file, '--server', admin.url, '--admin-key', ADMIN_KEY], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const fresh = newKeyIn(file);
    expect(admin.rows.find((r) => r.id === old.id)?.is_active).toBe(false);
    expect(admin.rows.find((r) => r.prefix === fresh.slice(0, 8))).toMatchObject({ is_active: true, role: 'agent' });
    // The new key was proven with the token exchange before the DELETE of the old one.
    const order = admin.requests.map((r) => `${r.method} ${r.path}`);
    const proof = order.findIndex((r, i) => r === 'POST /api/v1/auth/token' && admin.requests[i]?.authorization === `Bearer ${fresh}`);
    expect(proof).toBeGreaterThan(-1);
    expect(proof).toBeLessThan(order.indexOf(`DELETE /api/v1/admin/api-keys/${old.id}`));
  });
});

describe('api-key check with a database and a server', () => {
  const check = () => runInProcess(['api-key', 'check', '--key', OLD_KEY, '--database-url', db.url, '--server', sel.url, '--json'], { cwd: dir });

  it('confirms a key both accept', async () => {
    await seed(OLD_KEY);
    const run = await check();
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, reason: 'ok', role: 'agent' });
  });

  it('names the "created but not working" case: valid in the database, 401 from the server', async () => {
    await seed(OLD_KEY);
    sel.mode = 'other-database';
    const run = await check();
    expect(run.code).toBe(4);
    const result = JSON.parse(run.stdout) as { valid: boolean; reason: string; message: string; hint: string };
    expect(result).toMatchObject({ valid: false, reason: 'not-picked-up' });
    expect(result.message).toContain('the server has not picked up this key');
    expect(result.hint).toContain('uses this database');
  });
});

describe('api-key list age flags', () => {
  it("shows each key's age and flags keys due for rotation and keys about to expire", async () => {
    await seed(OLD_KEY, { name: 'old', createdAt: new Date(FROZEN_NOW - 120 * DAY) });
    await seed(OLD_ADMIN, { name: 'expiring', role: 'admin', createdAt: new Date(FROZEN_NOW - 5 * DAY), expiresAt: new Date(FROZEN_NOW + 3 * DAY) });
    const json = await runInProcess(['api-key', 'list', '--database-url', db.url, '--json'], { cwd: dir });
    const keys = (JSON.parse(json.stdout) as { keys: { name: string; ageDays: number; rotationDue: boolean; expiresSoon: boolean }[] }).keys;
    expect(keys.find((k) => k.name === 'old')).toMatchObject({ ageDays: 120, rotationDue: true, expiresSoon: false });
    expect(keys.find((k) => k.name === 'expiring')).toMatchObject({ ageDays: 5, rotationDue: false, expiresSoon: true });
    const table = await runInProcess(['api-key', 'list', '--database-url', db.url, '--max-age-days', '200'], { cwd: dir });
    expect(table.stdout).toMatch(/old .* 120d .* never\s*$/m);
    expect(table.stdout).toMatch(/expiring .* 5d .* expires soon$/m);
    expect(table.stdout).toContain('1 active key(s) expire within 14 days');
    expect(table.stdout).not.toContain('days old or more');
  });
});
