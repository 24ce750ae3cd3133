import { describe, expect, it } from 'vitest';
import { newReport, recordDelivery, runReport, sourceStatus, type SourceReport } from '../../src/report/run-report.ts';
import type { DeliveryResult } from '../../src/submit/batch-submitter.ts';

const event = (n: number) =>
  ({ name: `Event ${n}`, startDate: '2026-12-01T19:00:00-05:00', source: { url: `https://a.test/${n}`, eventId: `e${n}` } }) as DeliveryResult['event'];

function rows(): Map<string, SourceReport> {
  return new Map([['a', newReport({ name: 'a', file: 'a.yaml', method: 'jsonld' })]]);
}

describe('report building', () => {
  it('counts each delivery outcome in its source’s row, and failed or unknown ones as problems too', () => {
    const reports = rows();
    recordDelivery(reports, { sourceName: 'a', event: event(1), status: 'created' });
    recordDelivery(reports, { sourceName: 'a', event: event(2), status: 'duplicate' });
    recordDelivery(reports, { sourceName: 'a', event: event(3), status: 'unknown' });
    recordDelivery(reports, { sourceName: 'nobody', event: event(4), status: 'failed', reason: 'HTTP 500' });
    expect(reports.get('a')).toMatchObject({
      created: 1,
      duplicates: 1,
      unknown: 1,
      failed: 0,
      problems: [{ status: 'unknown', name: 'Event 3', eventId: 'e3', reason: 'unknown' }],
    });
    expect(reports.size).toBe(1);
  });

  it('totals the rows and decides the exit code from them', () => {
    const reports = rows();
    const row = reports.get('a')!;
    row.pages.fetched = 1;
    recordDelivery(reports, { sourceName: 'a', event: event(1), status: 'failed', reason: 'HTTP 400' });
    const sources = [{ ...row, status: sourceStatus(row, true) }];
    const base = {
      runId: 'R',
      dryRun: false,
      server: 'https://sel.test',
      key: 'Abcdefgh…',
      startedAt: 1_000,
      finishedAt: 3_500,
      sources,
      error: null,
      resumed: false,
      journal: null,
      failures: null,
      stateError: null,
    };
    expect(runReport({ ...base, brokenConfigs: 0, stoppedBy: undefined, interrupted: false })).toMatchObject({
      startedAt: new Date(1_000).toISOString(),
      durationMs: 2_500,
      totals: { failed: 1 },
      exitCode: 3,
    });
    expect(runReport({ ...base, brokenConfigs: 0, stoppedBy: 'ERR_KEY_REJECTED', interrupted: false }).exitCode).toBe(4);
    expect(runReport({ ...base, brokenConfigs: 1, stoppedBy: 'ERR_KEY_REJECTED', interrupted: false }).exitCode).toBe(2);
    expect(runReport({ ...base, brokenConfigs: 1, stoppedBy: undefined, interrupted: true }).exitCode).toBe(130);
    expect(runReport({ ...base, sources: [], brokenConfigs: 0, stoppedBy: undefined, interrupted: false, stateError: 'disk full' })).toMatchObject({
      exitCode: 3,
      stateError: 'disk full',
    });
  });
});
