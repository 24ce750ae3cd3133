import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashKey, keyMatchesHash } from '../../src/keys/key-hash.ts';

const KEY = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo';

describe('hashKey', () => {
  it('hashes with bcrypt at cost 12 unless told otherwise', async () => {
    expect(await hashKey(KEY)).toMatch(/^\$2[aby]\$12\$/);
  });
});

describe('keyMatchesHash', () => {
  it('accepts a key whose lowercase hex SHA-256 is stored with hash_version 1', async () => {
    const hex = createHash('sha256').update(KEY).digest('hex');
    expect(await keyMatchesHash(KEY, hex, 1)).toBe(true);
  });

  it('rejects another key against a hash_version 1 hash', async () => {
    const hex = createHash('sha256').update(KEY).digest('hex');
    expect(await keyMatchesHash(KEY + 'x', hex, 1)).toBe(false);
  });

  it('rejects a hash_version 1 hash of the wrong length without throwing', async () => {
    expect(await keyMatchesHash(KEY, 'abc', 1)).toBe(false);
  });

  it('accepts a key against its bcrypt hash with hash_version 2', async () => {
    expect(await keyMatchesHash(KEY, await hashKey(KEY, 4), 2)).toBe(true);
  });

  it("accepts hashes written by Go's bcrypt, which use the $2a$ marker", async () => {
    const goStyle = (await hashKey(KEY, 4)).replace(/^\$2b\$/, '$2a$');
    expect(await keyMatchesHash(KEY, goStyle, 2)).toBe(true);
  });

  it('treats a malformed bcrypt hash as a mismatch, as the server does', async () => {
    expect(await keyMatchesHash(KEY, '$2x$04$garbage', 2)).toBe(false);
  });

  it('answers undefined for a hash_version SEL does not know', async () => {
    expect(await keyMatchesHash(KEY, 'whatever', 3)).toBeUndefined();
  });
});
