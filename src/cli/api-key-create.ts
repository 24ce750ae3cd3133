import { validateNewKey } from '../keys/key-store.ts';
import { EXIT } from '../report/exit-codes.ts';
import type { CreateKeyFlags } from './api-key.ts';
import { printable } from '../keys/redact.ts';
import { formatTimestamp, keyJson } from './api-key-render.ts';
import { withKeyStore } from './api-key-store.ts';
import type { CliDeps } from './io.ts';

const WARNING = 'Save this key now: it will not be shown again. SEL stores only its bcrypt hash.';

/** `api-key create`: the one place a full key is ever printed, once. */
export async function createApiKey(name: string, flags: CreateKeyFlags, deps: CliDeps): Promise<number> {
  const request = validateNewKey({
    name,
    role: flags.role,
    ...(flags.expiresInDays === undefined ? {} : { expiresInDays: flags.expiresInDays }),
    ...(flags.sourceId === undefined ? {} : { sourceId: flags.sourceId }),
  });
  return withKeyStore(flags, deps, async (store) => {
    const { key, record } = await store.create(request);
    const now = deps.clock.now();
    if (flags.json) {
      deps.stdout.write(JSON.stringify({ store: store.label, ...keyJson(record, now), key, warning: WARNING }) + '\n');
      return EXIT.ok;
    }
    const lines = [
      `✓ API key created in ${store.label}`,
      '',
      `  Name:     ${printable(record.name)}`,
      `  Role:     ${record.role}`,
      `  ID:       ${record.id}`,
      `  Prefix:   ${record.prefix}`,
      ...(record.sourceId ? [`  Source:   ${record.sourceId}`] : []),
      `  Expires:  ${record.expiresAt ? formatTimestamp(record.expiresAt) : 'never'}`,
      `  Key:      ${key}`,
      '',
      `⚠️  ${WARNING}`,
      '   Give it to the scraper as SEL_API_KEY (in the environment, or a chmod-600 .env) and test it with:',
      '   sel-scraper api-key check',
      `   Revoke it with: sel-scraper api-key revoke ${record.id}`,
      ...(record.role === 'admin' ? ['   This is an admin key: it can mint admin tokens and manage keys. Scrapers should use agent keys.'] : []),
    ];
    deps.stdout.write(lines.join('\n') + '\n');
    return EXIT.ok;
  });
}
