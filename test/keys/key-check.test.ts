import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { checkKey, type StoredKey } from '../../src/keys/key-check.ts';
import { hashKey } from '../../src/keys/key-hash.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const KEY = 'AbCdEfGh_restOfTheKeyIsHere-0123456789abcd';

async function stored(overrides: Partial<StoredKey> = {}): Promise<StoredKey> {
  return {
    id: '0b6f3c1e-2f7a-4d7e-9a55-3c9e7f1d2a10',
    prefix: KEY.slice(0, 8),
    name: 'lakeshore',
    role: 'agent',
    sourceId: null,
    isActive: true,
    createdAt: new Date(NOW - 86_400_000),
    lastUsedAt: null,
    expiresAt: null,
    keyHash: await hashKey(KEY, 4),
    hashVersion: 2,
    ...overrides,
  };
}

describe('checkKey', () => {
  it('accepts an active, unexpired key whose bcrypt hash matches', async () => {
    const row = await stored();
    const verdict = await checkKey(KEY, async () => row, NOW);
    expect(verdict).toMatchObject({ valid: true, key: { id: row.id, role: 'agent' } });
  });

  it('looks the key up by its first 8 characters', async () => {
    const lookup = vi.fn(async () => undefined);
    await checkKey(KEY, lookup, NOW);
    expect(lookup).toHaveBeenCalledWith('AbCdEfGh');
  });

  it('names an unknown prefix', async () => {
    expect(await checkKey(KEY, async () => undefined, NOW)).toEqual({ valid: false, reason: 'unknown-prefix', prefix: 'AbCdEfGh' });
  });

  it('calls a key shorter than 8 characters malformed without looking it up', async () => {
    const lookup = vi.fn(async () => undefined);
    expect(await checkKey('short', lookup, NOW)).toMatchObject({ valid: false, reason: 'malformed' });
    expect(lookup).not.toHaveBeenCalled();
  });

  it('calls a key with a trailing line break malformed', async () => {
    expect(await checkKey(KEY + '\n', async () => stored(), NOW)).toMatchObject({
      valid: false,
      reason: 'malformed',
      detail: expect.stringContaining('whitespace'),
    });
  });

  it('names a revoked key and says the secret matches it', async () => {
    const row = await stored({ isActive: false });
    expect(await checkKey(KEY, async () => row, NOW)).toMatchObject({ valid: false, reason: 'revoked', secretMatches: true });
  });

  it("reports revoked before expired, following SEL's order", async () => {
    const row = await stored({ isActive: false, expiresAt: new Date(NOW - 1000) });
    expect(await checkKey(KEY, async () => row, NOW)).toMatchObject({ reason: 'revoked' });
  });

  it('reports revoked before a wrong secret, and says the secret does not match either', async () => {
    const row = await stored({ isActive: false });
    expect(await checkKey(KEY.slice(0, 8) + 'somethingElseEntirely', async () => row, NOW)).toMatchObject({ reason: 'revoked', secretMatches: false });
  });

  it('names an expired key', async () => {
    const row = await stored({ expiresAt: new Date(NOW - 1000) });
    expect(await checkKey(KEY, async () => row, NOW)).toMatchObject({ valid: false, reason: 'expired' });
  });

  it('names a wrong secret behind a known prefix', async () => {
    const row = await stored();
    expect(await checkKey(KEY.slice(0, 8) + 'somethingElseEntirely', async () => row, NOW)).toMatchObject({ valid: false, reason: 'wrong-secret' });
  });

  it('accepts a legacy key stored as hex SHA-256 with hash_version 1', async () => {
    const row = await stored({ hashVersion: 1, keyHash: createHash('sha256').update(KEY).digest('hex') });
    expect(await checkKey(KEY, async () => row, NOW)).toMatchObject({ valid: true });
  });

  it('names a hash_version SEL does not know', async () => {
    const row = await stored({ hashVersion: 7 });
    expect(await checkKey(KEY, async () => row, NOW)).toMatchObject({ valid: false, reason: 'unsupported-hash-version', hashVersion: 7 });
  });

  it('never hands the stored hash back in its verdict', async () => {
    const row = await stored();
    const verdict = await checkKey(KEY, async () => row, NOW);
    expect(JSON.stringify(verdict)).not.toContain(row.keyHash);
  });
});
