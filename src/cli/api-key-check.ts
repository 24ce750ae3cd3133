import { SelScraperError } from '../errors.ts';
import type { KeyRecord, KeyRole } from '../keys/api-key.ts';
import type { DatabaseTarget } from '../keys/database-url.ts';
import { checkKey, type KeyVerdict } from '../keys/key-check.ts';
import { PostgresKeyStore } from '../keys/postgres-store.ts';
import { describeKey } from '../keys/redact.ts';
import { chooseStore, serverBeside } from '../keys/store-choice.ts';
import { EXIT, exitCodeForError } from '../report/exit-codes.ts';
import type { CheckKeyFlags } from './api-key.ts';
import { describeRecord, formatTimestamp, keyJson } from './api-key-render.ts';
import { checkKeyWithServer } from './api-key-server-check.ts';
import { guardSecrets, secretsOf } from './api-key-store.ts';
import { commandEnvironment } from './secrets.ts';
import { keyFromFlags } from './secrets.ts';
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
  const env = commandEnvironment(deps);
  const key = (await keyFromFlags(flags, deps)) || env.SEL_API_KEY || env.SEL_INGEST_KEY;
  if (!key) {
    throw new SelScraperError('ERR_KEY_MISSING', 'no key to check', { hint: 'pass --key, or set SEL_API_KEY (or SEL_INGEST_KEY) in the environment or .env' });
  }
  // With a database and a server both known, the database explains and the server confirms.
  const choice = chooseStore({ ...flags, ...(flags.databaseUrl ? { server: undefined } : {}) }, env);
  const crossCheck = choice.kind === 'database' ? serverBeside(flags, env) : undefined;
  const outcome = await guardSecrets(
    () => {
      const known = secretsOf(choice, env);
      return { ...known, keys: [key, ...(known.keys ?? [])] };
    },
    async () => {
      if (choice.kind === 'server') return checkWithServer(key, choice.serverUrl, deps);
      const inDatabase = await checkInDatabase(key, choice.target, deps);
      return inDatabase.valid && crossCheck ? confirmWithServer(inDatabase, key, crossCheck, choice.target.label, deps) : inDatabase;
    },
  );
  const store = choice.kind === 'database' ? `database ${choice.target.label}${crossCheck ? ` and server ${crossCheck}` : ''}` : `server ${choice.serverUrl}`;
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
      return {
        valid: false,
        reason: verdict.reason,
        message: `${rejected} ${verdict.detail}`,
        hint: 'copy the key again, without quotes or surrounding spaces',
      };
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

/**
 * SEL's key guide has a case of its own: the database holds the key, active and matching, yet
 * the server answers 401. SEL looks keys up on every request (no cache, contract §2.3), so the
 * server is not reading this database (another DATABASE_URL, another server behind the URL), or
 * something between strips the Authorization header.
 */
async function confirmWithServer(inDatabase: Outcome, key: string, serverUrl: string, databaseLabel: string, deps: CliDeps): Promise<Outcome> {
  const verdict = await checkKeyWithServer(key, serverUrl, deps);
  if (verdict === inDatabase.role) return { ...inDatabase, message: `${inDatabase.message}; the server accepts it` };
  if (verdict === 'rejected') {
    return {
      ...inDatabase,
      valid: false,
      reason: 'not-picked-up',
      message: `key ${describeKey(key)} is valid and active in database ${databaseLabel}, but the server ${serverUrl} answers 401: the server has not picked up this key`,
      hint: "SEL's key guide says to restart the server or wait for its cache, but SEL reads keys from its database on every request: check that the server uses this database (its DATABASE_URL) and that no proxy strips the Authorization header",
    };
  }
  return {
    ...inDatabase,
    valid: false,
    reason: 'role-mismatch',
    message: `key ${describeKey(key)} is ${inDatabase.role ?? '?'} in database ${databaseLabel}, but the server ${serverUrl} sees it as ${verdict}: the server is not reading this database`,
    hint: 'check that the server uses this database (its DATABASE_URL)',
  };
}

async function checkWithServer(key: string, serverUrl: string, deps: CliDeps): Promise<Outcome> {
  const label = describeKey(key);
  const verdict = await checkKeyWithServer(key, serverUrl, deps);
  if (verdict === 'agent') return { valid: true, reason: 'ok', role: 'agent', message: `key ${label} is valid: an agent key, right for scraping` };
  if (verdict === 'admin') {
    return {
      valid: true,
      reason: 'ok',
      role: 'admin',
      message: `key ${label} is valid: an admin key`,
      hint: '`scrape all` refuses admin keys unless --allow-admin-key; scrape with an agent key',
    };
  }
  return {
    valid: false,
    reason: 'rejected',
    message: `key ${label} is rejected by the server (401): it is unknown, revoked, expired or mistyped, and the server does not say which`,
    hint: "run the check against SEL's database (--database-url or DATABASE_URL) to learn which",
  };
}
