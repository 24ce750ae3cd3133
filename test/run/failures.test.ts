import { readdirSync, readFileSync, statSync, symlinkSync, writeSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepFailures, writeFailures, type FailureRecord } from '../../src/run/failures.ts';

const record: FailureRecord = {
  sourceName: 'hall',
  reason: 'event locality "Ottawa" outside geographic boundary',
  status: 'failed',
  event: {
    name: 'Show',
    description: 'd',
    startDate: '2027-01-01T20:00:00-05:00',
    location: { name: 'Hall' },
    source: { url: 'https://a.test/', eventId: 'e1' },
  },
};

async function folder(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'sel-failures-'));
}

const fullDisk = (fd: number, text: string) => {
  writeSync(fd, text.slice(0, 10));
  throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
};

describe('writeFailures', () => {
  it('writes the file 0600 under umask 000', async () => {
    const file = path.join(await folder(), 'runs', 'f.failures.ndjson');
    const before = process.umask(0);
    try {
      writeFailures(file, [record]);
    } finally {
      process.umask(before);
    }
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(record) + '\n');
    expect([statSync(file).mode & 0o777, statSync(path.dirname(file)).mode & 0o777]).toEqual([0o600, 0o700]);
  });

  it('leaves no temporary file behind when the disk is full', async () => {
    const dir = await folder();
    expect(() => writeFailures(path.join(dir, 'f.ndjson'), [record], { write: fullDisk })).toThrow(/cannot write the failures file .*ENOSPC/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes straight into a file that is not a regular one, such as a device', async () => {
    const link = path.join(await folder(), 'f.ndjson');
    symlinkSync('/dev/full', link);
    expect(() => writeFailures(link, [record])).toThrow(/ENOSPC/);
    expect(readdirSync(path.dirname(link))).toEqual(['f.ndjson']);
  });
});

describe('keepFailures', () => {
  it('prints every record as one NDJSON line when the file cannot be written, and says why', async () => {
    const lines: string[] = [];
    const problem = keepFailures(path.join(await folder(), 'f.ndjson'), [record, { ...record, status: 'unknown' }], (line) => lines.push(line), {
      write: fullDisk,
    });
    expect(problem).toMatch(/ENOSPC.*its 2 event\(s\) were printed on stderr as NDJSON instead/);
    expect(lines.map((line) => JSON.parse(line) as FailureRecord)).toEqual([record, { ...record, status: 'unknown' }]);
  });

  it('prints nothing when the file was written', async () => {
    const lines: string[] = [];
    expect(keepFailures(path.join(await folder(), 'f.ndjson'), [record], (line) => lines.push(line))).toBeUndefined();
    expect(lines).toEqual([]);
  });
});
