import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.ts';

/** A row of the fake's api_keys table, in the admin list's snake_case. */
export interface FakeKeyRow {
  id: string;
  prefix: string;
  name: string;
  source_id: string | null;
  role: string;
  rate_limit_tier: string;
  is_active: boolean;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export interface FakeAdminRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * SEL's admin key API on 127.0.0.1 as sel-api-contract.md §2.4, §3 and §4.2 describe it: the
 * token exchange (200 admin / 403 agent / 401 otherwise), admin routes that accept only the
 * issued JWT, a create answer without id, an unpaginated snake_case list, DELETE 204 always.
 */
export class FakeSelAdmin {
  readonly requests: FakeAdminRequest[] = [];
  readonly rows: FakeKeyRow[] = [];
  private readonly tokens = new Set<string>();
  private server: Server | undefined;
  url = '';
  /** Makes the key list answer 500, as a server whose database is failing would. */
  failList = false;

  /** Keys the token exchange knows (full key → role); keys created through the API join it. */
  constructor(private readonly keys: Map<string, 'agent' | 'admin'> = new Map()) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.url = await listenOnLoopback(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  reset(): void {
    this.requests.length = 0;
    this.rows.length = 0;
    this.failList = false;
  }

  seed(row: Partial<FakeKeyRow> & { prefix: string; name: string }): FakeKeyRow {
    const full: FakeKeyRow = {
      id: randomUUID(),
      source_id: null,
      role: 'agent',
      rate_limit_tier: 'agent',
      is_active: true,
      created_at: new Date().toISOString(),
      last_used_at: null,
      expires_at: null,
      ...row,
    };
    this.rows.unshift(full);
    return full;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
    if (path === '/api/v1/auth/token' && req.method === 'POST') return this.exchange(req, res);
    if (path === '/api/v1/admin/api-keys' || path.startsWith('/api/v1/admin/api-keys/')) {
      const header = req.headers.authorization ?? '';
      // SEL's JWT middleware matches "Bearer " case-sensitively and knows nothing of API keys.
      if (!header.startsWith('Bearer ') || !this.tokens.has(header.slice(7))) return problem(res, 401, 'Invalid token', 'Unauthorized');
      if (path === '/api/v1/admin/api-keys' && req.method === 'GET') {
        return this.failList ? problem(res, 500, 'Failed to list API keys', 'Internal Server Error') : json(res, 200, { items: this.rows });
      }
      if (path === '/api/v1/admin/api-keys' && req.method === 'POST') return this.create(body, res);
      if (req.method === 'DELETE') return this.revoke(path.slice('/api/v1/admin/api-keys/'.length), res);
      res.writeHead(405).end();
      return;
    }
    problem(res, 404, 'Not Found', 'Not Found');
  }

  private exchange(req: IncomingMessage, res: ServerResponse): void {
    const [scheme, key, ...rest] = (req.headers.authorization ?? '').split(/\s+/);
    const role = scheme?.toLowerCase() === 'bearer' && key && rest.length === 0 ? this.keys.get(key) : undefined;
    if (!role) {
      res.setHeader('www-authenticate', 'Bearer');
      return problem(res, 401, 'Unauthorized', 'Unauthorized');
    }
    if (role !== 'admin') return problem(res, 403, 'Admin API key required', 'Forbidden');
    const token = `jwt.${randomBytes(24).toString('base64url')}`;
    this.tokens.add(token);
    json(res, 200, { token, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
  }

  private create(body: string, res: ServerResponse): void {
    const input = JSON.parse(body || '{}') as { name?: string; role?: string; source_id?: string; expires_in_days?: number };
    if (!input.name) return problem(res, 400, 'Name is required', 'Bad Request');
    if (input.source_id !== undefined && !UUID.test(input.source_id)) return problem(res, 400, 'Invalid source ID', 'Bad Request');
    const role = input.role ?? 'agent';
    if (role !== 'agent' && role !== 'admin') return problem(res, 500, 'Failed to create API key', 'Internal Server Error');
    // base64.URLEncoding of 32 random bytes, padding included: SEL's admin key format.
    const key = randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    const expiresAt = input.expires_in_days && input.expires_in_days > 0 ? new Date(Date.now() + input.expires_in_days * 86_400_000).toISOString() : null;
    this.seed({ prefix: key.slice(0, 8), name: input.name, role, source_id: input.source_id ?? null, expires_at: expiresAt });
    this.keys.set(key, role);
    json(res, 201, {
      api_key: key,
      prefix: key.slice(0, 8),
      name: input.name,
      role,
      ...(expiresAt ? { expires_at: expiresAt } : {}),
      warning: 'IMPORTANT: Save this API key now. It will not be shown again.',
    });
  }

  private revoke(id: string, res: ServerResponse): void {
    if (!UUID.test(id)) return problem(res, 400, 'Invalid UUID', 'Bad Request');
    const row = this.rows.find((r) => r.id === id);
    if (row) row.is_active = false;
    res.writeHead(204).end();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res
    .writeHead(status, { 'content-type': 'application/problem+json' })
    .end(JSON.stringify({ type: `https://sel.events/problems/${status === 401 ? 'unauthorized' : 'error'}`, title, status, detail }));
}
