import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import bcrypt from 'bcryptjs';
import type pg from 'pg';
import { closeServer, listenOnLoopback } from './loopback.ts';

/**
 * SEL's server-side key validation written again from sel-api-contract.md §2.1 and §2.3, without
 * any of src/keys, so that a key `api-key create` writes is judged by SEL's rules, not ours.
 */
export async function selAccepts(pool: pg.Pool, authorization: string, nowMs: number): Promise<{ role: string } | 'invalid'> {
  const fields = authorization.trim().split(/\s+/);
  if (fields.length !== 2 || fields[0]!.toLowerCase() !== 'bearer') return 'invalid';
  const key = fields[1]!;
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length < 8) return 'invalid';
  const prefix = bytes.subarray(0, 8).toString('utf8');
  const { rows } = await pool.query(
    'SELECT id, prefix, key_hash, hash_version, name, source_id, role, rate_limit_tier, is_active, expires_at FROM api_keys WHERE prefix=$1 LIMIT 1',
    [prefix],
  );
  const row = rows[0] as { key_hash: string; hash_version: number; role: string; is_active: boolean; expires_at: Date | null } | undefined;
  if (!row) return 'invalid';
  if (!row.is_active) return 'invalid';
  if (row.expires_at && nowMs > row.expires_at.getTime()) return 'invalid';
  if (row.hash_version === 1) {
    const hex = Buffer.from(createHash('sha256').update(key).digest('hex'));
    const stored = Buffer.from(row.key_hash);
    return hex.length === stored.length && timingSafeEqual(hex, stored) ? { role: row.role } : 'invalid';
  }
  if (row.hash_version === 2) return bcrypt.compareSync(key, row.key_hash) ? { role: row.role } : 'invalid';
  return 'invalid';
}

/**
 * SEL's token exchange (POST /api/v1/auth/token) on 127.0.0.1, judging keys against a test
 * database with `selAccepts`: 200 for an admin key, 403 for an agent key, 401 otherwise, as the
 * preflight of `scrape all` and `api-key check` meet it. `mode` plays the failures a rotation
 * must survive: a server reading another database (every key 401) or one that is down (500).
 */
export class DatabaseBackedSel {
  mode: 'normal' | 'other-database' | 'down' = 'normal';
  readonly seen: string[] = [];
  url = '';
  private server: Server | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly nowMs: number,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void (async () => {
        for await (const _chunk of req);
        const auth = req.headers.authorization ?? '';
        this.seen.push(auth.split(/\s+/)[1]?.slice(0, 8) ?? '');
        if (req.url !== '/api/v1/auth/token' || req.method !== 'POST') return res.writeHead(404).end();
        if (this.mode === 'down')
          return res.writeHead(500, { 'content-type': 'application/problem+json' }).end('{"title":"Internal Server Error","status":500}');
        const verdict = this.mode === 'other-database' ? 'invalid' : await selAccepts(this.pool, auth, this.nowMs);
        if (verdict === 'invalid') return res.writeHead(401, { 'content-type': 'application/problem+json' }).end('{"title":"Unauthorized","status":401}');
        if (verdict.role !== 'admin')
          return res.writeHead(403, { 'content-type': 'application/problem+json' }).end('{"title":"Admin API key required","status":403}');
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ token: 'jwt.test', expires_at: new Date(this.nowMs + 3_600_000).toISOString() }));
      })();
    });
    this.url = await listenOnLoopback(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
