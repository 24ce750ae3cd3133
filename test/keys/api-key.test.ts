import { describe, expect, it } from 'vitest';
import { generateApiKey, isExpired, keyStatus } from '../../src/keys/api-key.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('generateApiKey', () => {
  it("encodes 32 random bytes as 43 unpadded base64url characters, within bcrypt's 72 bytes", () => {
    const key = generateApiKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('takes every character, the lookup prefix included, from the random generator', () => {
    const bytes = Buffer.alloc(32, 0xab);
    expect(generateApiKey(() => bytes)).toBe(bytes.toString('base64url'));
  });

  it("draws again when the key would begin with '-', so its prefix never reads as an option", () => {
    const draws = [Buffer.alloc(32, 0xf8), Buffer.alloc(32, 0xab)];
    expect(draws[0]!.toString('base64url')).toMatch(/^-/);
    expect(generateApiKey(() => draws.shift()!)).toBe(Buffer.alloc(32, 0xab).toString('base64url'));
  });

  it('asks the generator for 32 bytes', () => {
    const sizes: number[] = [];
    generateApiKey((size) => {
      sizes.push(size);
      return Buffer.alloc(size);
    });
    expect(sizes).toEqual([32]);
  });
});

describe('keyStatus', () => {
  it('calls an inactive key revoked even when it has also expired', () => {
    expect(keyStatus({ isActive: false, expiresAt: new Date(NOW - 1000) }, NOW)).toBe('revoked');
  });

  it('calls an active key past its expiry expired', () => {
    expect(keyStatus({ isActive: true, expiresAt: new Date(NOW - 1) }, NOW)).toBe('expired');
  });

  it('calls an active key without expiry active', () => {
    expect(keyStatus({ isActive: true, expiresAt: null }, NOW)).toBe('active');
  });

  it('keeps a key valid at the very instant it expires, as SEL compares "now is after expiry"', () => {
    expect(isExpired(new Date(NOW), NOW)).toBe(false);
  });
});
