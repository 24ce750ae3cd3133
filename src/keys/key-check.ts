import { isExpired, type KeyRecord } from './api-key.ts';
import { keyMatchesHash } from './key-hash.ts';

/** A row as the server's lookup reads it, hash included; it never leaves src/keys. */
export interface StoredKey extends KeyRecord {
  keyHash: string;
  hashVersion: number;
}

export type KeyLookup = (prefix: string) => Promise<StoredKey | undefined>;

/** Why SEL would turn a key away, named after the first step of its algorithm that fails. */
export type KeyVerdict =
  | { valid: true; key: KeyRecord }
  | { valid: false; reason: 'malformed'; detail: string }
  | { valid: false; reason: 'unknown-prefix'; prefix: string }
  /** `secretMatches` says whether it is that key at all, which the server never tells. */
  | { valid: false; reason: 'revoked' | 'expired'; key: KeyRecord; secretMatches: boolean }
  | { valid: false; reason: 'unsupported-hash-version'; key: KeyRecord; hashVersion: number }
  | { valid: false; reason: 'wrong-secret'; key: KeyRecord };

/** The server's lookup prefix: the first 8 bytes (a Go byte slice, not 8 characters). */
const PREFIX_BYTES = 8;

/**
 * SEL's key validation (contract §2.1 and §2.3) in its order: shape, prefix lookup, revoked,
 * expired, then the hash for its hash_version. Read-only: unlike the server it does not touch
 * `last_used_at`, so checking a key does not make it look used.
 */
export async function checkKey(key: string, lookup: KeyLookup, nowMs: number): Promise<KeyVerdict> {
  const shape = malformation(key);
  if (shape) return { valid: false, reason: 'malformed', detail: shape };
  const prefix = key.slice(0, PREFIX_BYTES);
  const stored = await lookup(prefix);
  if (!stored) return { valid: false, reason: 'unknown-prefix', prefix };
  const record = publicPart(stored);
  if (!stored.isActive || isExpired(stored.expiresAt, nowMs)) {
    const secretMatches = (await keyMatchesHash(key, stored.keyHash, stored.hashVersion)) === true;
    return { valid: false, reason: stored.isActive ? 'expired' : 'revoked', key: record, secretMatches };
  }
  const matches = await keyMatchesHash(key, stored.keyHash, stored.hashVersion);
  if (matches === undefined) return { valid: false, reason: 'unsupported-hash-version', key: record, hashVersion: stored.hashVersion };
  return matches ? { valid: true, key: record } : { valid: false, reason: 'wrong-secret', key: record };
}

/**
 * The server needs at least 8 bytes and no whitespace. Every SEL key format is printable ASCII,
 * so anything else is a copy-paste artefact (a smart quote, a non-breaking space) worth naming;
 * it also keeps the 8-byte prefix equal to the first 8 characters.
 */
function malformation(key: string): string | undefined {
  if (/\s/.test(key)) return 'it contains whitespace (a stray space or line break where it was pasted?)';
  if (!/^[\x21-\x7e]*$/.test(key)) return 'it contains characters outside printable ASCII, which no SEL key has';
  if (key.length < PREFIX_BYTES) return `it is shorter than ${PREFIX_BYTES} characters`;
  return undefined;
}

function publicPart(stored: StoredKey): KeyRecord {
  const { keyHash: _hash, hashVersion: _version, ...record } = stored;
  return record;
}
