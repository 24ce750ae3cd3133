import { readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { describeError, SelScraperError } from '../errors.ts';
import { serverBaseUrl } from '../http-url.ts';

export type Env = Record<string, string | undefined>;

/**
 * The environment a command sees: the process environment over a `.env` in the working
 * directory (the process wins, as with every dotenv-style tool). Parsed, never injected into
 * process.env, and never logged, so JSON on stdout stays clean and keys stay out of logs.
 */
export function loadEnvironment(processEnv: Env, cwd: string): Env {
  let fromFile: Env = {};
  try {
    fromFile = dotenv.parse(readFileSync(path.join(cwd, '.env')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SelScraperError('ERR_USAGE', `cannot read ${path.join(cwd, '.env')}: ${describeError(error)}`, { cause: error });
    }
  }
  return { ...fromFile, ...definedOnly(processEnv) };
}

function definedOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}

export interface ServerSettings {
  serverUrl: string;
  apiKey: string;
}

/** Server URL and key: flag, else environment (SEL_API_KEY before SEL_INGEST_KEY), else .env. */
export function resolveServerSettings(flags: { server?: string | undefined; key?: string | undefined }, env: Env): ServerSettings {
  const serverUrl = flags.server || env.SEL_SERVER_URL;
  const apiKey = flags.key || env.SEL_API_KEY || env.SEL_INGEST_KEY;
  if (!serverUrl) {
    throw new SelScraperError('ERR_USAGE', 'no SEL server URL', {
      hint: 'set SEL_SERVER_URL (in the environment or .env) or pass --server; use --dry-run to scrape without submitting',
    });
  }
  serverBaseUrl(serverUrl);
  if (!apiKey) {
    throw new SelScraperError('ERR_KEY_MISSING', 'no SEL API key', {
      hint: 'set SEL_API_KEY (or SEL_INGEST_KEY) in the environment or .env, or pass --key; use --dry-run to scrape without submitting',
    });
  }
  if (/\s/.test(apiKey) || apiKey.length < 8) {
    throw new SelScraperError('ERR_KEY_MISSING', 'the SEL API key is malformed (it must be at least 8 characters, without spaces)', {
      hint: 'check for a stray quote or line break where the key is set',
    });
  }
  return { serverUrl, apiKey };
}

export const DEFAULT_TIMEZONE = 'America/Toronto';

/** SEL's fallback zone for times without an offset: DEFAULT_TIMEZONE, else Toronto. */
export function defaultTimezone(env: Env): string {
  return env.DEFAULT_TIMEZONE || DEFAULT_TIMEZONE;
}
