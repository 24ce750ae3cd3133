import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, judgeSource } from '../../src/health/verdict.ts';
import { entry, nightly, NOW } from './helpers.ts';

const enabled = { name: 'lakeshore', enabled: true, url: 'https://lakeshore.example/events' };
const judge = (history: ReturnType<typeof nightly>, source = enabled) => judgeSource(source, history, DEFAULT_THRESHOLDS, NOW);
const failedRun = { status: 'failed' as const, extracted: 0, created: 0, pages: 0, error: 'site unreachable: ENOTFOUND', errorClass: 'unreachable' as const };

describe('judgeSource', () => {
  it('ok: a steady yield', () => {
    expect(judge(nightly('lakeshore', [38, 41, 40, 39]))).toMatchObject({ verdict: 'ok', reason: 'yielded 39 event(s) (median 40)', trend: [38, 41, 40, 39] });
  });

  it('new: never run, or fewer runs than a trend needs', () => {
    expect(judge([])).toMatchObject({ verdict: 'new', reason: 'never run', last: null, runs: 0 });
    expect(judge(nightly('lakeshore', [12, 13]))).toMatchObject({ verdict: 'new', reason: '2 run(s) so far; trends need 3' });
  });

  it('broken: failed as many runs in a row as --broken-after, and since when', () => {
    const history = [...nightly('lakeshore', [40, 41, 39, 0, 0]).slice(0, 3), entry('lakeshore', 1, failedRun), entry('lakeshore', 0, failedRun)];
    const health = judge(history);
    expect(health).toMatchObject({ verdict: 'broken', reason: 'failed 2 run(s) in a row: site unreachable: ENOTFOUND' });
    expect(health.failingSince).toBe(history.at(-2)?.at);
    expect(health.lastSuccessAt).toBe(history.at(-3)?.at);
  });

  it('degraded, not yet broken, after one failure', () => {
    const history = [...nightly('lakeshore', [40, 41, 39]), entry('lakeshore', 0, failedRun)];
    expect(judge(history)).toMatchObject({ verdict: 'degraded', reason: expect.stringContaining('its last run failed') });
  });

  it('dropped: the yield fell under half its recent median', () => {
    expect(judge(nightly('lakeshore', [38, 41, 40, 0]))).toMatchObject({
      verdict: 'dropped',
      reason: 'yielded 0 event(s) against a median of 40 over its previous 3 run(s)',
    });
    expect(judge(nightly('lakeshore', [38, 41, 40, 19]))).toMatchObject({ verdict: 'dropped' });
    expect(judge(nightly('lakeshore', [38, 41, 40, 20]))).toMatchObject({ verdict: 'ok' });
  });

  it('no drop for a run that left unchanged sitemap pages unread, nor a median taken over such runs', () => {
    expect(judge(nightly('lakeshore', [38, 41, 40, 3], { unchanged: 37 }))).toMatchObject({ verdict: 'ok' });
    const history = nightly('lakeshore', [38, 41, 40, 2, 39]);
    history[3] = { ...history[3]!, unchanged: 38 };
    expect(judge(history)).toMatchObject({ verdict: 'ok', reason: 'yielded 39 event(s) (median 40)' });
  });

  it('no drop for a source too small to judge (median under --min-median)', () => {
    expect(judge(nightly('lakeshore', [3, 4, 3, 0]))).toMatchObject({ verdict: 'ok' });
  });

  it('the median skips failed runs, so one outage does not hide a later drop', () => {
    const history = [
      ...nightly('lakeshore', [40, 42, 41]).map((e) => ({ ...e, at: new Date(Date.parse(e.at) - 2 * 86_400_000).toISOString() })),
      entry('lakeshore', 1, failedRun),
      entry('lakeshore', 0, { extracted: 2 }),
    ];
    expect(judge(history)).toMatchObject({ verdict: 'dropped', reason: expect.stringContaining('median of 41') });
  });

  it('degraded: all start times became midnight', () => {
    expect(judge(nightly('lakeshore', [40, 40, 40, 40], { allMidnight: true }))).toMatchObject({
      verdict: 'degraded',
      reason: expect.stringContaining('all_midnight'),
    });
  });

  it('not degraded by midnight times it always had (a source of all-day events)', () => {
    const history = nightly('lakeshore', [40, 40, 40, 40]).map((e) => ({ ...e, allMidnight: true }));
    expect(judge(history)).toMatchObject({ verdict: 'ok' });
  });

  it('degraded: invalid events rising', () => {
    expect(judge(nightly('lakeshore', [40, 40, 40, 40], { invalid: 16 }))).toMatchObject({
      verdict: 'degraded',
      reason: 'invalid events rose to 40 % of those extracted (usually 0 %)',
    });
    expect(judge(nightly('lakeshore', [40, 40, 40, 40], { invalid: 2 }))).toMatchObject({ verdict: 'ok' });
  });

  it('degraded: warnings rising', () => {
    expect(judge(nightly('lakeshore', [40, 40, 40, 40], { warnings: 30 }))).toMatchObject({ verdict: 'degraded', reason: 'warnings rose to 30 (usually 0)' });
  });

  it('stale: not run for longer than --stale-days', () => {
    const history = nightly('lakeshore', [40, 40, 40]).map((e) => ({ ...e, at: new Date(Date.parse(e.at) - 5 * 86_400_000).toISOString() }));
    expect(judge(history)).toMatchObject({ verdict: 'stale', reason: expect.stringMatching(/^not run for 5 day\(s\)/) });
  });

  it('disabled: whatever its history says, never broken', () => {
    const history = [entry('lakeshore', 1, failedRun), entry('lakeshore', 0, failedRun)];
    expect(judge(history, { ...enabled, enabled: false })).toMatchObject({ verdict: 'disabled' });
  });

  it("thresholds are the caller's", () => {
    const history = [...nightly('lakeshore', [40, 40, 40]), entry('lakeshore', 0, failedRun)];
    expect(judgeSource(enabled, history, { ...DEFAULT_THRESHOLDS, brokenAfter: 1 }, NOW)).toMatchObject({ verdict: 'broken' });
    expect(judgeSource(enabled, nightly('lakeshore', [40, 40, 40, 25]), { ...DEFAULT_THRESHOLDS, dropRatio: 0.7 }, NOW)).toMatchObject({ verdict: 'dropped' });
  });

  it('the trend covers the last --window runs', () => {
    const yields = Array.from({ length: 15 }, (_, i) => 30 + i);
    expect(judge(nightly('lakeshore', yields)).trend).toEqual(yields.slice(-10));
  });
});
