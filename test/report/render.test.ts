import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/render.ts';
import { emptyCounters, newReport, type RunReport, type SourceReport } from '../../src/report/run-report.ts';

function source(name: string, warnings: string[]): SourceReport {
  return { ...newReport({ name, file: `${name}.yaml`, method: 'jsonld' }), pages: { fetched: 1, failed: 0 }, durationMs: 100, warnings };
}

function report(sources: SourceReport[]): RunReport {
  return {
    runId: '01JD9W3M5Q0X7R2V8K4T6Y1B3N',
    dryRun: true,
    server: null,
    key: null,
    startedAt: '2026-11-25T12:00:00.000Z',
    durationMs: 100,
    sources,
    totals: emptyCounters(),
    exitCode: 0,
    error: null,
    resumed: false,
    journal: null,
    failures: null,
    stateError: null,
  };
}

const MANY = [
  'Gala: year was inferred',
  'Gala: image dropped (example.com)',
  'Fair: year was inferred',
  'Fair: no description',
  'Swap: skipped, cancelled by the source',
];

describe('warnings in the summary', () => {
  it('shows the count per source and the first three', () => {
    const text = renderSummary(report([source('hall', MANY), source('club', ['needs a browser']), source('quiet', [])]));
    expect(text).toContain(
      [
        'warnings:',
        '  hall: 5 warnings',
        '    Gala: year was inferred',
        '    Gala: image dropped (example.com)',
        '    Fair: year was inferred',
        '    … and 2 more (--verbose shows all)',
        '  club: 1 warning',
        '    needs a browser',
      ].join('\n'),
    );
    expect(text).not.toContain('quiet: 0');
  });

  it('shows every warning with --verbose', () => {
    const text = renderSummary(report([source('hall', MANY)]), { verbose: true });
    for (const warning of MANY) expect(text).toContain(`    ${warning}\n`);
    expect(text).not.toContain('more (--verbose');
  });

  it('has no warnings section when there are none', () => {
    expect(renderSummary(report([source('hall', [])]))).not.toContain('warnings:');
  });
});
