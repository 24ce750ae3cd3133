import { describe, expect, it } from 'vitest';
import { worstExitCode } from '../../src/report/exit-codes.ts';
import { mergeReports, type ReportInput } from '../../src/report/merge.ts';
import { parseFullRunReport } from '../../src/report/report-file.ts';
import { newReport, sumCounters, type RunReport, type SourceReport } from '../../src/report/run-report.ts';

function source(name: string, counts: Partial<SourceReport> = {}): SourceReport {
  return { ...newReport({ name, file: `${name}.yaml`, method: 'jsonld' }), pages: { fetched: 1, failed: 0 }, durationMs: 10, ...counts };
}

function report(runId: string, sources: SourceReport[], extra: Partial<RunReport> = {}): RunReport {
  const totals = sumCounters(sources);
  return {
    runId,
    dryRun: false,
    server: 'https://sel.test',
    key: 'abcd1234…',
    startedAt: '2026-11-25T03:00:00.000Z',
    durationMs: 60_000,
    sources,
    totals,
    exitCode: 0,
    error: null,
    resumed: false,
    journal: `/state/runs/${runId}.ndjson`,
    failures: null,
    stateError: null,
    ...extra,
  };
}

const shard = (index: number, count = 2) => ({ shard: { index, count } });
const input = (file: string, r: RunReport): ReportInput => ({ file, report: r });

describe('report merge', () => {
  it("sums the totals, concatenates the sources in shard order and keeps each source's run id", () => {
    const merged = mergeReports([
      input(
        'b.json',
        report('RUN2', [source('c', { extracted: 5, created: 4, duplicates: 1 })], { ...shard(2), startedAt: '2026-11-25T03:00:05.000Z', durationMs: 100_000 }),
      ),
      input('a.json', report('RUN1', [source('a', { extracted: 2, created: 2 }), source('b', { extracted: 1, failed: 1 })], shard(1))),
    ]);
    expect(merged.sources.map((s) => [s.name, s.runId])).toEqual([
      ['a', 'RUN1'],
      ['b', 'RUN1'],
      ['c', 'RUN2'],
    ]);
    expect(merged.totals).toMatchObject({ extracted: 8, created: 6, duplicates: 1, failed: 1 });
    expect(merged.runId).toBe('RUN1');
    expect(merged.durationMs).toBe(105_000);
    expect(merged.shards.map((s) => [s.file, s.runId])).toEqual([
      ['a.json', 'RUN1'],
      ['b.json', 'RUN2'],
    ]);
    expect(merged.exitCode).toBe(0);
  });

  it("takes the worst exit code by the table's precedence, not the largest number", () => {
    const codes = (...exitCodes: number[]) =>
      mergeReports(exitCodes.map((exitCode, i) => input(`${i}.json`, report(`R${i}`, [source(`s${i}`)], { exitCode, ...shard(i + 1, exitCodes.length) }))))
        .exitCode;
    expect(codes(0, 3)).toBe(3);
    expect(codes(3, 5, 0)).toBe(5);
    expect(codes(5, 4)).toBe(4);
    expect(codes(4, 2)).toBe(2);
    expect(codes(2, 130)).toBe(130);
    expect(codes(130, 1)).toBe(1);
    expect(worstExitCode([0, 0])).toBe(0);
    expect(worstExitCode([3, 42])).toBe(42);
  });

  it('refuses a source that is in two reports, naming both', () => {
    expect(() => mergeReports([input('a.json', report('R1', [source('hall')], shard(1))), input('b.json', report('R2', [source('Hall')], shard(2)))])).toThrow(
      /source "Hall" is in two reports: a\.json and b\.json/,
    );
  });

  it('refuses dry and live runs mixed, different servers, different splits and a shard twice', () => {
    expect(() => mergeReports([input('a.json', report('R1', [source('a')])), input('b.json', report('R2', [source('b')], { dryRun: true }))])).toThrow(
      /a live run but b\.json is a dry run/,
    );
    expect(() =>
      mergeReports([input('a.json', report('R1', [source('a')])), input('b.json', report('R2', [source('b')], { server: 'https://other.test' }))]),
    ).toThrow(/sent to https:\/\/sel\.test but b\.json to https:\/\/other\.test/);
    expect(() => mergeReports([input('a.json', report('R1', [source('a')], shard(1, 2))), input('b.json', report('R2', [source('b')], shard(2, 3)))])).toThrow(
      /different splits/,
    );
    expect(() => mergeReports([input('a.json', report('R1', [source('a')], shard(1))), input('b.json', report('R2', [source('b')], shard(1)))])).toThrow(
      /shard 1\/2 is reported twice/,
    );
  });

  it('makes a merge with a shard missing partial and names the shard', () => {
    const merged = mergeReports([input('a.json', report('R1', [source('a')], shard(1, 3))), input('c.json', report('R3', [source('c')], shard(3, 3)))]);
    expect(merged.exitCode).toBe(3);
    expect(merged.error).toBe('no report from shard 2/3: its sources were not accounted for');
  });

  it('reads a report back from its JSON and says which field of a bad one is wrong', () => {
    const text = JSON.stringify(report('R1', [source('a')], shard(1)));
    expect(parseFullRunReport(text)).toMatchObject({ ok: true, report: { runId: 'R1', shard: { index: 1, count: 2 } } });
    expect(parseFullRunReport(JSON.stringify({ ...JSON.parse(text), totals: { created: -1 } }))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('totals.'),
    });
    expect(parseFullRunReport('')).toMatchObject({ ok: false, problem: expect.stringContaining('not JSON') });
  });
});
