import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { describeError, SelScraperError } from '../errors.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../private-file.ts';

/** All a state folder holds; one holding anything else is a folder the user shares, not ours to chmod. */
const STATE_ENTRIES = new Set(['runs']);

export function runsDirectory(stateDir: string): string {
  return path.join(stateDir, 'runs');
}

/**
 * Makes the state folder and its runs/ folder exist and private: folders 0700, files in runs/
 * 0600, whatever the umask and whatever an older version left. What was open is tightened and
 * `notice` says so, once. A state folder that also holds other files (`--state-dir .`) is left
 * as it is, and said so: runs/, where every state file lives, is private either way. A runs/
 * folder that another user owns is refused, since its owner could read or swap what we write.
 */
export function preparePrivateStateDir(stateDir: string, notice: (line: string) => void): string {
  const runs = runsDirectory(stateDir);
  try {
    const tightened: string[] = [];
    const outer = makeDirectory(stateDir);
    if (isOpen(outer)) {
      const entries = readdirSync(stateDir);
      if (ownedByUs(outer) && entries.every((name) => STATE_ENTRIES.has(name))) {
        chmodSync(stateDir, PRIVATE_DIR_MODE);
        tightened.push(`${stateDir} (was ${octal(outer)})`);
      } else {
        notice(
          `warning: the state folder ${stateDir} is open to others (${octal(outer)}) and holds other files, so it is left as it is; run state is kept private in ${runs}`,
        );
      }
    }
    const inner = makeDirectory(runs);
    if (!ownedByUs(inner)) {
      throw new SelScraperError('ERR_JOURNAL', `${runs} belongs to another user (uid ${inner.uid}), who could read or replace run state`, {
        hint: 'point --state-dir at a folder of your own',
      });
    }
    if (isOpen(inner)) {
      chmodSync(runs, PRIVATE_DIR_MODE);
      tightened.push(`${runs} (was ${octal(inner)})`);
    }
    let files = 0;
    for (const name of readdirSync(runs)) {
      const file = path.join(runs, name);
      const stat = lstatSync(file);
      if (stat.isFile() && isOpen(stat)) {
        chmodSync(file, PRIVATE_FILE_MODE);
        files++;
      }
    }
    if (tightened.length > 0 || files > 0) {
      const folders = tightened.length > 0 ? `${tightened.join(' and ')} to 0700` : '';
      const both = folders && files > 0 ? ', ' : '';
      notice(`warning: run state was readable by others: tightened ${folders}${both}${files > 0 ? `${files} file(s) in ${runs} to 0600` : ''}`);
    }
    return runs;
  } catch (error) {
    if (error instanceof SelScraperError) throw error;
    throw new SelScraperError('ERR_JOURNAL', `cannot prepare the state folder ${stateDir}: ${describeError(error)}`, {
      hint: 'check that --state-dir is a folder you can write and the disk has room',
      cause: error,
    });
  }
}

/** The folder, made if missing (0700 exactly: a umask may only take bits away, and may take too many). */
function makeDirectory(dir: string): Stats {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE }) !== undefined;
  if (created) chmodSync(dir, PRIVATE_DIR_MODE);
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} is not a folder`);
  return stat;
}

function isOpen(stat: Stats): boolean {
  return (stat.mode & 0o077) !== 0;
}

function ownedByUs(stat: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || stat.uid === uid;
}

function octal(stat: Stats): string {
  return `0${(stat.mode & 0o777).toString(8)}`;
}
