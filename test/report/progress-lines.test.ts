import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/report/progress.ts';
import { createProgressView } from '../../src/report/progress-view.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

const finished = (source: string, extra: Partial<Extract<ProgressEvent, { type: 'source-finished' }>> = {}): ProgressEvent => ({
  type: 'source-finished',
  source,
  status: 'ok',
  pages: { fetched: 2, failed: 0 },
  extracted: 7,
  invalid: 0,
  warnings: 0,
  durationMs: 1_250,
  error: null,
  ...extra,
});

/** Plays events into a view off a terminal, the clock moving a second between them. */
function play(events: ProgressEvent[], options: { mode?: 'lines' | 'quiet'; verbose?: boolean } = {}) {
  const clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
  let out = '';
  const view = createProgressView({ mode: options.mode ?? 'lines', verbose: options.verbose ?? false, clock, lines: { write: (text) => void (out += text) } });
  for (const event of events) {
    view.sink(event);
    void clock.sleep(1_000);
  }
  view.notice('warning: hall.yaml:3:1: something to fix');
  view.close();
  return out.split('\n').filter(Boolean);
}

const RUN: ProgressEvent[] = [
  { type: 'run-started', runId: '01JD9W3M5Q0X7R2V8K4T6Y1B3N', sources: 2, dryRun: false, resumed: false },
  { type: 'key-accepted', key: 'agEnTkEy…', role: 'agent' },
  { type: 'source-started', source: 'hall', method: 'jsonld' },
  { type: 'page-read', source: 'hall', url: 'https://hall.example/events', ok: true, events: 7 },
  { type: 'waiting', ms: 1_000, reason: 'next request to hall.example (--host-delay 1 s)' },
  finished('hall'),
  finished('gone', { status: 'failed', pages: { fetched: 0, failed: 1 }, extracted: 0, durationMs: 300, error: 'HTTP 404 fetching https://gone.example/' }),
  { type: 'batch-posted', batchId: 'b-1', events: 7 },
  { type: 'waiting', ms: 30_000, reason: 'the SEL server asked (Retry-After after HTTP 429)' },
  { type: 'batch-settled', batchId: 'b-1', created: 5, duplicates: 1, failed: 1, unknown: 0, reason: 'event locality "Ottawa" outside geographic boundary' },
  { type: 'batch-settled', batchId: undefined, created: 0, duplicates: 0, failed: 0, unknown: 3, reason: 'batch not accepted: HTTP 503 after 5 attempt(s)' },
];

describe('progress off a terminal', () => {
  it('prints one timestamped line per finished source and per delivery step, from the injected clock', () => {
    expect(play(RUN)).toEqual([
      '2026-11-25T12:00:00Z run 01JD9W3M5Q0X7R2V8K4T6Y1B3N: 2 sources',
      '2026-11-25T12:00:01Z key agEnTkEy… accepted (agent)',
      '2026-11-25T12:00:05Z hall: ok, 2 pages, 7 events, 1.3 s',
      '2026-11-25T12:00:06Z gone: failed, 0 pages (1 failed), 0 events, 0.3 s: HTTP 404 fetching https://gone.example/',
      '2026-11-25T12:00:07Z batch b-1: posted, 7 events',
      '2026-11-25T12:00:08Z waiting 30 s: the SEL server asked (Retry-After after HTTP 429)',
      '2026-11-25T12:00:09Z batch b-1: confirmed, 5 created, 1 duplicate, 1 failed (event locality "Ottawa" outside geographic boundary)',
      '2026-11-25T12:00:10Z batch (not accepted): settled, 3 unknown (batch not accepted: HTTP 503 after 5 attempt(s))',
      'warning: hall.yaml:3:1: something to fix',
    ]);
  });

  it('with --verbose also prints each source start, page and short wait', () => {
    const lines = play(RUN, { verbose: true });
    expect(lines).toContain('2026-11-25T12:00:02Z hall: reading (jsonld)');
    expect(lines).toContain('2026-11-25T12:00:03Z hall: read https://hall.example/events (7 event rows)');
    expect(lines).toContain('2026-11-25T12:00:04Z waiting 1.0 s: next request to hall.example (--host-delay 1 s)');
  });

  it('with --quiet prints no progress, only notices', () => {
    expect(play(RUN, { mode: 'quiet' })).toEqual(['warning: hall.yaml:3:1: something to fix']);
  });

  it('says a dry run submits nothing and a resumed run is resumed', () => {
    expect(play([{ type: 'run-started', runId: 'R', sources: 1, dryRun: true, resumed: false }])[0]).toBe(
      '2026-11-25T12:00:00Z run R: 1 source, dry run: nothing will be submitted',
    );
    expect(play([{ type: 'run-started', runId: 'R', sources: 3, dryRun: false, resumed: true }])[0]).toBe('2026-11-25T12:00:00Z run R (resumed): 3 sources');
  });
});
