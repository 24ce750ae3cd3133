import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockIsHeld, type LockDeps } from '../../src/process-lock.ts';
import { acquireRunLock } from '../../src/run/run-lock.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

const RUN_ID = '01KAA0000000000000000000AA';

async function lockFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), 'sel-lock-')), `${RUN_ID}.lock`);
}

function processOn(clock: FakeClock, pid: number, live: ReadonlySet<number>, host = 'build-1', boot = 'boot-a'): LockDeps {
  return { pid, host, boot, now: () => clock.now(), isAlive: (p) => live.has(p) };
}

describe('the run lock', () => {
  it('refuses a second holder of one run while the first is alive, naming its pid and since when', async () => {
    const file = await lockFile();
    const clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
    const live = new Set([100, 200]);
    acquireRunLock(file, RUN_ID, processOn(clock, 100, live));
    expect(() => acquireRunLock(file, RUN_ID, processOn(clock, 200, live))).toThrow(
      expect.objectContaining({ code: 'ERR_RUN_LOCKED', message: `run ${RUN_ID} is in progress in another process (pid 100, since 2026-11-25T12:00:00.000Z)` }),
    );
  });

  it('lets the run go once released', async () => {
    const file = await lockFile();
    const clock = new FakeClock(0);
    const live = new Set([100, 200]);
    acquireRunLock(file, RUN_ID, processOn(clock, 100, live)).release();
    acquireRunLock(file, RUN_ID, processOn(clock, 200, live));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: 200 });
  });

  it('takes over the lock of a holder that died (its pid no longer runs on this host)', async () => {
    const file = await lockFile();
    const clock = new FakeClock(0);
    const live = new Set([200]);
    acquireRunLock(file, RUN_ID, processOn(clock, 100, live));
    acquireRunLock(file, RUN_ID, processOn(clock, 200, live));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: 200, host: 'build-1' });
  });

  it('takes over the lock of a holder from before the last reboot, even when its pid is in use again', async () => {
    const file = await lockFile();
    const clock = new FakeClock(0);
    const live = new Set([100, 200]);
    acquireRunLock(file, RUN_ID, processOn(clock, 100, live, 'build-1', 'boot-a'));
    acquireRunLock(file, RUN_ID, processOn(clock, 200, live, 'build-1', 'boot-b'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: 200, boot: 'boot-b' });
  });

  it('holds for a process on another host, which cannot be seen from here', async () => {
    const file = await lockFile();
    const clock = new FakeClock(0);
    acquireRunLock(file, RUN_ID, processOn(clock, 100, new Set(), 'build-2'));
    expect(() => acquireRunLock(file, RUN_ID, processOn(clock, 200, new Set(), 'build-1'))).toThrow(/pid 100 on host build-2/);
  });

  it('treats a lock file it cannot read as being written now, and as stale once old', async () => {
    const file = await lockFile();
    const clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
    writeFileSync(file, '{"pid":1');
    utimesSync(file, new Date(clock.now() - 1000), new Date(clock.now() - 1000));
    expect(() => acquireRunLock(file, RUN_ID, processOn(clock, 200, new Set([200])))).toThrow(/a process that is taking it right now/);
    utimesSync(file, new Date(clock.now() - 60_000), new Date(clock.now() - 60_000));
    acquireRunLock(file, RUN_ID, processOn(clock, 200, new Set([200])));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: 200 });
  });

  it('does not remove a lock that another process took over between judging it stale and removing it', async () => {
    const file = await lockFile();
    const clock = new FakeClock(0);
    acquireRunLock(file, RUN_ID, processOn(clock, 100, new Set()));
    const racer: LockDeps = {
      ...processOn(clock, 300, new Set()),
      isAlive: (pid) => {
        if (pid !== 100) return true;
        // The dead holder is judged; meanwhile process 200 takes the lock over first.
        writeFileSync(file, JSON.stringify({ pid: 200, host: 'build-1', boot: 'boot-a', since: '2026-11-25T12:00:00.000Z', nonce: 'n200' }));
        return false;
      },
    };
    expect(() => acquireRunLock(file, RUN_ID, racer)).toThrow(/pid 200, since/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: 200 });
  });

  it('leaves alone, on release, a lock that is no longer its own', async () => {
    const file = await lockFile();
    const clock = new FakeClock(0);
    const first = acquireRunLock(file, RUN_ID, processOn(clock, 100, new Set()));
    acquireRunLock(file, RUN_ID, processOn(clock, 200, new Set([200])));
    first.release();
    expect(lockIsHeld(file, processOn(clock, 300, new Set([200])))).toBe(true);
  });

  it('writes the lock file 0600', async () => {
    const file = await lockFile();
    const before = process.umask(0);
    try {
      acquireRunLock(file, RUN_ID, processOn(new FakeClock(0), 100, new Set()));
    } finally {
      process.umask(before);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
