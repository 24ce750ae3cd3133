import type { Env } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { createNetwork } from '../fetch/network.ts';
import { AdminHttpKeyStore } from '../keys/admin-http-store.ts';
import type { KeyStore } from '../keys/key-store.ts';
import { PostgresKeyStore } from '../keys/postgres-store.ts';
import { redactSecrets, type MessageSecrets } from '../keys/redact.ts';
import { chooseStore, serverBeside, type StoreChoice, type StoreFlags } from '../keys/store-choice.ts';
import { interactiveSelClient } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import type { CliDeps } from './io.ts';
import { commandEnvironment } from './secrets.ts';

/** Everything secret a key command may hold, for the last line of defence in `guardSecrets`. */
export function secretsOf(choice: StoreChoice, env: Env): MessageSecrets {
  return {
    keys: [choice.kind === 'server' ? choice.adminKey : undefined, env.SEL_ADMIN_API_KEY, env.SEL_API_KEY, env.SEL_INGEST_KEY],
    others: [...(choice.kind === 'database' ? choice.target.secrets : []), env.DATABASE_URL],
  };
}

/**
 * Runs a command body so that no secret it holds can leave in an error: main() redacts only the
 * scraper's own keys, not admin keys, database URLs or a key just created.
 */
export async function guardSecrets<T>(secrets: () => MessageSecrets, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const all = secrets();
    if (error instanceof SelScraperError) {
      throw new SelScraperError(error.code, redactSecrets(error.message, all), error.hint ? { hint: redactSecrets(error.hint, all) } : {});
    }
    if (error instanceof Error) {
      error.message = redactSecrets(error.message, all);
      if (error.stack) error.stack = redactSecrets(error.stack, all);
    }
    throw error;
  }
}

/**
 * Opens the chosen store, runs `use` on it and always closes it again. `use` also learns the SEL
 * server that can confirm a key (the admin API's own server, else --server or SEL_SERVER_URL
 * beside a database: with `serverBesideDatabase`, --server then names that server, not a store).
 */
export async function withKeyStore<T>(
  flags: StoreFlags,
  deps: CliDeps,
  use: (store: KeyStore, server: string | undefined) => Promise<T>,
  options: { serverBesideDatabase?: boolean } = {},
): Promise<T> {
  const env = commandEnvironment(deps);
  const choice = chooseStore(options.serverBesideDatabase && flags.databaseUrl ? { ...flags, server: undefined } : flags, env);
  const server = choice.kind === 'server' ? choice.serverUrl : options.serverBesideDatabase ? serverBeside(flags, env) : undefined;
  return guardSecrets(
    () => secretsOf(choice, env),
    async () => {
      if (choice.kind === 'database') {
        const store = await PostgresKeyStore.connect({ target: choice.target, now: () => deps.clock.now() });
        try {
          return await use(store, server);
        } finally {
          await store.close();
        }
      }
      if (!choice.adminKey) {
        throw new SelScraperError('ERR_KEY_MISSING', `no admin key for ${choice.serverUrl}`, {
          hint: "pass --admin-key or set SEL_ADMIN_API_KEY (SEL's admin API takes a token that only an admin key can obtain), or use --database-url",
        });
      }
      const network = createNetwork({ dispatcher: deps.dispatcher, connections: 2 });
      try {
        const { serverUrl, adminKey } = choice;
        const client = interactiveSelClient({ baseUrl: serverUrl, apiKey: adminKey, fetch: network.selFetch, clock: deps.clock, userAgent: USER_AGENT });
        const store = await AdminHttpKeyStore.connect({
          serverUrl,
          adminKey,
          fetch: network.selFetch,
          exchangeToken: () => client.preflight(),
          userAgent: USER_AGENT,
        });
        return await use(store, server);
      } finally {
        await network.close();
      }
    },
  );
}
