import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalPath, latestRunId, pruneJournals, readJournal, RunJournal, type JournalEntry, type RunDefinition } from '../../src/run/journal.ts';

const RUN_ID = '01KAA0000000000000000000AA';
const definition: RunDefinition = { sourcesDir: '/s', only: [], fixtures: null, serverUrl: 'http://sel.test', keyLabel: 'abcd1234…', batchSize: 100, defaultTimezone: 'America/Toronto' };
const started: JournalEntry = { type: 'run-started', at: '2026-11-25T12:00:00.000Z', runId: RUN_ID, version: '0.1.0', run: definition };
const sending: JournalEntry = { type: 'batch-sending', keys: ['https://a.test|1'] };

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

  it('cuts a torn last line off when reopened, so the next entry starts on a line of its own', async () => {
    const dir = await stateDir();
    const file = journalPath(dir, RUN_ID);
    RunJournal.create(dir, RUN_ID, noErrors).close();
    writeFileSync(file, JSON.stringify(started) + '\n{"type":"batch-sen');
    const reopened = RunJournal.reopen(file, noErrors);
    reopened.append(sending);
    reopened.close();
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(started) + '\n' + JSON.stringify(sending) + '\n');
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
});
