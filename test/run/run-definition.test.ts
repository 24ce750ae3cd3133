import { describe, expect, it } from 'vitest';
import type { ResumeState } from '../../src/run/resume.ts';
import { runDefinition } from '../../src/run/run-definition.ts';

const KEY = 'Abcdefgh_0123456789abcdefghijklmnopqrstuvwx';
const newRun = { sourcesDir: '/srv/sources', only: ['a'], fixtures: null, batchSize: 50, defaultTimezone: 'America/Toronto' };

describe('the run definition', () => {
  it('is what the command line says for a new run, with the key described, never whole', () => {
    expect(runDefinition(undefined, { serverUrl: 'https://sel.test', apiKey: KEY }, newRun)).toEqual({
      ...newRun,
      serverUrl: 'https://sel.test',
      keyLabel: 'Abcdefgh…',
    });
    expect(runDefinition(undefined, undefined, newRun)).toMatchObject({ serverUrl: '', keyLabel: '' });
  });

  it('is the resumed run’s own, which must go to the same server', () => {
    const run = { ...newRun, serverUrl: 'https://sel.test/', keyLabel: 'Abcdefgh…' };
    const resume = { runId: 'R1', run } as unknown as ResumeState;
    expect(runDefinition(resume, { serverUrl: 'https://sel.test', apiKey: KEY }, { ...newRun, batchSize: 10 })).toBe(run);
    expect(() => runDefinition(resume, { serverUrl: 'https://other.test', apiKey: KEY }, newRun)).toThrow(
      'run R1 was sent to https://sel.test/, not https://other.test',
    );
  });
});
