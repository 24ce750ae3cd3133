import { describe, expect, it } from 'vitest';
import { escapeControl, Redactor } from '../../src/keys/redact.ts';
import { LiveProgress, type Ticker } from '../../src/report/progress-live.ts';
import { SharedTerminal } from '../../src/report/terminal.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { FakeTerminal } from '../helpers/fake-terminal.ts';

function live(options: { color?: boolean; verbose?: boolean; redactor?: Redactor } = {}) {
  const terminal = new FakeTerminal();
  const clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
  let tick: () => void = () => undefined;
  let stopped = false;
  const ticker: Ticker = (redraw) => {
    tick = redraw;
    return () => void (stopped = true);
  };
  const redactor = options.redactor ?? new Redactor();
  const view = new LiveProgress({
    terminal,
    clock,
    color: options.color ?? false,
    verbose: options.verbose ?? false,
    sanitize: (text) => redactor.redact(escapeControl(text)),
    ticker,
  });
  return { terminal, clock, view, tick: () => tick(), stopped: () => stopped };
}

describe('the live view on a terminal', () => {
  it('shows a replay as the events it re-submits and their batches, not as sources being read', () => {
    const { terminal, view, tick } = live();
    view.event({ type: 'run-started', runId: '01JD9W3M5Q0X7R2V8K4T6Y1B3N', sources: 2, dryRun: false, resumed: false, replaying: 6 });
    view.event({ type: 'batch-posted', batchId: 'b-1', events: 6 });
    tick();
    expect(terminal.screen).toEqual([
      'sel-scraper · replay 01JD9W3M5Q0X7R2V8K4T6Y1B3N · 0.0 s',
      'events   6 to re-submit, from 2 sources',
      'batches  1 posted · 0 confirmed: 0 created · 0 duplicates',
    ]);
  });

  it('redraws sources in flight, pages, events, batches and the wait with its reason in place', async () => {
    const { terminal, clock, view, tick } = live();
    view.event({ type: 'run-started', runId: '01JD9W3M5Q0X7R2V8K4T6Y1B3N', sources: 4, dryRun: false, resumed: false });
    view.event({ type: 'source-started', source: 'hall', method: 'jsonld' });
    view.event({ type: 'source-started', source: 'club', method: 'css' });
    view.event({ type: 'page-read', source: 'hall', url: 'https://hall.example/', ok: true, events: 3 });
    view.event({ type: 'source-started', source: 'gone', method: 'jsonld' });
    view.event({ type: 'page-read', source: 'gone', url: 'https://gone.example/', ok: false, events: 0, error: 'HTTP 404' });
    view.event({
      type: 'source-finished',
      source: 'gone',
      status: 'failed',
      pages: { fetched: 0, failed: 1 },
      extracted: 0,
      invalid: 0,
      warnings: 0,
      durationMs: 10,
      error: 'HTTP 404',
    });
    view.event({ type: 'batch-posted', batchId: 'b-1', events: 3 });
    view.event({ type: 'batch-settled', batchId: 'b-1', created: 2, duplicates: 1, failed: 0, unknown: 0 });
    view.event({ type: 'waiting', ms: 30_000, reason: 'the SEL server asked (Retry-After after HTTP 429)' });
    await clock.sleep(2_000);
    tick();
    expect(terminal.screen).toEqual([
      'sel-scraper · run 01JD9W3M5Q0X7R2V8K4T6Y1B3N · 2.0 s',
      'sources  2 reading · 1 of 4 done (1 failed)',
      'pages    1 read · 1 failed',
      'events   3 extracted',
      'batches  1 posted · 1 confirmed: 2 created · 1 duplicates',
      'reading  hall (1 page), club (0 pages)',
      'waiting  28 s: the SEL server asked (Retry-After after HTTP 429)',
    ]);
    await clock.sleep(10_000);
    tick();
    expect(terminal.screen.at(-1)).toBe('waiting  18 s: the SEL server asked (Retry-After after HTTP 429)');
    await clock.sleep(20_000);
    view.event({
      type: 'source-finished',
      source: 'hall',
      status: 'ok',
      pages: { fetched: 1, failed: 0 },
      extracted: 3,
      invalid: 0,
      warnings: 0,
      durationMs: 10,
      error: null,
    });
    tick();
    expect(terminal.screen.slice(1, 2)).toEqual(['sources  1 reading · 2 of 4 done (1 failed)']);
    expect(terminal.screen.join('\n')).not.toContain('waiting');
  });

  it('prints notices above the view, and close() removes the view and leaves them', () => {
    const { terminal, view, stopped } = live();
    view.event({ type: 'run-started', runId: 'R', sources: 1, dryRun: true, resumed: false });
    view.notice('warning: broken.yaml:3:1: unknown key "max_page"');
    view.event({ type: 'source-started', source: 'hall', method: 'jsonld' });
    expect(terminal.screen[0]).toBe('warning: broken.yaml:3:1: unknown key "max_page"');
    expect(terminal.screen[1]).toMatch(/^sel-scraper · run R · dry run/);
    view.close();
    expect(terminal.screen).toEqual(['warning: broken.yaml:3:1: unknown key "max_page"']);
    expect(stopped()).toBe(true);
  });

  it('cuts each line to the terminal width instead of wrapping it', () => {
    const { terminal, view, tick } = live();
    terminal.columns = 40;
    view.event({ type: 'waiting', ms: 5_000, reason: 'a very long reason that goes on and on past the edge of the terminal' });
    tick();
    for (const line of terminal.screen) expect(line.length).toBeLessThan(40);
    expect(terminal.screen.at(-1)).toMatch(/^waiting {2}5\.0 s: a very long reason.*…$/);
  });

  it('escapes control characters and redacts secrets in what sites and configs named', () => {
    const redactor = new Redactor();
    redactor.addKey('sEcReTkEy-0123456789abcdefghijklmnopqrstuvw');
    const { terminal, view, tick } = live({ redactor });
    view.event({ type: 'source-started', source: 'evil\u001b[2Jname', method: 'jsonld' });
    tick();
    view.notice('warning: server said sEcReTkEy-0123456789abcdefghijklmnopqrstuvw');
    expect(terminal.raw).not.toContain('\u001b[2J');
    expect(terminal.raw).toContain('evil\\u001b[2Jname');
    expect(terminal.raw).not.toContain('sEcReTkEy-0');
  });

  it('colours trouble unless colour is off (NO_COLOR)', () => {
    const coloured = live({ color: true });
    const plain = live({ color: false });
    for (const { view, tick } of [coloured, plain]) {
      view.event({
        type: 'source-finished',
        source: 'gone',
        status: 'failed',
        pages: { fetched: 0, failed: 1 },
        extracted: 0,
        invalid: 0,
        warnings: 0,
        durationMs: 10,
        error: 'HTTP 404',
      });
      tick();
    }
    expect(coloured.terminal.raw).toContain('\u001b[31m');
    // eslint-disable-next-line no-control-regex
    expect(plain.terminal.raw).not.toMatch(/\u001b\[\d+m/);
  });

  it('with --verbose prints the progress lines above the view as well', () => {
    const { terminal, view } = live({ verbose: true });
    view.event({ type: 'source-started', source: 'hall', method: 'jsonld' });
    expect(terminal.screen[0]).toBe('2026-11-25T12:00:00Z hall: reading (jsonld)');
  });

  it('takes over what others print on a shared terminal (the Ctrl-C notice), so it lands above the view', () => {
    const screen = new FakeTerminal();
    screen.columns = 100;
    const terminal = new SharedTerminal(screen);
    const view = new LiveProgress({ terminal, clock: new FakeClock(), color: false, verbose: false, sanitize: (text) => text, ticker: () => () => undefined });
    view.event({ type: 'run-started', runId: 'R', sources: 1, dryRun: true, resumed: false });
    terminal.print('interrupted: finishing what is in flight (press Ctrl-C again to quit at once)');
    expect(screen.screen[0]).toBe('interrupted: finishing what is in flight (press Ctrl-C again to quit at once)');
    expect(screen.screen[1]).toMatch(/^sel-scraper · run R/);
    view.close();
    terminal.print('after the view');
    expect(screen.screen).toEqual(['interrupted: finishing what is in flight (press Ctrl-C again to quit at once)', 'after the view']);
  });
});
