import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** SEL's cost for every bcrypt key hash; lower costs exist only so unit tests stay fast. */
export const SEL_BCRYPT_COST = 12;

/** `api_keys.hash_version`: 1 = hex SHA-256 (SEL's test helper), 2 = bcrypt (every real producer). */
const HASH_VERSION_SHA256 = 1;
export const HASH_VERSION_BCRYPT = 2;

export function hashKey(key: string, cost: number = SEL_BCRYPT_COST): Promise<string> {
  return bcrypt.hash(key, cost);
}

/**
 * Whether `key` matches a stored hash the way SEL's server decides it; `undefined` for a
 * hash_version SEL does not know (the server rejects those keys too).
 */
export async function keyMatchesHash(key: string, keyHash: string, hashVersion: number): Promise<boolean | undefined> {
  if (hashVersion === HASH_VERSION_SHA256) {
    const actual = Buffer.from(createHash('sha256').update(key).digest('hex'));
    const stored = Buffer.from(keyHash);
    // timingSafeEqual needs equal lengths; a hash of another length cannot match anyway.
    return stored.length === actual.length && timingSafeEqual(actual, stored);
  }
  if (hashVersion === HASH_VERSION_BCRYPT) {
    // A malformed stored hash makes Go's bcrypt return an error, which SEL treats as a mismatch.
    return bcrypt.compare(key, keyHash).catch(() => false);
  }
  return undefined;
}
