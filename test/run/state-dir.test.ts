import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preparePrivateStateDir } from '../../src/run/state-dir.ts';

async function parent(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'sel-state-dir-'));
}

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

describe('preparePrivateStateDir', () => {
  it('makes the folder and runs/ 0700 under umask 000, saying nothing', async () => {
    const dir = path.join(await parent(), 'deep', '.sel-scraper');
    const notices: string[] = [];
    const before = process.umask(0);
    try {
      preparePrivateStateDir(dir, (line) => notices.push(line));
    } finally {
      process.umask(before);
    }
    expect([mode(dir), mode(path.join(dir, 'runs'))]).toEqual([0o700, 0o700]);
    expect(notices).toEqual([]);
  });

  it('tightens a folder an older version left open, with its files, and says so in one line', async () => {
    const dir = path.join(await parent(), '.sel-scraper');
    const runs = path.join(dir, 'runs');
    mkdirSync(runs, { recursive: true });
    writeFileSync(path.join(runs, '01KAA0000000000000000000AA.ndjson'), '');
    chmodSync(path.join(runs, '01KAA0000000000000000000AA.ndjson'), 0o644);
    chmodSync(runs, 0o755);
    chmodSync(dir, 0o755);
    const notices: string[] = [];
    preparePrivateStateDir(dir, (line) => notices.push(line));
    expect([mode(dir), mode(runs), mode(path.join(runs, '01KAA0000000000000000000AA.ndjson'))]).toEqual([0o700, 0o700, 0o600]);
    expect(notices).toEqual([
      `warning: run state was readable by others: tightened ${dir} (was 0755) and ${runs} (was 0755) to 0700, 1 file(s) in ${runs} to 0600`,
    ]);
    preparePrivateStateDir(dir, (line) => notices.push(line));
    expect(notices).toHaveLength(1);
  });

  it('leaves a shared folder that holds other files as it is, keeping runs/ private', async () => {
    const dir = await parent();
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'README.md'), '');
    const notices: string[] = [];
    preparePrivateStateDir(dir, (line) => notices.push(line));
    expect([mode(dir), mode(path.join(dir, 'runs'))]).toEqual([0o755, 0o700]);
    expect(notices).toEqual([expect.stringMatching(/is open to others \(0755\) and holds other files, so it is left as it is/)]);
  });

  it('fails with ERR_JOURNAL when the folder cannot be made (its parent is a file)', async () => {
    const file = path.join(await parent(), 'a-file');
    writeFileSync(file, '');
    expect(() => preparePrivateStateDir(path.join(file, 'state'), () => undefined)).toThrow(
      expect.objectContaining({ code: 'ERR_JOURNAL', message: expect.stringMatching(/cannot prepare the state folder .*ENOTDIR/) }),
    );
  });
});
