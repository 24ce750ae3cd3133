import { keyStatus } from '../keys/api-key.ts';
import { EXIT } from '../report/exit-codes.ts';
import type { ListKeyFlags } from './api-key.ts';
import { listedKeyJson, renderKeyTable } from './api-key-render.ts';
import { keyAgeFlags } from '../keys/rotation.ts';
import { withKeyStore } from './api-key-store.ts';
import type { CliDeps } from './io.ts';

/** `api-key list`: every key, with ids `revoke` accepts as printed. */
export async function listApiKeys(flags: ListKeyFlags, deps: CliDeps): Promise<number> {
  return withKeyStore(flags, deps, async (store) => {
    const records = await store.list();
    const now = deps.clock.now();
    const limits = { maxAgeDays: flags.maxAgeDays, expiryWarningDays: flags.expiryWarningDays };
    if (flags.json) {
      deps.stdout.write(JSON.stringify({ store: store.label, limits, keys: records.map((r) => listedKeyJson(r, now, limits)) }) + '\n');
      return EXIT.ok;
    }
    if (records.length === 0) {
      deps.stdout.write(`No API keys in ${store.label}. Create one with: sel-scraper api-key create <name> --role agent\n`);
      return EXIT.ok;
    }
    const counts = { active: 0, revoked: 0, expired: 0 };
    for (const r of records) counts[keyStatus(r, now)]++;
    deps.stdout.write(renderKeyTable(records, now, limits) + '\n');
    deps.stdout.write(
      `\n${records.length} key(s) in ${store.label}: ${counts.active} active, ${counts.revoked} revoked, ${counts.expired} expired (dates in UTC)\n`,
    );
    const due = records.filter((r) => keyAgeFlags(r, now, limits).rotationDue);
    const expiring = records.filter((r) => keyAgeFlags(r, now, limits).expiresSoon);
    if (due.length > 0) {
      deps.stdout.write(
        `${due.length} active key(s) are ${limits.maxAgeDays} days old or more: rotate with \`sel-scraper api-key rotate <id> --env-file .env\`\n`,
      );
    }
    if (expiring.length > 0) deps.stdout.write(`${expiring.length} active key(s) expire within ${limits.expiryWarningDays} days\n`);
    return EXIT.ok;
  });
}
