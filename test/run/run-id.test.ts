import { describe, expect, it } from 'vitest';
import { isRunId, runIdArgument } from '../../src/run/run-id.ts';

describe('run ids', () => {
  it('are ULIDs and nothing else', () => {
    expect(['01KAA0000000000000000000AA', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ'].map(isRunId)).toEqual([true, true]);
    expect(
      ['../../x', '01KAA00000/../../../STEERED', '8ZZZZZZZZZZZZZZZZZZZZZZZZZ', '01KAA0000000000000000000AI', '01KAA0000000000000000000A', 42].map(isRunId),
    ).toEqual([false, false, false, false, false, false]);
  });

  it('are read case-insensitively on the command line, and anything else is a usage error', () => {
    expect(runIdArgument('01kaa0000000000000000000aa', '--resume')).toBe('01KAA0000000000000000000AA');
    expect(() => runIdArgument('../../x', '--resume')).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: '--resume: "../../x" is not a run id' }));
  });
});
