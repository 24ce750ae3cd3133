import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { PRIVATE_FILE_MODE, writeAllSync } from './private-file.ts';

/** Who holds a lock: enough to tell whether it still runs, and to name it to the user. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The kernel's boot id, where there is one: a holder from before a reboot is gone, whatever its pid. */
  boot?: string;
  /** ISO time the holder took the lock. */
  since: string;
  /** Tells this lock from any other with the same pid, so only the one we wrote is ever removed. */
  nonce: string;
}

export interface LockDeps {
  pid: number;
  host: string;
  boot: string | undefined;
  now: () => number;
  /** Whether a process with this pid runs on this host now. */
  isAlive: (pid: number) => boolean;
}

/**
 * A lock file younger than this whose content cannot be read is being written by its taker right
 * now; older, its taker died between creating and writing it (a window of microseconds).
 */
const UNREADABLE_GRACE_MS = 10_000;

export function systemLockDeps(now: () => number): LockDeps {
  return { pid: process.pid, host: hostname(), boot: readBootId(), now, isAlive: processIsAlive };
}

/**
 * One process at a time (a run, the history's writer): an O_EXCL lock file holding pid, host,
 * boot id and start time. A lock whose holder is gone (dead pid on this host, or a holder from
 * before the last boot) is taken over; removing it is serialized by a second O_EXCL file, and
 * only the very lock judged stale (same nonce) is removed, so two processes taking over at once
 * cannot both win. A live holder keeps its lock however long it takes.
 */
export class ProcessLock {
  private released = false;

  private constructor(
    readonly file: string,
    private readonly holder: LockHolder,
  ) {}

  /** Takes the lock at `file`, or says who holds it (undefined: a process taking it this very moment). */
  static tryAcquire(file: string, deps: LockDeps): { ok: true; lock: ProcessLock } | { ok: false; holder: LockHolder | undefined } {
    const holder: LockHolder = {
      pid: deps.pid,
      host: deps.host,
      ...(deps.boot ? { boot: deps.boot } : {}),
      since: new Date(deps.now()).toISOString(),
      nonce: randomBytes(8).toString('hex'),
    };
    // A stale lock taken over leaves room for one more try; losing that race to a live process is a refusal.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (tryCreate(file, holder)) return { ok: true, lock: new ProcessLock(file, holder) };
      const found = readLock(file);
      if (found === 'missing') continue;
      if (found === 'unreadable') {
        if (deps.now() - modifiedAt(file) < UNREADABLE_GRACE_MS) return { ok: false, holder: undefined };
      } else if (holderIsAlive(found.holder, deps)) {
        return { ok: false, holder: found.holder };
      }
      removeStale(file, found === 'unreadable' ? undefined : found.text, deps);
    }
    return { ok: false, holder: undefined };
  }

  /** Removes the lock, if it is still ours (a lock taken over from us after all is not ours to remove). */
  release(): void {
    if (this.released) return;
    this.released = true;
    const found = readLock(this.file);
    if (typeof found === 'object' && found.holder.nonce === this.holder.nonce) unlinkQuietly(this.file);
  }
}

/** The holder as a user reads it: "pid 4242 on host build-2, since …". */
export function describeHolder(holder: LockHolder | undefined, deps: LockDeps): string {
  return holder
    ? `pid ${holder.pid}${holder.host === deps.host ? '' : ` on host ${holder.host}`}, since ${holder.since}`
    : 'a process that is taking it right now';
}

/** Whether a live process holds the lock at `file` (pruning must not remove a running run's journal). */
export function lockIsHeld(file: string, deps: LockDeps): boolean {
  const found = readLock(file);
  if (found === 'missing') return false;
  if (found === 'unreadable') return deps.now() - modifiedAt(file) < UNREADABLE_GRACE_MS;
  return holderIsAlive(found.holder, deps);
}

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeAllSync(fd, JSON.stringify(holder) + '\n');
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(file);
    throw error;
  }
  closeSync(fd);
  return true;
}

type FoundLock = 'missing' | 'unreadable' | { text: string; holder: LockHolder };

function readLock(file: string): FoundLock {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isSafeInteger(value.pid) && typeof value.host === 'string' && typeof value.since === 'string' && typeof value.nonce === 'string') {
      return { text, holder: value as LockHolder };
    }
  } catch {
    // Torn or foreign content: judged by its age below.
  }
  return 'unreadable';
}

function holderIsAlive(holder: LockHolder, deps: LockDeps): boolean {
  // Another host's process cannot be seen from here: its lock holds until someone removes it.
  if (holder.host !== deps.host) return true;
  if (holder.boot && deps.boot && holder.boot !== deps.boot) return false;
  return deps.isAlive(holder.pid);
}

/**
 * Removes a stale lock. Only one process at a time may (the O_EXCL guard), and only if the
 * lock is still the stale one it judged, so a lock a faster process just took is left alone.
 */
function removeStale(file: string, staleText: string | undefined, deps: LockDeps): void {
  const guard = `${file}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A guard older than a takeover can last was left by a process that died inside one.
    if (deps.now() - modifiedAt(guard) > UNREADABLE_GRACE_MS) unlinkQuietly(guard);
    return;
  }
  try {
    const found = readLock(file);
    const same = staleText === undefined ? found === 'unreadable' : typeof found === 'object' && found.text === staleText;
    if (same) unlinkQuietly(file);
  } finally {
    closeSync(fd);
    unlinkQuietly(guard);
  }
}

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    // Gone since it was read: as good as stale, and the next try will find out.
    return 0;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    // Not Linux: the pid alone tells.
    return undefined;
  }
}
