import type { Env } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { serverBaseUrl } from '../http-url.ts';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url.ts';

export interface StoreFlags {
  databaseUrl?: string | undefined;
  server?: string | undefined;
  adminKey?: string | undefined;
}

export type StoreChoice = { kind: 'database'; target: DatabaseTarget } | { kind: 'server'; serverUrl: string; adminKey: string | undefined };

const HOW_TO_CHOOSE =
  "pass --database-url (or set DATABASE_URL) to work on SEL's database directly, or --server (or SEL_SERVER_URL) with an admin key (--admin-key or SEL_ADMIN_API_KEY) to use its admin API";

/**
 * Which store a command uses, decided in a fixed order so that the answer never depends on
 * guessing: a flag beats the environment, and between two variables DATABASE_URL wins because
 * it is the store that can explain a rejected key. Both flags at once is a contradiction.
 */
export function chooseStore(flags: StoreFlags, env: Env): StoreChoice {
  if (flags.databaseUrl && flags.server) {
    throw new SelScraperError('ERR_USAGE', '--database-url and --server both given; a command works on one store', { hint: HOW_TO_CHOOSE });
  }
  const adminKey = flags.adminKey || env.SEL_ADMIN_API_KEY || undefined;
  if (flags.databaseUrl) return { kind: 'database', target: parseDatabaseUrl(flags.databaseUrl) };
  if (flags.server) return { kind: 'server', serverUrl: serverBaseUrl(flags.server), adminKey };
  if (env.DATABASE_URL) return { kind: 'database', target: parseDatabaseUrl(env.DATABASE_URL) };
  if (env.SEL_SERVER_URL) return { kind: 'server', serverUrl: serverBaseUrl(env.SEL_SERVER_URL), adminKey };
  throw new SelScraperError('ERR_USAGE', 'no key store: neither a database URL nor a SEL server was given', { hint: HOW_TO_CHOOSE });
}

/** The SEL server named beside a database (--server, else SEL_SERVER_URL), checked: it confirms a key, it is not the store. */
export function serverBeside(flags: Pick<StoreFlags, 'server'>, env: Env): string | undefined {
  const server = flags.server || env.SEL_SERVER_URL;
  return server ? serverBaseUrl(server) : undefined;
}
