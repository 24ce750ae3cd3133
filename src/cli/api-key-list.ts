import { keyStatus } from '../keys/api-key.ts';
import { EXIT } from '../report/exit-codes.ts';
import type { StoreOptionFlags } from './api-key.ts';
import { keyJson, renderKeyTable } from './api-key-render.ts';
import { withKeyStore } from './api-key-store.ts';
import type { CliDeps } from './io.ts';

/** `api-key list`: every key, with ids `revoke` accepts as printed. */
export async function listApiKeys(flags: StoreOptionFlags, deps: CliDeps): Promise<number> {
  return withKeyStore(flags, deps, async (store) => {
    const records = await store.list();
    const now = deps.clock.now();
    if (flags.json) {
      deps.stdout.write(JSON.stringify({ store: store.label, keys: records.map((r) => keyJson(r, now)) }) + '\n');
      return EXIT.ok;
    }
    if (records.length === 0) {
      deps.stdout.write(`No API keys in ${store.label}. Create one with: sel-scraper api-key create <name> --role agent\n`);
      return EXIT.ok;
    }
    const counts = { active: 0, revoked: 0, expired: 0 };
    for (const r of records) counts[keyStatus(r, now)]++;
    deps.stdout.write(renderKeyTable(records, now) + '\n');
    deps.stdout.write(
      `\n${records.length} key(s) in ${store.label}: ${counts.active} active, ${counts.revoked} revoked, ${counts.expired} expired (dates in UTC)\n`,
    );
    return EXIT.ok;
  });
}
