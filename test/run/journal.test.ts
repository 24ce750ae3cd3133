import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultFailuresPath,
  journalPath,
  latestRunId,
  lockPath,
  pruneJournals,
  readJournal,
  RunJournal,
  type JournalEntry,
  type RunDefinition,
} from '../../src/run/journal.ts';

const RUN_ID = '01KAA0000000000000000000AA';
const definition: RunDefinition = {
  sourcesDir: '/s',
  only: [],
  fixtures: null,
  serverUrl: 'http://sel.test',
  keyLabel: 'abcd1234…',
  batchSize: 100,
  defaultTimezone: 'America/Toronto',
};
const started: JournalEntry = { type: 'run-started', at: '2026-11-25T12:00:00.000Z', runId: RUN_ID, version: '0.1.0', run: definition };
const sending: JournalEntry = { type: 'batch-sending', keys: ['https://a.test|1'] };
const resumed: JournalEntry = { type: 'run-resumed', at: '2026-11-25T13:00:00.000Z' };

async function stateDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'sel-journal-'));
}

function noErrors(error: Error): never {
  throw error;
}

describe('RunJournal', () => {
  it('reads back every entry appended, in order', async () => {
    const dir = await stateDir();
    const journal = RunJournal.create(dir, RUN_ID, noErrors);
    journal.append(started, { sync: true });
    journal.append(sending);
    journal.close();
    expect(readJournal(journalPath(dir, RUN_ID))).toEqual([started, sending]);
  });

  it('never writes the same run twice: a second journal for one run id is refused', async () => {
    const dir = await stateDir();
    RunJournal.create(dir, RUN_ID, noErrors).close();
    expect(() => RunJournal.create(dir, RUN_ID, noErrors)).toThrow(/cannot create the run journal/);
  });

  it('ignores a last line torn by a crash', async () => {
    const dir = await stateDir();
    const journal = RunJournal.create(dir, RUN_ID, noErrors);
    journal.append(started);
    journal.close();
    appendFileSync(journalPath(dir, RUN_ID), '{"type":"batch-sen');
    expect(readJournal(journalPath(dir, RUN_ID))).toEqual([started]);
  });

  it('keeps a torn last line when reopened (the journal only grows) and starts the next entry on a line of its own', async () => {
    const dir = await stateDir();
    const file = journalPath(dir, RUN_ID);
    RunJournal.create(dir, RUN_ID, noErrors).close();
    writeFileSync(file, JSON.stringify(started) + '\n{"type":"batch-sen');
    const reopened = RunJournal.reopen(file, noErrors);
    reopened.append(resumed);
    reopened.append(sending);
    reopened.close();
    expect(readFileSync(file, 'utf8')).toBe(
      JSON.stringify(started) + '\n{"type":"batch-sen\n' + JSON.stringify(resumed) + '\n' + JSON.stringify(sending) + '\n',
    );
    expect(readJournal(file)).toEqual([started, resumed, sending]);
  });

  it('writes its file 0600 whatever the umask', async () => {
    const dir = await stateDir();
    const before = process.umask(0);
    try {
      RunJournal.create(dir, RUN_ID, noErrors).close();
    } finally {
      process.umask(before);
    }
    expect(statSync(journalPath(dir, RUN_ID)).mode & 0o777).toBe(0o600);
  });

  it('gives up on the journal at the first failed write (a full disk), reporting it once', async () => {
    const dir = await stateDir();
    let room = 2;
    const fullDisk = (fd: number, text: string) => {
      if (room-- <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      writeSync(fd, text);
    };
    const errors: string[] = [];
    const journal = RunJournal.create(dir, RUN_ID, (error) => errors.push(error.message), { write: fullDisk });
    journal.append(started);
    journal.append(sending, { sync: true });
    journal.append(sending);
    journal.append(sending);
    journal.close();
    expect(errors).toEqual([expect.stringMatching(/cannot write the run journal .*; this run cannot be resumed: ENOSPC/)]);
    expect(readJournal(journalPath(dir, RUN_ID))).toEqual([started, sending]);
  });

  it('names no path for a run id that is not a ULID', () => {
    expect(() => journalPath('/state', '../../x')).toThrow(/not a run id/);
    expect(() => defaultFailuresPath('/state', '01KAA00000/../../../STEERED')).toThrow(/not a run id/);
  });

  it('refuses a journal damaged in the middle, naming the line', async () => {
    const dir = await stateDir();
    const file = journalPath(dir, RUN_ID);
    RunJournal.create(dir, RUN_ID, noErrors).close();
    writeFileSync(file, JSON.stringify(started) + '\nnot json\n' + JSON.stringify(sending) + '\n');
    expect(() => readJournal(file)).toThrow(`${file}:2: not a journal line`);
  });

  it('finds the latest run of a state directory by its id, ignoring failures files', async () => {
    const dir = await stateDir();
    RunJournal.create(dir, '01KAA0000000000000000000AA', noErrors).close();
    RunJournal.create(dir, '01KAB0000000000000000000AA', noErrors).close();
    writeFileSync(path.join(dir, 'runs', '01KAC0000000000000000000AA.failures.ndjson'), '');
    expect(latestRunId(dir)).toBe('01KAB0000000000000000000AA');
  });

  it('finds no run in a state directory that does not exist', async () => {
    expect(latestRunId(path.join(await stateDir(), 'nowhere'))).toBeUndefined();
  });
});

describe('pruneJournals', () => {
  it('keeps the newest journals and every failures file', async () => {
    const dir = await stateDir();
    const ids = ['01KAA0000000000000000000AA', '01KAB0000000000000000000AA', '01KAC0000000000000000000AA'];
    for (const id of ids) RunJournal.create(dir, id, noErrors).close();
    writeFileSync(path.join(dir, 'runs', `${ids[0]}.failures.ndjson`), '');
    pruneJournals(dir, 2);
    expect(readdirSync(path.join(dir, 'runs')).sort()).toEqual([`${ids[0]}.failures.ndjson`, `${ids[1]}.ndjson`, `${ids[2]}.ndjson`]);
  });

  it('keeps the journal of a run a live process holds, and removes the locks of pruned runs and of runs killed before their journal began', async () => {
    const dir = await stateDir();
    const ids = ['01KAA0000000000000000000AA', '01KAB0000000000000000000AA', '01KAC0000000000000000000AA'];
    for (const id of ids) RunJournal.create(dir, id, noErrors).close();
    writeFileSync(lockPath(dir, ids[0]!), '');
    writeFileSync(lockPath(dir, ids[1]!), '');
    writeFileSync(lockPath(dir, '01KAD0000000000000000000AA'), '');
    writeFileSync(lockPath(dir, '01KAE0000000000000000000AA'), '');
    pruneJournals(dir, 1, (id) => id === ids[0] || id === '01KAE0000000000000000000AA');
    expect(readdirSync(path.join(dir, 'runs')).sort()).toEqual([`${ids[0]}.lock`, `${ids[0]}.ndjson`, `${ids[2]}.ndjson`, '01KAE0000000000000000000AA.lock']);
  });
});
