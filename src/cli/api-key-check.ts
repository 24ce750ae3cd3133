import { SelScraperError } from '../errors.ts';
import { createNetwork } from '../fetch/network.ts';
import type { KeyRecord, KeyRole } from '../keys/api-key.ts';
import type { DatabaseTarget } from '../keys/database-url.ts';
import { checkKey, type KeyVerdict } from '../keys/key-check.ts';
import { PostgresKeyStore } from '../keys/postgres-store.ts';
import { describeKey } from '../keys/redact.ts';
import { chooseStore } from '../keys/store-choice.ts';
import { EXIT, exitCodeForError } from '../report/exit-codes.ts';
import { interactiveSelClient } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import type { CheckKeyFlags } from './api-key.ts';
import { describeRecord, formatTimestamp, keyJson } from './api-key-render.ts';
import { guardSecrets, keyCommandEnvironment, secretsOf } from './api-key-store.ts';
import type { CliDeps } from './io.ts';

interface Outcome {
  valid: boolean;
  /** Stable for scripts: `ok`, or a KeyVerdict reason, or `rejected` when the server will not say. */
  reason: string;
  message: string;
  hint?: string;
  role?: KeyRole;
  record?: KeyRecord;
}

/**
 * `api-key check`: would SEL accept this key? Against the database it replays the server's
 * validation and names the step that fails; against a server it can only run the preflight,
 * which tells valid from invalid and agent from admin, never why.
 */
export async function checkApiKey(flags: CheckKeyFlags, deps: CliDeps): Promise<number> {
  const env = keyCommandEnvironment(deps);
  const key = flags.key || env.SEL_API_KEY || env.SEL_INGEST_KEY;
  if (!key) {
    throw new SelScraperError('ERR_KEY_MISSING', 'no key to check', { hint: 'pass --key, or set SEL_API_KEY (or SEL_INGEST_KEY) in the environment or .env' });
  }
  const choice = chooseStore(flags, env);
  const outcome = await guardSecrets(
    () => [key, ...secretsOf(choice, env)],
    () => (choice.kind === 'database' ? checkInDatabase(key, choice.target, deps) : checkWithServer(key, choice.serverUrl, deps)),
  );
  const store = choice.kind === 'database' ? `database ${choice.target.label}` : `server ${choice.serverUrl}`;
  if (flags.json) {
    const { record, ...rest } = outcome;
    deps.stdout.write(JSON.stringify({ store, key: describeKey(key), ...rest, ...(record ? { record: keyJson(record, deps.clock.now()) } : {}) }) + '\n');
  } else {
    deps.stdout.write(`${outcome.valid ? '✓' : '✗'} ${outcome.message}\n  (checked against ${store})\n`);
    if (outcome.hint) deps.stdout.write(`  hint: ${outcome.hint}\n`);
  }
  return outcome.valid ? EXIT.ok : exitCodeForError('ERR_KEY_REJECTED');
}

async function checkInDatabase(key: string, target: DatabaseTarget, deps: CliDeps): Promise<Outcome> {
  const store = await PostgresKeyStore.connect({ target, now: () => deps.clock.now() });
  try {
    const now = deps.clock.now();
    return explain(describeKey(key), await checkKey(key, (prefix) => store.lookup(prefix), now));
  } finally {
    await store.close();
  }
}

const NEW_KEY = 'create a new one with `sel-scraper api-key create <name>` and revoke this one';

function explain(label: string, verdict: KeyVerdict): Outcome {
  if (verdict.valid) {
    const { key } = verdict;
    const expiry = key.expiresAt ? `expires ${formatTimestamp(key.expiresAt)}` : 'no expiry';
    return {
      valid: true,
      reason: 'ok',
      role: key.role,
      record: key,
      message: `key ${label} is valid: ${describeRecord(key)}, ${expiry}`,
      ...(key.role === 'admin' ? { hint: 'this is an admin key: use it for key administration and scrape with an agent key' } : {}),
    };
  }
  const rejected = `key ${label} would be rejected by SEL:`;
  switch (verdict.reason) {
    case 'malformed':
      return { valid: false, reason: verdict.reason, message: `${rejected} ${verdict.detail}`, hint: 'copy the key again, without quotes or surrounding spaces' };
    case 'unknown-prefix':
      return {
        valid: false,
        reason: verdict.reason,
        message: `${rejected} no key has the prefix ${verdict.prefix}`,
        hint: 'the first 8 characters are mistyped, or the key belongs to another SEL database (is DATABASE_URL the one the server uses?)',
      };
    case 'revoked':
    case 'expired': {
      const what = verdict.reason === 'revoked' ? 'was revoked' : `expired at ${verdict.key.expiresAt ? formatTimestamp(verdict.key.expiresAt) : '?'}`;
      const same = verdict.secretMatches ? '' : ' (and the rest of the key does not match it either: a mistyped key?)';
      return { valid: false, reason: verdict.reason, record: verdict.key, message: `${rejected} ${describeRecord(verdict.key)} ${what}${same}`, hint: NEW_KEY };
    }
    case 'unsupported-hash-version':
      return {
        valid: false,
        reason: verdict.reason,
        record: verdict.key,
        message: `${rejected} ${describeRecord(verdict.key)} has hash_version ${verdict.hashVersion}; SEL knows 1 (SHA-256) and 2 (bcrypt)`,
        hint: NEW_KEY,
      };
    case 'wrong-secret':
      return {
        valid: false,
        reason: verdict.reason,
        record: verdict.key,
        message: `${rejected} its prefix belongs to ${describeRecord(verdict.key)}, but the rest of the key does not match`,
        hint: 'the key is mistyped or truncated after its first 8 characters; copy it again, or ' + NEW_KEY,
      };
  }
}

async function checkWithServer(key: string, serverUrl: string, deps: CliDeps): Promise<Outcome> {
  const network = createNetwork({ dispatcher: deps.dispatcher, connections: 2 });
  const client = interactiveSelClient({ baseUrl: serverUrl, apiKey: key, fetch: network.selFetch, clock: deps.clock, userAgent: USER_AGENT });
  const label = describeKey(key);
  try {
    const preflight = await client.preflight(deps.signal);
    if (preflight.role === 'agent') {
      return { valid: true, reason: 'ok', role: 'agent', message: `key ${label} is valid: an agent key, right for scraping` };
    }
    return {
      valid: true,
      reason: 'ok',
      role: 'admin',
      message: `key ${label} is valid: an admin key`,
      hint: '`scrape all` refuses admin keys unless --allow-admin-key; scrape with an agent key',
    };
  } catch (error) {
    if (error instanceof SelScraperError && error.code === 'ERR_KEY_REJECTED') {
      return {
        valid: false,
        reason: 'rejected',
        message: `key ${label} is rejected by the server (401): it is unknown, revoked, expired or mistyped, and the server does not say which`,
        hint: 'run the check against SEL\'s database (--database-url or DATABASE_URL) to learn which',
      };
    }
    if (error instanceof SelScraperError && error.code === 'ERR_SERVER_UNREACHABLE') {
      throw new SelScraperError('ERR_KEY_STORE', error.message, error.hint ? { hint: error.hint } : {});
    }
    throw error;
  } finally {
    await network.close();
  }
}
