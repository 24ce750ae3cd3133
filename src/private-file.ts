import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Run state, history and key files hold events and secrets: their owner's alone, whatever the umask. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** How a file reaches the disk: every byte of `text` at `fd`, or an error (tests fill the disk through it). */
export type WriteAll = (fd: number, text: string) => void;

/**
 * Writes all of `text`: a write may be short when the disk fills, and the rest is tried until
 * it goes or the disk says ENOSPC, so a short write never passes for a whole one.
 */
export function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Replaces `file` with `text` so that a reader sees the old file or the new one, never half of
 * either: a temp file beside it (same filesystem, so the rename is atomic), private (0600, set
 * again after opening since the umask may have narrowed nothing) before anything is written into
 * it, flushed to disk, then renamed over the original. A failure at any step removes the temp
 * file and leaves the original untouched.
 */
export function writePrivateFileAtomically(file: string, text: string, write: WriteAll = writeAllSync): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', PRIVATE_FILE_MODE);
    fchmodSync(fd, PRIVATE_FILE_MODE);
    write(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(path.dirname(file));
}

/** Makes the rename itself durable; some filesystems refuse to open a directory, which is harmless here. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The file is already in place; only durability across a power cut is weaker.
  }
}
