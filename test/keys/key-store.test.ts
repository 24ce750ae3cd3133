import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../src/keys/api-key.ts';
import { findKey, validateNewKey } from '../../src/keys/key-store.ts';
import { exitCodeForError } from '../../src/report/exit-codes.ts';

function record(id: string, prefix: string, name = 'k'): KeyRecord {
  return { id, prefix, name, role: 'agent', sourceId: null, isActive: true, createdAt: new Date(0), lastUsedAt: null, expiresAt: null };
}

const A = record('1f0c9a2e-1111-4d7e-9a55-3c9e7f1d2a10', 'AbCdEfGh', 'alpha');
const B = record('1f0c9a2e-2222-4d7e-9a55-3c9e7f1d2a10', 'ZyXwVuTs', 'beta');
const C = record('7d2e0f4a-3333-4d7e-9a55-3c9e7f1d2a10', 'Qq-_1234', 'gamma');
const ALL = [A, B, C];

describe('validateNewKey', () => {
  it("refuses an admin key without an expiry, as SEL's CLI does", () => {
    expect(() => validateNewKey({ name: 'ops', role: 'admin' })).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE', message: expect.stringContaining('expiry') }),
    );
  });

  it('accepts an agent key without an expiry', () => {
    expect(validateNewKey({ name: 'lakeshore', role: 'agent' })).toEqual({ name: 'lakeshore', role: 'agent' });
  });

  it('refuses a blank name', () => {
    expect(() => validateNewKey({ name: '  ', role: 'agent' })).toThrow(expect.objectContaining({ code: 'ERR_USAGE' }));
  });

  it('refuses a source id that is not a UUID', () => {
    expect(() => validateNewKey({ name: 'x', role: 'agent', sourceId: 'abc' })).toThrow(expect.objectContaining({ code: 'ERR_USAGE' }));
  });

  it('does not echo a source id that looks like a pasted key', () => {
    const key = 'AbCdEfGh_restOfTheKeyIsHere-0123456789abcd';
    expect(() => validateNewKey({ name: 'x', role: 'agent', sourceId: key })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(key) }));
  });
});

describe('findKey', () => {
  it('finds a key by its full id', () => {
    expect(findKey(ALL, C.id)).toBe(C);
  });

  it('finds a key by its full id in upper case', () => {
    expect(findKey(ALL, C.id.toUpperCase())).toBe(C);
  });

  it('finds a key by its 8-character key prefix', () => {
    expect(findKey(ALL, 'Qq-_1234')).toBe(C);
  });

  it('finds a key by an unambiguous prefix of its id', () => {
    expect(findKey(ALL, '7d2e0f4a')).toBe(C);
  });

  it("accepts the truncated id SEL's own list prints, trailing dots included", () => {
    expect(findKey(ALL, '7d2e0f4a...')).toBe(C);
  });

  it('refuses an id prefix shorter than 8 characters rather than guessing', () => {
    expect(() => findKey(ALL, '7d2e')).toThrow(expect.objectContaining({ code: 'ERR_KEY_NOT_FOUND' }));
  });

  it('refuses an id prefix that matches two keys, naming both', () => {
    expect(() => findKey(ALL, '1f0c9a2e')).toThrow(expect.objectContaining({ code: 'ERR_KEY_AMBIGUOUS', message: expect.stringContaining(B.id) }));
  });

  it('reports an unknown reference as ERR_KEY_NOT_FOUND, which exits 2', () => {
    let code: string | undefined;
    try {
      findKey(ALL, 'ffffffff-0000-0000-0000-000000000000');
    } catch (error) {
      code = (error as { code: string }).code;
    }
    expect(code).toBe('ERR_KEY_NOT_FOUND');
    expect(exitCodeForError('ERR_KEY_NOT_FOUND')).toBe(2);
  });

  it('does not echo a full key passed by mistake', () => {
    const key = 'AbCdEfGh_restOfTheKeyIsHere-0123456789abcd';
    expect(() => findKey(ALL, key)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(key) }));
  });
});
