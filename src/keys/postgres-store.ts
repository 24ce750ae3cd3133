import pg from 'pg';
import { SelScraperError } from '../errors.ts';
import { generateApiKey, KEY_ROLES, type KeyRecord, type KeyRole, type RandomBytes } from './api-key.ts';
import type { DatabaseTarget } from './database-url.ts';
import type { StoredKey } from './key-check.ts';
import { HASH_VERSION_BCRYPT, hashKey, SEL_BCRYPT_COST } from './key-hash.ts';
import type { CreatedKey, KeyStore, NewKey } from './key-store.ts';
import { keyPrefix, redactSecrets, type MessageSecrets } from './redact.ts';

export interface PostgresKeyStoreOptions {
  target: DatabaseTarget;
  now: () => number;
  random?: RandomBytes;
  /** SEL uses 12; only tests pass less. */
  bcryptCost?: number;
  /** SEL's own CLI gives the database 10 s. */
  timeoutMs?: number;
}

/** A random 48-bit prefix collides about never; a few tries guard against an unlucky draw. */
const CREATE_ATTEMPTS = 5;
const DAY_MS = 86_400_000;

const PUBLIC_COLUMNS = 'id, prefix, name, source_id, role, is_active, created_at, last_used_at, expires_at';

interface KeyRow {
  id: string;
  prefix: string;
  name: string;
  source_id: string | null;
  role: string;
  is_active: boolean;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
}

interface StoredKeyRow extends KeyRow {
  key_hash: string;
  hash_version: number;
}

/**
 * SEL's `api_keys` table (contract §4.4), written the way the server reads it: prefix = the
 * key's first 8 characters, bcrypt cost 12, hash_version 2, is_active and rate_limit_tier left
 * to their defaults. One connection per command: a CLI run makes a handful of queries.
 */
export class PostgresKeyStore implements KeyStore {
  readonly label: string;

  private constructor(
    private readonly client: pg.Client,
    private readonly options: PostgresKeyStoreOptions,
  ) {
    this.label = `database ${options.target.label}`;
  }

  static async connect(options: PostgresKeyStoreOptions): Promise<PostgresKeyStore> {
    const timeout = options.timeoutMs ?? 10_000;
    const client = new pg.Client({
      connectionString: options.target.connectionString,
      connectionTimeoutMillis: timeout,
      query_timeout: timeout,
      application_name: 'sel-scraper api-key',
    });
    // A connection dropped between queries is reported by the next query; without a listener
    // the 'error' event would crash the process with the raw error instead.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw storeError(error, options.target);
    }
    return new PostgresKeyStore(client, options);
  }

  async create(input: NewKey): Promise<CreatedKey> {
    const expiresAt = input.expiresInDays === undefined ? null : new Date(this.options.now() + input.expiresInDays * DAY_MS);
    for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
      const key = generateApiKey(this.options.random);
      const keyHash = await hashKey(key, this.options.bcryptCost ?? SEL_BCRYPT_COST);
      try {
        const result = await this.client.query<KeyRow>(
          `INSERT INTO api_keys (prefix, key_hash, hash_version, name, source_id, role, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${PUBLIC_COLUMNS}`,
          [keyPrefix(key), keyHash, HASH_VERSION_BCRYPT, input.name, input.sourceId ?? null, input.role, expiresAt],
        );
        const [row] = result.rows;
        if (!row) throw new SelScraperError('ERR_KEY_STORE', `the insert into ${this.label} returned no row`);
        return { key, record: toRecord(row) };
      } catch (error) {
        if (isPrefixCollision(error)) continue;
        if (error instanceof SelScraperError) throw error;
        throw createError(error, input, this.options.target, { keys: [key], others: [keyHash] });
      }
    }
    throw new SelScraperError('ERR_KEY_STORE', `${CREATE_ATTEMPTS} random key prefixes in a row were already taken in ${this.label}`, {
      hint: 'that should never happen with a working random generator; nothing was created',
    });
  }

  async list(): Promise<KeyRecord[]> {
    const result = await this.query<KeyRow>(`SELECT ${PUBLIC_COLUMNS} FROM api_keys ORDER BY created_at DESC, id`, []);
    return result.rows.map(toRecord);
  }

  async revoke(id: string): Promise<void> {
    await this.query('UPDATE api_keys SET is_active = false WHERE id = $1', [id]);
  }

  /** The server's lookup (contract §2.3 step 3): by prefix, whatever the key's state. */
  async lookup(prefix: string): Promise<StoredKey | undefined> {
    const result = await this.query<StoredKeyRow>(`SELECT ${PUBLIC_COLUMNS}, key_hash, hash_version FROM api_keys WHERE prefix = $1 LIMIT 1`, [prefix]);
    const [row] = result.rows;
    return row ? { ...toRecord(row), keyHash: row.key_hash, hashVersion: row.hash_version } : undefined;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }

  private async query<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.client.query<R>(sql, values);
    } catch (error) {
      throw storeError(error, this.options.target);
    }
  }
}

function toRecord(row: KeyRow): KeyRecord {
  if (!(KEY_ROLES as readonly string[]).includes(row.role)) {
    throw new SelScraperError('ERR_KEY_STORE', `key ${row.id} has role "${row.role}", which SEL does not define`);
  }
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    role: row.role as KeyRole,
    sourceId: row.source_id,
    isActive: row.is_active,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}

function isPrefixCollision(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '23505' && (error.constraint ?? '').includes('prefix');
}

/** What the insert can hit that is the user's to fix, not the database's. */
function createError(error: unknown, input: NewKey, target: DatabaseTarget, secrets: MessageSecrets): SelScraperError {
  if (error instanceof pg.DatabaseError && error.code === '23503' && input.sourceId !== undefined) {
    return new SelScraperError('ERR_USAGE', `no source with id ${input.sourceId} in ${target.label}`, {
      hint: "pass the id of an existing row in SEL's sources table, or leave --source-id out",
    });
  }
  return storeError(error, target, secrets);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOENT']);

/** SQLSTATEs with a cause worth naming; anything else is reported by its code alone. */
const SQLSTATE_MEANING: Record<string, { message: string; hint: string }> = {
  '28P01': { message: 'refused the login', hint: 'check the user and password in DATABASE_URL' },
  '28000': { message: 'refused the login', hint: "check the user in DATABASE_URL and the server's pg_hba.conf" },
  '3D000': { message: 'has no such database', hint: 'check the database name at the end of DATABASE_URL' },
  '42P01': { message: 'has no api_keys table', hint: "is this SEL's database, with its migrations applied?" },
  '42703': { message: 'has an api_keys table without a column SEL needs', hint: "apply all of SEL's migrations (the server does it at start-up)" },
  '42501': { message: 'denied access to api_keys', hint: 'use the same database user as the SEL server' },
  '23514': { message: 'refused the row (a CHECK constraint)', hint: '--role must be agent or admin' },
  '57P01': { message: 'is shutting down', hint: 'try again once it is back' },
  '57P03': { message: 'is starting up', hint: 'try again in a moment' },
};

/**
 * A pg error as a message that can be shown: the database's own message and detail are dropped
 * because they can quote the row being written (key hash included) or a parameter, and the
 * error is not attached as a cause so that nothing prints it later.
 */
function storeError(error: unknown, target: DatabaseTarget, secrets: MessageSecrets = {}): SelScraperError {
  if (error instanceof SelScraperError) return error;
  const at = `the database at ${target.label}`;
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? 'unknown';
    const known = SQLSTATE_MEANING[code];
    if (known) return new SelScraperError('ERR_KEY_STORE', `${at} ${known.message} (${code})`, { hint: known.hint });
    return new SelScraperError('ERR_KEY_STORE', `${at} answered with error ${code}`, {
      hint: 'SQLSTATE codes are listed at https://www.postgresql.org/docs/current/errcodes-appendix.html',
    });
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new SelScraperError('ERR_KEY_STORE', `cannot reach ${at} (${code})`, {
      hint: 'is PostgreSQL running, and does DATABASE_URL (or --database-url) point at it?',
    });
  }
  // Errors raised by the pg driver itself (timeouts, TLS, a dropped connection) quote no data.
  const message = redactSecrets(error instanceof Error ? error.message : String(error), {
    keys: secrets.keys ?? [],
    others: [...target.secrets, ...(secrets.others ?? [])],
  });
  return new SelScraperError('ERR_KEY_STORE', `cannot use ${at}: ${message}`, {
    hint: 'is PostgreSQL running, and does DATABASE_URL (or --database-url) point at it?',
  });
}
