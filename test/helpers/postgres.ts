import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';

const SCHEMA_SQL = readFileSync(new URL('./sel-schema.sql', import.meta.url), 'utf8');

/** Long enough that redactSecrets handles it, so tests can assert it never reaches output. */
export const TEST_DB_PASSWORD = 'pw-not-for-output-7c1e';

export interface TestDatabase {
  /** A postgres:// URL holding SEL's key tables, reachable over the wire protocol. */
  url: string;
  /** For arranging and inspecting rows; one connection, kept apart from the code under test. */
  pool: pg.Pool;
  /** Empties every table between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL wire endpoint with SEL's schema and no setup on the machine: PGlite (Postgres
 * compiled to WASM) behind pglite-socket on 127.0.0.1 port 0. With TEST_DATABASE_URL set, a
 * throw-away schema on that server is used instead, so CI can run against a native PostgreSQL.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const external = process.env.TEST_DATABASE_URL;
  return external ? inExternalServer(external) : inPglite();
}

/**
 * One PGlite per worker, kept for the files that worker runs next (vitest keeps modules across
 * files here): starting one costs seconds of CPU. Files in one worker run one after another; each
 * file starts and ends with empty tables.
 */
let shared: Promise<{ url: string; pool: pg.Pool }> | undefined;

async function inPglite(): Promise<TestDatabase> {
  shared ??= startPglite();
  const { url, pool } = await shared;
  await truncate(pool);
  return { url, pool, reset: () => truncate(pool), stop: () => truncate(pool) };
}

async function startPglite(): Promise<{ url: string; pool: pg.Pool }> {
  const db = await PGlite.create();
  await db.exec(SCHEMA_SQL);
  // PGlite runs one query at a time; the socket server multiplexes connections onto it, which
  // lets the helper pool, the store under test and a spawned CLI be connected at once. It forgets a
  // closed connection a tick later and refuses past its maximum, so the maximum leaves room for
  // the connections a file opens and closes in quick succession.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  await server.start();
  const url = `postgres://sel:${TEST_DB_PASSWORD}@${server.getServerConn()}/sel`;
  return { url, pool: new pg.Pool({ connectionString: url, max: 1, allowExitOnIdle: true }) };
}

async function inExternalServer(base: string): Promise<TestDatabase> {
  const schema = `sel_scraper_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  await pool.query(SCHEMA_SQL);
  return {
    url: url.toString(),
    pool,
    reset: () => truncate(pool),
    stop: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

async function truncate(pool: pg.Pool): Promise<void> {
  await pool.query('TRUNCATE api_keys, sources, developers CASCADE');
}

export interface KeyRowInput {
  prefix: string;
  keyHash: string;
  hashVersion?: number;
  name?: string;
  role?: 'agent' | 'admin';
  isActive?: boolean;
  expiresAt?: Date | null;
  createdAt?: Date;
  id?: string;
}

/** Inserts a key row the way another producer (SEL's CLI, its test helper) would have. */
export async function insertKeyRow(pool: pg.Pool, row: KeyRowInput): Promise<string> {
  const result = await pool.query<{ id: string }>(
    `INSERT INTO api_keys (id, prefix, key_hash, hash_version, name, role, is_active, expires_at, created_at)
     VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, COALESCE($9, now())) RETURNING id`,
    [
      row.id ?? null,
      row.prefix,
      row.keyHash,
      row.hashVersion ?? 2,
      row.name ?? 'seeded',
      row.role ?? 'agent',
      row.isActive ?? true,
      row.expiresAt ?? null,
      row.createdAt ?? null,
    ],
  );
  return result.rows[0]!.id;
}
