import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { EventInput } from '../../src/normalize/event-input.ts';
import { journalPath, readJournal, RunJournal, type JournalEntry } from '../../src/run/journal.ts';
import { loadResumeState, recheckUnconfirmed, resumeStateOf } from '../../src/run/resume.ts';
import { memorySel } from '../helpers/memory-sel.ts';

const KEY = 'agent-key-0123456789';
const event = (n: number): EventInput => ({
  name: `E${n}`,
  description: 'd',
  startDate: '2027-01-01T20:00:00-05:00',
  location: { name: 'Hall' },
  source: { url: 'https://a.test/', eventId: `e${n}` },
});
const key = (n: number) => `https://a.test|e${n}`;
const STARTED_AT = Date.parse('2026-11-25T12:00:00Z');
const snapshot = {
  extracted: 2,
  invalid: 0,
  skipped: 0,
  submitted: 2,
  pages: { fetched: 1, failed: 0 },
  warnings: [],
  error: null,
  durationMs: 5,
  problems: [],
};

async function journalWith(entries: JournalEntry[]): Promise<{ dir: string; file: string; runId: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sel-resume-'));
  const runId = ulid(STARTED_AT);
  const journal = RunJournal.create(dir, runId, (e) => {
    throw e;
  });
  journal.append({
    type: 'run-started',
    at: '2026-11-25T12:00:00.000Z',
    runId,
    version: '0.1.0',
    run: { sourcesDir: '/s', only: [], fixtures: null, serverUrl: 'http://sel.test', keyLabel: 'k…', batchSize: 100, defaultTimezone: 'America/Toronto' },
  });
  for (const entry of entries) journal.append(entry);
  journal.close();
  return { dir, file: journalPath(dir, runId), runId };
}

describe('resumeStateOf', () => {
  it('dates the run by its journalled start, not by its id, which a monotonic factory may have moved later', () => {
    const runId = ulid(Date.parse('2026-11-30T06:00:00Z'));
    const run = {
      sourcesDir: '/s',
      only: [],
      fixtures: null,
      serverUrl: 'https://sel.test',
      keyLabel: 'k…',
      batchSize: 100,
      defaultTimezone: 'America/Toronto',
    };
    const state = resumeStateOf('run.ndjson', runId, [{ type: 'run-started', at: '2026-11-24T03:00:00.000Z', runId, version: '0', run }]);
    expect(new Date(state.startedAt).toISOString()).toBe('2026-11-24T03:00:00.000Z');
  });
});

describe('loadResumeState', () => {
  it('takes the server’s verdicts as final, and everything else as still to send', async () => {
    const { file, runId } = await journalWith([
      { type: 'event', source: 'hall', key: key(1), event: event(1) },
      { type: 'event', source: 'hall', key: key(2), event: event(2) },
      { type: 'event', source: 'hall', key: key(3), event: event(3) },
      { type: 'source-done', source: 'hall', report: snapshot },
      { type: 'batch-sending', keys: [key(1), key(2)] },
      { type: 'batch-posted', batchId: 'B1', keys: [key(1), key(2)] },
      {
        type: 'batch-confirmed',
        batchId: 'B1',
        results: [
          { key: key(1), status: 'created', final: true, selEventId: 'X' },
          { key: key(2), status: 'failed', final: true, reason: 'invalid name: required' },
        ],
      },
      { type: 'batch-sending', keys: [key(3)] },
      { type: 'events-settled', results: [{ key: key(3), status: 'unknown', reason: 'batch not accepted: reset' }] },
    ]);
    const state = loadResumeState(file, runId);
    expect([...state.finals.keys()]).toEqual([key(1), key(2)]);
    expect(state.unconfirmed.size).toBe(0);
    expect(state.sentBefore).toEqual(new Set([key(1), key(2), key(3)]));
    expect(state.doneSources.get('hall')).toEqual(snapshot);
    expect(state.events.get(key(3))?.event).toEqual(event(3));
  });

  it('remembers batches the server accepted but never confirmed', async () => {
    const { file, runId } = await journalWith([
      { type: 'batch-posted', batchId: 'B1', keys: [key(1)] },
      { type: 'batch-posted', batchId: 'B2', keys: [key(2)] },
      { type: 'batch-confirmed', batchId: 'B2', results: [{ key: key(2), status: 'created', final: true }] },
    ]);
    expect([...loadResumeState(file, runId).unconfirmed]).toEqual([['B1', [key(1)]]]);
  });

  it('reads the run’s start time from its id (a ULID)', async () => {
    const { file, runId } = await journalWith([]);
    expect(loadResumeState(file, runId).startedAt).toBe(STARTED_AT);
  });
});

describe('recheckUnconfirmed', () => {
  it('turns an accepted batch the server has finished into final results, journalled', async () => {
    const { client: sel, clock } = memorySel({ keys: { [KEY]: 'agent' }, processingMs: 1 }, KEY);
    const accepted = await sel.submitBatch([event(1), event(2)]);
    if (accepted.kind !== 'accepted') throw new Error('not accepted');
    await clock.sleep(30);
    const { file, runId } = await journalWith([{ type: 'batch-posted', batchId: accepted.batchId, keys: [key(1), key(2)] }]);
    const state = loadResumeState(file, runId);
    const journal = RunJournal.reopen(file, (e) => {
      throw e;
    });
    await expect(recheckUnconfirmed(state, sel, journal)).resolves.toEqual({ confirmed: 1, pending: 0 });
    journal.close();
    expect(state.finals.get(key(2))).toMatchObject({ status: 'created', final: true });
    expect(readJournal(file).at(-1)).toMatchObject({ type: 'batch-confirmed', batchId: accepted.batchId });
  });

  it('leaves a batch the server still answers 404 for as pending, to be sent again', async () => {
    const { client: sel } = memorySel({ keys: { [KEY]: 'agent' }, neverComplete: () => true }, KEY);
    const accepted = await sel.submitBatch([event(1)]);
    if (accepted.kind !== 'accepted') throw new Error('not accepted');
    const { file, runId } = await journalWith([{ type: 'batch-posted', batchId: accepted.batchId, keys: [key(1)] }]);
    const state = loadResumeState(file, runId);
    const journal = RunJournal.reopen(file, (e) => {
      throw e;
    });
    await expect(recheckUnconfirmed(state, sel, journal)).resolves.toEqual({ confirmed: 0, pending: 1 });
    journal.close();
    expect(state.finals.size).toBe(0);
  });
});
