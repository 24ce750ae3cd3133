import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../src/keys/api-key.ts';
import type { CreatedKey, KeyStore, NewKey } from '../../src/keys/key-store.ts';
import { keyAgeFlags, rotateKey, type RotationDeps, type ServerVerdict } from '../../src/keys/rotation.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const DAY = 86_400_000;
const OLD_KEY = 'OldAgent_0123456789abcdefghijklmnopqrstuvwx';

function record(over: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    prefix: OLD_KEY.slice(0, 8),
    name: 'lakeshore',
    role: 'agent',
    sourceId: null,
    isActive: true,
    createdAt: new Date(NOW - 100 * DAY),
    lastUsedAt: null,
    expiresAt: null,
    ...over,
  };
}

/** An in-memory store whose steps can be made to fail, recording what was done in order. */
class MemoryStore implements KeyStore {
  readonly label = 'memory';
  readonly log: string[] = [];
  failRevoke = new Set<string>();
  constructor(readonly records: KeyRecord[]) {}
  async create(input: NewKey): Promise<CreatedKey> {
    const key = `NewKey${this.records.length}_abcdefghijklmnopqrstuvwxyz0123456789`;
    const created = record({
      id: `22222222-2222-4222-8222-22222222222${this.records.length}`,
      prefix: key.slice(0, 8),
      name: input.name,
      role: input.role,
      createdAt: new Date(NOW),
      expiresAt: input.expiresInDays ? new Date(NOW + input.expiresInDays * DAY) : null,
    });
    this.records.push(created);
    this.log.push(`create ${created.prefix}`);
    return { key, record: created };
  }
  async list(): Promise<KeyRecord[]> {
    return this.records;
  }
  async revoke(id: string): Promise<void> {
    if (this.failRevoke.has(id)) throw new Error('store went away');
    this.log.push(`revoke ${id}`);
    const r = this.records.find((x) => x.id === id);
    if (r) r.isActive = false;
  }
  async close(): Promise<void> {}
}

function setup(options: { verdict?: ServerVerdict | Error; files?: Record<string, string>; failWrites?: number[] } = {}) {
  const store = new MemoryStore([record()]);
  const files = new Map(Object.entries(options.files ?? { '/h/.env': `A=1\nSEL_API_KEY=${OLD_KEY}\n` }));
  let writes = 0;
  const shown: string[] = [];
  const deps: RotationDeps = {
    store,
    checkWithServer: async (key) => {
      store.log.push(`check ${key.slice(0, 8)}`);
      if (options.verdict instanceof Error) throw options.verdict;
      return options.verdict ?? 'agent';
    },
    readFile: (file) => {
      const text = files.get(file);
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
    writeFile: (file, text) => {
      writes++;
      if (options.failWrites?.includes(writes)) throw new Error('EROFS: read-only file system');
      store.log.push(`write ${file}`);
      files.set(file, text);
    },
    now: () => NOW,
    showNewKey: (key) => void shown.push(key),
  };
  return { store, files, deps, shown };
}

const request = { reference: OLD_KEY.slice(0, 8), keepOld: false, envFile: { path: '/h/.env' } };

describe('rotateKey', () => {
  it('creates, writes, checks, then revokes, in that order', async () => {
    const { store, deps, files } = setup();
    const outcome = await rotateKey(request, deps, 'sel-scraper');
    expect(outcome).toMatchObject({ completed: true, rolledBack: false, oldRevoked: true, checked: 'agent' });
    expect(store.log).toEqual(['create NewKey1_', 'write /h/.env', 'check NewKey1_', `revoke ${record().id}`]);
    expect(files.get('/h/.env')).toBe('A=1\nSEL_API_KEY=NewKey1_abcdefghijklmnopqrstuvwxyz0123456789\n');
  });

  it('revokes the new key again when the env file cannot be written, leaving the old key as it was', async () => {
    const { store, deps, files } = setup({ failWrites: [1] });
    const outcome = await rotateKey(request, deps, 'sel-scraper');
    expect(outcome).toMatchObject({ completed: false, rolledBack: true, stoppedAt: 'write-env', code: 'ERR_USAGE', oldRevoked: false });
    expect(outcome.problem).toContain('EROFS');
    expect(store.log).toEqual(['create NewKey1_', 'revoke 22222222-2222-4222-8222-222222222221']);
    expect(files.get('/h/.env')).toContain(OLD_KEY);
    expect(outcome.state.join('\n')).toContain('was revoked again');
  });

  it('says what to do by hand when a rollback cannot restore the env file', async () => {
    const { deps } = setup({ verdict: 'rejected', failWrites: [2] });
    const outcome = await rotateKey(request, deps, 'sel-scraper');
    expect(outcome).toMatchObject({ rolledBack: true, stoppedAt: 'check', code: 'ERR_KEY_REJECTED' });
    expect(outcome.state.join('\n')).toContain('could not be restored');
    expect(outcome.next.join('\n')).toContain('put the old key (OldAgent…) back into /h/.env as SEL_API_KEY');
  });

  it('stops with both keys active when the old key cannot be revoked, naming the command to finish', async () => {
    const { store, deps } = setup();
    store.failRevoke.add(record().id);
    const outcome = await rotateKey(request, deps, 'sel-scraper');
    expect(outcome).toMatchObject({ completed: false, rolledBack: false, stoppedAt: 'revoke-old' });
    expect(outcome.next).toEqual([`sel-scraper api-key revoke ${record().id}`]);
  });

  it('keeps the old key when no server can check the new one', async () => {
    const { store, deps } = setup();
    const outcome = await rotateKey(request, { ...deps, checkWithServer: undefined }, 'sel-scraper');
    expect(outcome).toMatchObject({ completed: false, stoppedAt: 'check', oldRevoked: false });
    expect(store.log).not.toContain(`revoke ${record().id}`);
  });

  it('treats a server that sees another role as a rejection', async () => {
    const { deps } = setup({ verdict: 'admin' });
    const outcome = await rotateKey(request, deps, 'sel-scraper');
    expect(outcome).toMatchObject({ rolledBack: true, problem: 'the SEL server sees the new key as admin, not agent' });
  });

  it('shows the new key at once when there is no env file, before the server is asked', async () => {
    const { store, deps, shown } = setup({ verdict: new Error('socket hang up') });
    const outcome = await rotateKey({ ...request, envFile: undefined }, deps, 'sel-scraper');
    expect(shown).toHaveLength(1);
    expect(outcome).toMatchObject({ stoppedAt: 'check', rolledBack: false });
    expect(store.log).toEqual(['create NewKey1_', 'check NewKey1_']);
  });

  it('names a key rotated before with one dated suffix, not two', async () => {
    const { store, deps } = setup();
    store.records[0]!.name = 'lakeshore (rotated 2026-08-01)';
    await rotateKey(request, deps, 'sel-scraper');
    expect(store.records.at(-1)?.name).toBe('lakeshore (rotated 2026-11-25)');
  });

  it('writes into SEL_INGEST_KEY when that is the variable the file uses', async () => {
    const { deps, files } = setup({ files: { '/h/.env': `SEL_INGEST_KEY=${OLD_KEY}\n` } });
    await rotateKey(request, deps, 'sel-scraper');
    expect(files.get('/h/.env')).toMatch(/^SEL_INGEST_KEY=NewKey1_/);
  });
});

describe('keyAgeFlags', () => {
  const limits = { maxAgeDays: 90, expiryWarningDays: 14 };
  it.each([
    ['an 89-day-old key', record({ createdAt: new Date(NOW - 89 * DAY) }), { ageDays: 89, rotationDue: false, expiresSoon: false }],
    ['a 90-day-old key', record({ createdAt: new Date(NOW - 90 * DAY) }), { ageDays: 90, rotationDue: true, expiresSoon: false }],
    [
      'a key expiring in 14 days',
      record({ createdAt: new Date(NOW), expiresAt: new Date(NOW + 14 * DAY) }),
      { ageDays: 0, rotationDue: false, expiresSoon: true },
    ],
    [
      'a key expiring in 15 days',
      record({ createdAt: new Date(NOW), expiresAt: new Date(NOW + 15 * DAY) }),
      { ageDays: 0, rotationDue: false, expiresSoon: false },
    ],
    ['an old revoked key', record({ isActive: false }), { ageDays: 100, rotationDue: false, expiresSoon: false }],
    ['an expired key', record({ expiresAt: new Date(NOW - DAY) }), { ageDays: 100, rotationDue: false, expiresSoon: false }],
  ])('%s', (_label, key, expected) => {
    expect(keyAgeFlags(key, NOW, limits)).toEqual(expected);
  });
});
