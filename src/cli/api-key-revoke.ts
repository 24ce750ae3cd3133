import { keyStatus } from '../keys/api-key.ts';
import { findKey } from '../keys/key-store.ts';
import { EXIT } from '../report/exit-codes.ts';
import type { StoreOptionFlags } from './api-key.ts';
import { describeRecord, keyJson } from './api-key-render.ts';
import { withKeyStore } from './api-key-store.ts';
import type { CliDeps } from './io.ts';

/**
 * `api-key revoke`: resolves the reference against the list first, because SEL's admin DELETE
 * answers 204 for ids that do not exist and SEL's CLI cannot tell a typo from a success.
 */
export async function revokeApiKey(reference: string, flags: StoreOptionFlags, deps: CliDeps): Promise<number> {
  return withKeyStore(flags, deps, async (store) => {
    const record = findKey(await store.list(), reference);
    const alreadyRevoked = !record.isActive;
    if (!alreadyRevoked) await store.revoke(record.id);
    const now = deps.clock.now();
    if (flags.json) {
      const after = { ...record, isActive: false };
      deps.stdout.write(JSON.stringify({ store: store.label, revoked: !alreadyRevoked, alreadyRevoked, key: keyJson(after, now) }) + '\n');
      return EXIT.ok;
    }
    if (alreadyRevoked) {
      deps.stdout.write(`API key ${describeRecord(record)} was already revoked; nothing changed.\n`);
      return EXIT.ok;
    }
    const wasExpired = keyStatus(record, now) === 'expired' ? ' It had already expired.' : '';
    deps.stdout.write(`✓ Revoked API key ${describeRecord(record)} in ${store.label}.${wasExpired}\n`);
    deps.stdout.write('  SEL looks keys up on every request, so it stops working now; revocation cannot be undone.\n');
    if (record.role === 'admin') {
      deps.stdout.write('  Admin tokens already obtained with it stay valid until they expire (60 minutes by default).\n');
    }
    return EXIT.ok;
  });
}
