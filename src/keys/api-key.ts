import { randomBytes } from 'node:crypto';

/** The only roles `api_keys.role` accepts (CHECK api_keys_role_check). */
export const KEY_ROLES = ['agent', 'admin'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

/** What `list` shows; SEL's own CLI has no `expired`, so expired keys look active there. */
export type KeyStatus = 'active' | 'revoked' | 'expired';

/** One row of `api_keys` as far as anyone may see it: never the hash. */
export interface KeyRecord {
  id: string;
  prefix: string;
  name: string;
  role: KeyRole;
  sourceId: string | null;
  isActive: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/** A source of cryptographically secure bytes; injected so tests can force a prefix collision. */
export type RandomBytes = (size: number) => Buffer;

/**
 * 32 bytes (256 bits) is what SEL's admin and developer endpoints draw. Encoded as unpadded
 * base64url that makes 43 ASCII characters: well under bcrypt's 72-byte limit, and the first 8
 * characters, the server's lookup prefix, carry 48 random bits instead of a timestamp.
 */
const KEY_BYTES = 32;

/**
 * A key is drawn again when it would begin with '-': its prefix is what `revoke` and `rotate` take
 * on the command line, where a leading '-' reads as an option (1 key in 64 otherwise). The first
 * character then has 63 values instead of 64, which costs the 48-bit prefix less than 0.03 bit.
 */
export function generateApiKey(random: RandomBytes = randomBytes): string {
  for (;;) {
    const key = random(KEY_BYTES).toString('base64url');
    if (!key.startsWith('-')) return key;
  }
}

/** SEL rejects a key only once `now` is past `expires_at` (no grace period, contract §2.3). */
export function isExpired(expiresAt: Date | null, nowMs: number): boolean {
  return expiresAt !== null && nowMs > expiresAt.getTime();
}

/** Revoked outranks expired: a revoked key stays dead whatever its expiry. */
export function keyStatus(record: Pick<KeyRecord, 'isActive' | 'expiresAt'>, nowMs: number): KeyStatus {
  if (!record.isActive) return 'revoked';
  return isExpired(record.expiresAt, nowMs) ? 'expired' : 'active';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
