import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rotateKey, type RotationOutcome } from '../keys/rotation.ts';
import { writePrivateFileAtomically } from '../private-file.ts';
import { EXIT, exitCodeForError } from '../report/exit-codes.ts';
import type { RotateKeyFlags } from './api-key.ts';
import { describeRecord, keyJson } from './api-key-render.ts';
import { checkKeyWithServer } from './api-key-server-check.ts';
import { withKeyStore } from './api-key-store.ts';
import { PROGRAM } from './command-name.ts';
import type { CliDeps } from './io.ts';

/**
 * `api-key rotate`: create, write into the env file, prove with the server, revoke the old
 * key. The new key is printed only when there is no env file to hold it.
 */
export async function rotateApiKey(reference: string, flags: RotateKeyFlags, deps: CliDeps): Promise<number> {
  const envFile = flags.envFile ? { path: path.resolve(deps.cwd, flags.envFile), variable: flags.envVar } : undefined;
  return withKeyStore(
    flags,
    deps,
    async (store, checkServer) => {
      let shownKey: string | undefined;
      const outcome = await rotateKey(
        { reference, name: flags.name, expiresInDays: flags.expiresInDays, keepOld: flags.keepOld ?? false, envFile },
        {
          store,
          checkWithServer: checkServer ? (key) => checkKeyWithServer(key, checkServer, deps) : undefined,
          readFile: (file) => readFileSync(file, 'utf8'),
          writeFile: writePrivateFileAtomically,
          now: () => deps.clock.now(),
          showNewKey: (key, record) => {
            shownKey = key;
            if (!flags.json) {
              deps.stdout.write(`✓ New API key ${describeRecord(record)} created in ${store.label}\n  Key:      ${key}\n`);
              deps.stdout.write('⚠️  Save this key now: it will not be shown again. Put it where the scraper reads it (SEL_API_KEY).\n');
            }
          },
        },
        deps.command ?? PROGRAM,
      );
      if (flags.json) {
        deps.stdout.write(JSON.stringify(rotationJson(outcome, store.label, shownKey, deps.clock.now())) + '\n');
      } else {
        deps.stdout.write(renderRotation(outcome, store.label));
      }
      return exitCodeFor(outcome);
    },
    { serverBesideDatabase: true },
  );
}

/** Done: 0. Undone: the cause's own code (4 for a key the server rejects). Stopped half way with both keys working: 3, as a partial run. */
function exitCodeFor(outcome: RotationOutcome): number {
  if (outcome.completed) return EXIT.ok;
  return outcome.rolledBack ? exitCodeForError(outcome.code) : EXIT.partial;
}

function renderRotation(outcome: RotationOutcome, storeLabel: string): string {
  const lines: string[] = [];
  if (outcome.completed) {
    lines.push(`✓ Rotated API key ${describeRecord(outcome.old)} in ${storeLabel}`);
  } else {
    lines.push(`✗ Rotation of API key ${describeRecord(outcome.old)} stopped at "${outcome.stoppedAt}": ${outcome.problem}`);
  }
  if (outcome.created) lines.push(`  New key:  ${describeRecord(outcome.created)}`);
  if (outcome.envFile) lines.push(`  Written:  ${outcome.envFile.path} (${outcome.envFile.variable}, mode 600)`);
  if (outcome.checked) lines.push(`  Server:   ${outcome.checked === 'rejected' ? 'rejected the new key (401)' : `accepts the new key (${outcome.checked})`}`);
  lines.push('', 'Where things stand:', ...outcome.state.map((s) => `  - ${s}`));
  if (outcome.next.length > 0) lines.push('', 'Next:', ...outcome.next.map((s) => `  ${s}`));
  return lines.join('\n') + '\n';
}

function rotationJson(outcome: RotationOutcome, storeLabel: string, shownKey: string | undefined, nowMs: number) {
  return {
    store: storeLabel,
    completed: outcome.completed,
    old: keyJson(outcome.old, nowMs),
    oldRevoked: outcome.oldRevoked,
    new: outcome.created ? keyJson(outcome.created, nowMs) : null,
    // The one place a new key may appear, as in `create`: only when no env file holds it.
    ...(shownKey && outcome.created ? { key: shownKey } : {}),
    envFile: outcome.envFile ?? null,
    server: outcome.checked ?? null,
    stoppedAt: outcome.stoppedAt ?? null,
    error: outcome.problem ?? null,
    state: outcome.state,
    next: outcome.next,
  };
}
