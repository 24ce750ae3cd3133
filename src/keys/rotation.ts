import { describeError, SelScraperError, type ErrorCode } from '../errors.ts';
import { keyStatus, type KeyRecord, type KeyRole } from './api-key.ts';
import { envVariableValue, scraperKeyVariable, withEnvVariable } from './env-file.ts';
import { findKey, validateNewKey, type KeyStore, type NewKey } from './key-store.ts';
import { keyPrefix } from './redact.ts';

const DAY_MS = 86_400_000;
/** A name rotated before keeps one suffix, the newest, instead of growing with every rotation. */
const ROTATED_SUFFIX = / \(rotated \d{4}-\d{2}-\d{2}\)$/;

export interface RotationRequest {
  /** The key to replace: a full id, an id prefix or its 8-character key prefix. */
  reference: string;
  /** Name of the new key; default: the old name with a dated suffix. */
  name?: string | undefined;
  /** Lifetime of the new key; default: the old key's lifetime, or none if it had none. */
  expiresInDays?: number | undefined;
  keepOld: boolean;
  /** The env file the new key is written into; without it the key is handed back to be shown once. */
  envFile?: { path: string; variable?: string | undefined } | undefined;
}

/** What the SEL server makes of a key, as a scrape's preflight sees it. */
export type ServerVerdict = KeyRole | 'rejected';

export interface RotationDeps {
  store: KeyStore;
  /** Absent when no server is known: the new key cannot be proven, so the old one is kept. */
  checkWithServer?: ((key: string) => Promise<ServerVerdict>) | undefined;
  readFile: (file: string) => string;
  /** Replaces the file atomically with mode 0600. */
  writeFile: (file: string, text: string) => void;
  now: () => number;
  /** Called with the new key the moment it exists when there is no env file, so it is never only in memory. */
  showNewKey: (key: string, record: KeyRecord) => void;
}

export type RotationStep = 'create' | 'write-env' | 'check' | 'revoke-old';

export interface RotationOutcome {
  completed: boolean;
  /** Stopped and undone: the new key was revoked again and the env file restored. */
  rolledBack: boolean;
  old: KeyRecord;
  /** The new key's record (never the key itself); absent once it was revoked again in a rollback. */
  created?: KeyRecord;
  envFile?: { path: string; variable: string };
  /** The server's answer for the new key, when it was asked. */
  checked?: ServerVerdict;
  oldRevoked: boolean;
  /** Where it stopped, why, how things stand, and what to run next. */
  stoppedAt?: RotationStep;
  problem?: string;
  code?: ErrorCode;
  state: string[];
  next: string[];
}

/**
 * A key rotation in SEL's order, made safe: create the new key with the old one's role, put it
 * where the scraper reads it, prove the server accepts it, and only then revoke the old key.
 * Every check that needs nothing changed runs first. Once the new key exists, a failure stops
 * the rotation in a state that still works: a key the server rejects, or one that could not be
 * written, is revoked again and the env file restored, so nothing is left half done and no key
 * is ever lost (it is in the env file, or shown, before anything else can fail).
 */
export async function rotateKey(request: RotationRequest, deps: RotationDeps, command: string): Promise<RotationOutcome> {
  const old = findKey(await deps.store.list(), request.reference);
  if (!old.isActive) {
    throw new SelScraperError('ERR_USAGE', `API key ${old.prefix} ("${old.name}") is already revoked; there is nothing to rotate`, {
      hint: `create a new key with \`${command} api-key create <name> --role ${old.role}\``,
    });
  }
  const env = request.envFile ? prepareEnvFile(request.envFile, old, deps, command) : undefined;
  const newKey = validateNewKey(newKeyFor(old, request, deps.now()));

  const { key, record } = await deps.store.create(newKey);
  const outcome: RotationOutcome = { completed: false, rolledBack: false, old, created: record, oldRevoked: false, state: [], next: [] };
  const ids = { old: old.id, created: record.id };

  if (env) {
    try {
      deps.writeFile(env.path, withEnvVariable(env.text, env.variable, key));
      outcome.envFile = { path: env.path, variable: env.variable };
    } catch (error) {
      return rollBack(outcome, deps, 'write-env', `cannot write ${env.path}: ${describeError(error)}`, 'ERR_USAGE', undefined, command, ids);
    }
  } else {
    deps.showNewKey(key, record);
  }

  if (!deps.checkWithServer) {
    return stop(outcome, 'check', 'no SEL server to check the new key against (pass --server or set SEL_SERVER_URL)', 'ERR_USAGE', command, ids);
  }
  let verdict: ServerVerdict;
  try {
    verdict = await deps.checkWithServer(key);
  } catch (error) {
    const code = error instanceof SelScraperError ? error.code : 'ERR_SERVER_UNREACHABLE';
    return stop(outcome, 'check', `could not check the new key with the server: ${describeError(error)}`, code, command, ids);
  }
  outcome.checked = verdict;
  if (verdict !== old.role) {
    const problem =
      verdict === 'rejected'
        ? 'the SEL server rejects the new key (401) although the key store holds it; SEL looks keys up on every request, so the server most likely uses another database than this key store'
        : `the SEL server sees the new key as ${verdict}, not ${old.role}`;
    return rollBack(outcome, deps, 'check', problem, 'ERR_KEY_REJECTED', env, command, ids);
  }

  if (request.keepOld) {
    outcome.completed = true;
    outcome.state.push(`new key ${record.prefix} is active and accepted by the server; old key ${old.prefix} is still active (--keep-old)`);
    outcome.next.push(`${command} api-key revoke ${old.id}   # once nothing uses the old key`);
    return outcome;
  }
  try {
    await deps.store.revoke(old.id);
  } catch (error) {
    return stop(
      outcome,
      'revoke-old',
      `could not revoke the old key: ${describeError(error)}`,
      error instanceof SelScraperError ? error.code : 'ERR_KEY_STORE',
      command,
      ids,
    );
  }
  outcome.oldRevoked = true;
  outcome.completed = true;
  outcome.state.push(`new key ${record.prefix} is active and accepted by the server; old key ${old.prefix} is revoked`);
  return outcome;
}

interface PreparedEnv {
  path: string;
  variable: string;
  text: string;
}

/**
 * Reads the env file before anything changes: it must be readable, and the variable must hold
 * the key being rotated (or nothing), so a rotation never overwrites some other key.
 */
function prepareEnvFile(envFile: { path: string; variable?: string | undefined }, old: KeyRecord, deps: RotationDeps, command: string): PreparedEnv {
  let text = '';
  try {
    text = deps.readFile(envFile.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SelScraperError('ERR_USAGE', `cannot read ${envFile.path}: ${describeError(error)}`, {
        hint: 'fix the file or pass another --env-file; nothing was changed',
      });
    }
  }
  const variable = scraperKeyVariable(text, envFile.variable);
  const current = envVariableValue(text, variable);
  if (current && keyPrefix(current) !== old.prefix) {
    throw new SelScraperError(
      'ERR_USAGE',
      `${envFile.path} sets ${variable} to key ${keyPrefix(current)}…, not to the key being rotated (${old.prefix}); nothing was changed`,
      {
        hint: `rotate the key the file holds (\`${command} api-key rotate ${keyPrefix(current)}\`), or pass --env-var for another variable`,
      },
    );
  }
  return { path: envFile.path, variable, text };
}

/** The new key: the old one's role and source, its name with a dated suffix, its lifetime. */
function newKeyFor(old: KeyRecord, request: RotationRequest, nowMs: number): NewKey {
  const day = new Date(nowMs).toISOString().slice(0, 10);
  const lifetimeDays = old.expiresAt ? Math.max(1, Math.ceil((old.expiresAt.getTime() - old.createdAt.getTime()) / DAY_MS)) : undefined;
  const expiresInDays = request.expiresInDays ?? lifetimeDays;
  return {
    name: request.name ?? `${old.name.replace(ROTATED_SUFFIX, '')} (rotated ${day})`,
    role: old.role,
    ...(expiresInDays === undefined ? {} : { expiresInDays }),
    ...(old.sourceId ? { sourceId: old.sourceId } : {}),
  };
}

/** Stops with both keys active: the scraper keeps working with whichever key it holds. */
function stop(
  outcome: RotationOutcome,
  step: RotationStep,
  problem: string,
  code: ErrorCode,
  command: string,
  ids: { old: string; created: string },
): RotationOutcome {
  Object.assign(outcome, { stoppedAt: step, problem, code });
  const where = outcome.envFile ? `it is in ${outcome.envFile.path} (${outcome.envFile.variable})` : 'it was shown above';
  outcome.state.push(`new key ${outcome.created?.prefix ?? '?'} (id ${ids.created}) is active; ${where}`);
  outcome.state.push(`old key ${outcome.old.prefix} (id ${ids.old}) is still active`);
  if (step !== 'revoke-old') outcome.next.push(`${command} api-key check${outcome.envFile ? '' : ' --key <new key>'}   # until the server accepts the new key`);
  outcome.next.push(`${command} api-key revoke ${ids.old}`);
  return outcome;
}

/**
 * Undoes the rotation after the new key turned out unusable: the env file gets its old text
 * back and the new key is revoked, so the old key, still active, is the one in use.
 */
async function rollBack(
  outcome: RotationOutcome,
  deps: RotationDeps,
  step: RotationStep,
  problem: string,
  code: ErrorCode,
  env: PreparedEnv | undefined,
  command: string,
  ids: { old: string; created: string },
): Promise<RotationOutcome> {
  Object.assign(outcome, { stoppedAt: step, problem, code, rolledBack: true });
  if (env && outcome.envFile) {
    try {
      deps.writeFile(env.path, env.text);
      delete outcome.envFile;
      outcome.state.push(`${env.path} is back as it was (old key ${outcome.old.prefix})`);
    } catch (error) {
      outcome.state.push(`${env.path} could not be restored (${describeError(error)}): it holds the new key ${outcome.created?.prefix ?? '?'}`);
      outcome.next.push(`put the old key (${outcome.old.prefix}…) back into ${env.path} as ${env.variable}`);
    }
  }
  try {
    await deps.store.revoke(ids.created);
    outcome.state.push(`new key ${outcome.created?.prefix ?? '?'} was revoked again`);
    delete outcome.created;
  } catch (error) {
    outcome.state.push(`new key ${outcome.created?.prefix ?? '?'} (id ${ids.created}) could not be revoked: ${describeError(error)}`);
    outcome.next.push(`${command} api-key revoke ${ids.created}`);
  }
  outcome.state.push(`old key ${outcome.old.prefix} (id ${ids.old}) is still active and unchanged`);
  if (code === 'ERR_KEY_REJECTED') outcome.next.push(`${command} api-key check --database-url … --server …   # compare what the key store and the server see`);
  return outcome;
}

/** Keys worth a look in `list`: old enough to rotate, or about to expire. */
export interface KeyAgeFlags {
  ageDays: number;
  rotationDue: boolean;
  expiresSoon: boolean;
}

export function keyAgeFlags(record: KeyRecord, nowMs: number, limits: { maxAgeDays: number; expiryWarningDays: number }): KeyAgeFlags {
  const ageDays = Math.max(0, Math.floor((nowMs - record.createdAt.getTime()) / DAY_MS));
  const active = keyStatus(record, nowMs) === 'active';
  const expiresSoon = active && record.expiresAt !== null && record.expiresAt.getTime() - nowMs <= limits.expiryWarningDays * DAY_MS;
  return { ageDays, rotationDue: active && ageDays >= limits.maxAgeDays, expiresSoon };
}
