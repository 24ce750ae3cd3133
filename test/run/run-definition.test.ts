import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResumeState } from '../../src/run/resume.ts';
import { findRunToResume, runDefinition } from '../../src/run/run-definition.ts';

const KEY = 'Abcdefgh_0123456789abcdefghijklmnopqrstuvwx';
const newRun = { sourcesDir: '/srv/sources', only: ['a'], fixtures: null, batchSize: 50, defaultTimezone: 'America/Toronto' };

describe('the run to resume', () => {
  it('refuses --resume with --dry-run', () => {
    expect(() => findRunToResume(true, tmpdir(), true)).toThrow('cannot be combined with --dry-run');
  });

  it('says where it looked when there is no run to resume', () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'sel-state-'));
    expect(() => findRunToResume(true, stateDir, false)).toThrow(`no run to resume in ${path.join(stateDir, 'runs')}`);
    expect(() => findRunToResume('01J0000000000000000000000', stateDir, false)).toThrow('no journal for run 01J0000000000000000000000');
  });
});

describe('the run definition', () => {
  it('is what the command line says for a new run, with the key described, never whole', () => {
    expect(runDefinition(undefined, { serverUrl: 'https://sel.test', apiKey: KEY }, newRun)).toEqual({ ...newRun, serverUrl: 'https://sel.test', keyLabel: 'Abcdefgh…' });
    expect(runDefinition(undefined, undefined, newRun)).toMatchObject({ serverUrl: '', keyLabel: '' });
  });

  it('is the resumed run’s own, which must go to the same server', () => {
    const run = { ...newRun, serverUrl: 'https://sel.test/', keyLabel: 'Abcdefgh…' };
    const resume = { runId: 'R1', run } as unknown as ResumeState;
    expect(runDefinition(resume, { serverUrl: 'https://sel.test', apiKey: KEY }, { ...newRun, batchSize: 10 })).toBe(run);
    expect(() => runDefinition(resume, { serverUrl: 'https://other.test', apiKey: KEY }, newRun)).toThrow('run R1 was sent to https://sel.test/, not https://other.test');
  });
});
