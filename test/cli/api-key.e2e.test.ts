import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startTestDatabase, TEST_DB_PASSWORD, type TestDatabase } from '../helpers/postgres.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let db: TestDatabase;
let cwd: string;

beforeAll(async () => {
  // The global setup builds dist/; build here too when this file runs on its own without it.
  if (!existsSync(path.join(ROOT, 'dist/cli/api-key.js'))) {
    try {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      // tsc still emits when another file has a type error; the tests below show whether it did.
    }
  }
  db = await startTestDatabase();
  cwd = mkdtempSync(path.join(tmpdir(), 'sel-key-e2e-'));
});
afterAll(async () => {
  await db?.stop();
});

describe('bin/sel-scraper api-key against PostgreSQL', () => {
  it('creates a key, lists it and accepts it in check, showing the key only at creation', async () => {
    const env = { DATABASE_URL: db.url };
    const create = await runCli(['api-key', 'create', 'e2e-scraper', '--role', 'agent', '--expires-in-days', '7'], { env, cwd });
    expect(create.code, create.stderr).toBe(0);
    const key = /^ {2}Key: +(\S+)$/m.exec(create.stdout)?.[1] ?? '';
    const id = /^ {2}ID: +(\S+)$/m.exec(create.stdout)?.[1] ?? '';
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const list = await runCli(['api-key', 'list'], { env, cwd });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+${key.slice(0, 8)}\\s+e2e-scraper\\s+agent\\s+active`, 'm'));

    const check = await runCli(['api-key', 'check'], { env: { ...env, SEL_API_KEY: key }, cwd });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('is valid');

    const later = [list, check].map((r) => r.stdout + r.stderr).join('\n');
    expect(later).not.toContain(key);
    expect([create, list, check].map((r) => r.stdout + r.stderr).join('\n')).not.toContain(TEST_DB_PASSWORD);
  });
});
