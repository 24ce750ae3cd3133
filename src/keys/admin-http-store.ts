import { z } from 'zod';
import { describeError, SelScraperError } from '../errors.ts';
import type { FetchLike } from '../fetch/fetch-like.ts';
import { exchangeWithServer } from '../fetch/server-answer.ts';
import { KEY_ROLES, type KeyRecord } from './api-key.ts';
import type { CreatedKey, KeyStore, NewKey } from './key-store.ts';
import { describeKey, redactSecrets } from './redact.ts';

/**
 * The admin key's token exchange (`POST /api/v1/auth/token`), which the SEL client makes as its
 * key preflight; it throws SelScraperErrors (ERR_KEY_REJECTED, ERR_SERVER_UNREACHABLE, …).
 */
export type AdminTokenExchange = () => Promise<{ role: 'agent' } | { role: 'admin'; token: string }>;

export interface AdminHttpKeyStoreOptions {
  serverUrl: string;
  adminKey: string;
  fetch: FetchLike;
  exchangeToken: AdminTokenExchange;
  userAgent: string;
  timeoutMs?: number;
}

const timestamp = z.string().transform((s, ctx) => {
  const date = new Date(s);
  if (Number.isNaN(date.getTime())) ctx.addIssue({ code: 'custom', message: `not a timestamp: ${s}` });
  return date;
});

/** `GET /api/v1/admin/api-keys` items (contract §4.2): snake_case, nulls as JSON null. */
const listedKey = z.object({
  id: z.string(),
  prefix: z.string(),
  name: z.string(),
  source_id: z.string().nullable(),
  role: z.enum(KEY_ROLES),
  is_active: z.boolean(),
  created_at: timestamp,
  last_used_at: timestamp.nullable(),
  expires_at: timestamp.nullable(),
});
const listAnswer = z.object({ items: z.array(listedKey) });

/** `POST /api/v1/admin/api-keys` 201: the key and its prefix, but no id. */
const createAnswer = z.object({ api_key: z.string(), prefix: z.string() });

interface Answer {
  status: number;
  body: unknown;
}

/**
 * SEL's admin HTTP API (contract §4.2). The admin key is exchanged once for a short-lived admin
 * JWT (`POST /api/v1/auth/token`, the same call as the scraper's preflight); the admin routes
 * accept only that JWT, never the key itself.
 */
export class AdminHttpKeyStore implements KeyStore {
  readonly label: string;
  private readonly base: string;

  private constructor(
    private readonly options: AdminHttpKeyStoreOptions,
    private readonly token: string,
  ) {
    this.base = options.serverUrl.replace(/\/+$/, '');
    this.label = `server ${this.base}`;
  }

  static async connect(options: AdminHttpKeyStoreOptions): Promise<AdminHttpKeyStore> {
    const label = describeKey(options.adminKey);
    let preflight;
    try {
      preflight = await options.exchangeToken();
    } catch (error) {
      if (!(error instanceof SelScraperError)) throw error;
      if (error.code === 'ERR_KEY_REJECTED') {
        throw new SelScraperError('ERR_KEY_REJECTED', `the SEL server rejected admin key ${label} (401)`, {
          hint: 'it is unknown, revoked, expired or mistyped; pass --admin-key or set SEL_ADMIN_API_KEY to a valid admin key',
        });
      }
      throw new SelScraperError(error.code === 'ERR_SERVER_UNREACHABLE' ? 'ERR_KEY_STORE' : error.code, error.message, error.hint ? { hint: error.hint } : {});
    }
    if (preflight.role !== 'admin') {
      throw new SelScraperError('ERR_KEY_REJECTED', `key ${label} is an agent key; managing keys needs an admin key`, {
        hint: 'pass --admin-key or set SEL_ADMIN_API_KEY to an admin key, or use the database store (--database-url)',
      });
    }
    return new AdminHttpKeyStore(options, preflight.token);
  }

  async create(input: NewKey): Promise<CreatedKey> {
    const body = {
      name: input.name,
      role: input.role,
      ...(input.sourceId === undefined ? {} : { source_id: input.sourceId }),
      ...(input.expiresInDays === undefined ? {} : { expires_in_days: input.expiresInDays }),
    };
    const answer = await this.call('POST', '/api/v1/admin/api-keys', body, 'create the key');
    const created = this.expect(answer, 201, 'create the key', createAnswer);
    if (!created.api_key.startsWith(created.prefix)) {
      throw new SelScraperError('ERR_SERVER_RESPONSE', `the server's new key does not start with its prefix ${created.prefix}`, {
        hint: `revoke it with \`sel-scraper api-key revoke ${created.prefix}\` and report this`,
      });
    }
    // The create answer has no id: the list is the only place to learn it (contract §4.2).
    const listed = await this.list().catch((error: unknown) => {
      if (!(error instanceof SelScraperError)) throw error;
      throw new SelScraperError(
        error.code,
        `${error.message} (after creating a key with prefix ${created.prefix}, which is not shown since its id is unknown)`,
        {
          hint: `revoke it with \`sel-scraper api-key revoke ${created.prefix}\` once the server answers again`,
        },
      );
    });
    const record = listed.find((r) => r.prefix === created.prefix);
    if (!record) {
      throw new SelScraperError('ERR_SERVER_RESPONSE', `the server created a key with prefix ${created.prefix} but does not list it`, {
        hint: `the key is not shown since its id is unknown; revoke it with \`sel-scraper api-key revoke ${created.prefix}\` once it appears`,
      });
    }
    return { key: created.api_key, record };
  }

  async list(): Promise<KeyRecord[]> {
    const answer = await this.call('GET', '/api/v1/admin/api-keys', undefined, 'list keys');
    return this.expect(answer, 200, 'list keys', listAnswer).items.map((item) => ({
      id: item.id,
      prefix: item.prefix,
      name: item.name,
      role: item.role,
      sourceId: item.source_id,
      isActive: item.is_active,
      createdAt: item.created_at,
      lastUsedAt: item.last_used_at,
      expiresAt: item.expires_at,
    }));
  }

  /** The server answers 204 even for unknown ids, so existence is the caller's check (via list). */
  async revoke(id: string): Promise<void> {
    const answer = await this.call('DELETE', `/api/v1/admin/api-keys/${encodeURIComponent(id)}`, undefined, 'revoke the key');
    if (answer.status !== 204) this.refuse(answer, 'revoke the key');
  }

  async close(): Promise<void> {}

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, payload: unknown, action: string): Promise<Answer> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const { fetch, userAgent } = this.options;
    const exchange = await exchangeWithServer({ fetch, method, url: this.base + path, bearer: this.token, userAgent, payload, timeoutMs });
    if (exchange.ok) return { status: exchange.status, body: exchange.body };
    const { error, stage, timedOut } = exchange;
    if (error instanceof SelScraperError) throw error;
    // Before an answer, a socket error's code (ECONNREFUSED) says more than undici's "fetch failed".
    const code = stage === 'send' ? (error as { cause?: { code?: string } }).cause?.code : undefined;
    const cause = timedOut ? `no answer within ${timeoutMs / 1000} s` : (code ?? this.safe(describeError(error)));
    if (stage === 'send') {
      throw new SelScraperError('ERR_KEY_STORE', `cannot reach the SEL server at ${this.base} to ${action}: ${cause}`, {
        hint: 'check --server (or SEL_SERVER_URL) and your network',
      });
    }
    throw new SelScraperError('ERR_KEY_STORE', `the SEL server at ${this.base} did not finish its answer to ${action}: ${cause}`, {
      hint: 'check --server (or SEL_SERVER_URL) and your network; run the command again',
    });
  }

  private expect<T>(answer: Answer, status: number, action: string, schema: z.ZodType<T>): T {
    if (answer.status !== status) this.refuse(answer, action);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      throw new SelScraperError(
        'ERR_SERVER_RESPONSE',
        `unexpected answer from ${this.base} when trying to ${action}: ${z.prettifyError(parsed.error).split('\n')[0] ?? ''}`,
        {
          hint: 'is --server (or SEL_SERVER_URL) the base URL of a SEL server?',
        },
      );
    }
    return parsed.data;
  }

  private refuse(answer: Answer, action: string): never {
    const problem = this.safe(problemText(answer));
    const message = `the SEL server refused to ${action}: ${problem}`;
    if (answer.status === 401 || answer.status === 403) {
      throw new SelScraperError('ERR_KEY_REJECTED', message, {
        hint: 'the admin token was refused; it lives 60 minutes and dies with a changed JWT secret: run the command again',
      });
    }
    if (answer.status === 400) throw new SelScraperError('ERR_USAGE', message, { hint: 'check the values passed on the command line' });
    if (answer.status >= 500) {
      throw new SelScraperError('ERR_KEY_STORE', message, {
        hint:
          action === 'create the key'
            ? 'SEL answers 500 when the database refuses the row: does --source-id name an existing source?'
            : 'the server failed; its log has the cause',
      });
    }
    throw new SelScraperError('ERR_SERVER_RESPONSE', message, { hint: 'is --server (or SEL_SERVER_URL) the base URL of a SEL server?' });
  }

  /** Problem texts come from the server; keep the admin key and token out of them regardless. */
  private safe(text: string): string {
    return redactSecrets(text, { keys: [this.options.adminKey], others: [this.token] });
  }
}

function problemText(answer: Answer): string {
  const body = answer.body as { title?: unknown; detail?: unknown } | undefined;
  const title = typeof body?.title === 'string' ? body.title : '';
  const detail = typeof body?.detail === 'string' && body.detail !== title ? `: ${body.detail}` : '';
  return `HTTP ${answer.status} ${title}${detail}`.trim();
}
