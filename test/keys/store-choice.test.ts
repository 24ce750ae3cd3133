import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/keys/database-url.ts';
import { envFileExposure } from '../../src/keys/env-file.ts';
import { chooseStore, serverBeside } from '../../src/keys/store-choice.ts';
import { resolveServerSettings } from '../../src/config/run-config.ts';

const DB = 'postgres://sel:hunter2-very-secret@db.internal:5432/sel';

describe('parseDatabaseUrl', () => {
  it('labels the database by host, port and name, without user or password', () => {
    expect(parseDatabaseUrl(DB).label).toBe('db.internal:5432/sel');
  });

  it('refuses text that is not a URL without echoing it', () => {
    const text = 'host=db.internal password=hunter2-very-secret';
    expect(() => parseDatabaseUrl(text)).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: expect.not.stringContaining('hunter2') }));
  });

  it('refuses a URL of another scheme', () => {
    expect(() => parseDatabaseUrl('mysql://u:p@h/db')).toThrow(expect.objectContaining({ code: 'ERR_USAGE' }));
  });

  it('lists the password among the secrets to keep out of output', () => {
    expect(parseDatabaseUrl(DB).secrets).toContain('hunter2-very-secret');
  });
});

describe('a SEL server URL that ends in /api/v1', () => {
  const KEY = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
  const refusal = expect.objectContaining({
    code: 'ERR_USAGE',
    message: 'SEL server URL ends in /api/v1: "https://sel.test/api/v1/"',
    hint: expect.stringContaining('--server https://sel.test '),
  });

  it('is refused, with the base URL to give instead, by scrape runs and by every key command alike', () => {
    expect(() => resolveServerSettings({ server: 'https://sel.test/api/v1/', key: KEY }, {})).toThrow(refusal);
    expect(() => chooseStore({ server: 'https://sel.test/api/v1/' }, {})).toThrow(refusal);
    expect(() => chooseStore({}, { SEL_SERVER_URL: 'https://sel.test/api/v1/' })).toThrow(refusal);
    expect(() => serverBeside({}, { SEL_SERVER_URL: 'https://sel.test/api/v1/' })).toThrow(refusal);
    expect(serverBeside({ server: 'https://sel.test/' }, {})).toBe('https://sel.test/');
  });
});

describe('chooseStore', () => {
  it('lets --server beat a DATABASE_URL from the environment', () => {
    expect(chooseStore({ server: 'https://sel.example.org' }, { DATABASE_URL: DB }).kind).toBe('server');
  });

  it('prefers DATABASE_URL over SEL_SERVER_URL when both come from the environment', () => {
    expect(chooseStore({}, { DATABASE_URL: DB, SEL_SERVER_URL: 'https://sel.example.org' }).kind).toBe('database');
  });

  it('takes the admin key from SEL_ADMIN_API_KEY when no --admin-key is given', () => {
    expect(chooseStore({}, { SEL_SERVER_URL: 'https://sel.example.org', SEL_ADMIN_API_KEY: 'AdminKey_xyz' })).toMatchObject({ adminKey: 'AdminKey_xyz' });
  });

  it('refuses a server URL that is not http(s)', () => {
    expect(() => chooseStore({ server: 'sel.example.org' }, {})).toThrow(expect.objectContaining({ code: 'ERR_USAGE' }));
  });
});

describe('envFileExposure', () => {
  function envFile(content: string, mode: number): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'sel-env-'));
    writeFileSync(path.join(dir, '.env'), content);
    chmodSync(path.join(dir, '.env'), mode);
    return dir;
  }

  it('warns when a .env holding DATABASE_URL is readable by group and others, naming the fix', () => {
    expect(envFileExposure(envFile(`DATABASE_URL=${DB}\n`, 0o644), 'linux')).toMatch(/DATABASE_URL.*group and others.*chmod 600/);
  });

  it('is silent for a .env only its owner can read', () => {
    expect(envFileExposure(envFile(`SEL_API_KEY=abcdefghijkl\n`, 0o600), 'linux')).toBeUndefined();
  });

  it('is silent for a readable .env that holds no key or database URL', () => {
    expect(envFileExposure(envFile('DEFAULT_TIMEZONE=America/Toronto\n', 0o644), 'linux')).toBeUndefined();
  });

  it('never quotes the secret it warns about', () => {
    expect(envFileExposure(envFile(`DATABASE_URL=${DB}\n`, 0o640), 'linux')).not.toContain('hunter2');
  });
});
