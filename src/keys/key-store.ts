import { SelScraperError } from '../errors.ts';
import { isUuid, type KeyRecord, type KeyRole } from './api-key.ts';
import { describeUserInput } from './redact.ts';

export interface NewKey {
  name: string;
  role: KeyRole;
  expiresInDays?: number;
  sourceId?: string;
}

export interface CreatedKey {
  /** The full key: shown once by `create`, never stored or logged anywhere. */
  key: string;
  record: KeyRecord;
}

/** Where keys live: SEL's database directly, or SEL's admin HTTP API. */
export interface KeyStore {
  /** Names the store for messages, without credentials: "database db.example:5432/sel". */
  readonly label: string;
  create(input: NewKey): Promise<CreatedKey>;
  /** Every key, newest first, revoked and expired ones included. */
  list(): Promise<KeyRecord[]>;
  /** Marks the key revoked; the caller has already checked that it exists. */
  revoke(id: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The checks SEL's CLI makes before inserting, made up front so both stores behave alike: the
 * admin HTTP API would accept an admin key without expiry, the CLI (and we) refuse it.
 */
export function validateNewKey(input: NewKey): NewKey {
  const name = input.name.trim();
  if (name === '')
    throw new SelScraperError('ERR_USAGE', 'a key needs a name', { hint: 'for example: sel-scraper api-key create lakeshore-scraper --role agent' });
  if (/\p{Cc}/u.test(name))
    throw new SelScraperError('ERR_USAGE', 'the key name contains control characters', { hint: 'use letters, digits, spaces and punctuation' });
  if (input.role === 'admin' && input.expiresInDays === undefined) {
    throw new SelScraperError('ERR_USAGE', 'admin keys need an expiry, as SEL requires', {
      hint: 'add --expires-in-days <n>; admin keys can mint admin tokens, so keep them short-lived',
    });
  }
  if (input.sourceId !== undefined && !isUuid(input.sourceId)) {
    throw new SelScraperError('ERR_USAGE', `--source-id "${describeUserInput(input.sourceId)}" is not a UUID`, {
      hint: "pass the id of a row in SEL's sources table",
    });
  }
  return { ...input, name };
}

/** SEL's list prints "1f0c9a2e..."; accept that (and "…") so its output can be pasted too. */
function cleanReference(reference: string): string {
  return reference.trim().replace(/(\.\.\.|…)$/, '');
}

/** Shortest id prefix accepted: as long as SEL's truncated ids, short enough to type. */
const MIN_ID_PREFIX = 8;

/**
 * Finds the key a user means by a full id, a prefix of the id (at least MIN_ID_PREFIX
 * characters) or the key's own 8-character lookup prefix. Unknown or ambiguous references are
 * errors: revoking the wrong key is worse than asking again.
 */
export function findKey(records: readonly KeyRecord[], reference: string): KeyRecord {
  const ref = cleanReference(reference);
  const lower = ref.toLowerCase();
  const exact = records.find((r) => r.id.toLowerCase() === lower);
  if (exact) return exact;
  const matches = records.filter((r) => r.prefix === ref || (ref.length >= MIN_ID_PREFIX && r.id.toLowerCase().startsWith(lower)));
  const [only, ...others] = matches;
  if (!only) {
    throw new SelScraperError('ERR_KEY_NOT_FOUND', `no API key with id or prefix "${describeUserInput(ref)}"`, {
      hint: `run \`sel-scraper api-key list\` and pass a full id, at least ${MIN_ID_PREFIX} characters of one, or a key's 8-character prefix`,
    });
  }
  if (others.length > 0) {
    const candidates = matches.map((r) => `${r.id} (prefix ${r.prefix}, "${r.name}")`).join(', ');
    throw new SelScraperError('ERR_KEY_AMBIGUOUS', `"${describeUserInput(ref)}" matches ${matches.length} keys: ${candidates}`, { hint: 'pass the full id' });
  }
  return only;
}
