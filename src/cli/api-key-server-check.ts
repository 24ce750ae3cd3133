import { SelScraperError } from '../errors.ts';
import { createNetwork } from '../fetch/network.ts';
import type { ServerVerdict } from '../keys/rotation.ts';
import { interactiveSelClient } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import type { CliDeps } from './io.ts';

/**
 * What the SEL server makes of a key, asked the way `scrape all` asks before a run (the token
 * preflight): its role, or `rejected` for a 401. An unreachable server is an error
 * (ERR_KEY_STORE), since it says nothing about the key.
 */
export async function checkKeyWithServer(key: string, serverUrl: string, deps: CliDeps): Promise<ServerVerdict> {
  const network = createNetwork({ dispatcher: deps.dispatcher, connections: 2 });
  const client = interactiveSelClient({ baseUrl: serverUrl, apiKey: key, fetch: network.selFetch, clock: deps.clock, userAgent: USER_AGENT });
  try {
    return (await client.preflight(deps.signal)).role;
  } catch (error) {
    if (error instanceof SelScraperError && error.code === 'ERR_KEY_REJECTED') return 'rejected';
    if (error instanceof SelScraperError && error.code === 'ERR_SERVER_UNREACHABLE') {
      throw new SelScraperError('ERR_KEY_STORE', error.message, error.hint ? { hint: error.hint } : {});
    }
    throw error;
  } finally {
    await network.close();
  }
}
