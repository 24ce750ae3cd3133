import { createLogUpdate } from 'log-update';
import type { Clock } from '../clock.ts';
import type { ProgressEvent } from './progress.ts';
import { formatDuration, plural, progressLine } from './progress-lines.ts';
import { ProgressTally } from './progress-tally.ts';

/** The terminal a live view draws on (stderr when it is a TTY); log-update reads its size. */
export interface LiveTerminal {
  isTTY?: boolean;
  columns?: number | undefined;
  rows?: number | undefined;
  write(text: string): unknown;
  /** Takes over the lines others print on this terminal while the view is drawn (a SharedTerminal). */
  claim?(printer: (line: string) => void): () => void;
}

/** Calls `redraw` every `ms` until the returned function is called. */
export type Ticker = (redraw: () => void, ms: number) => () => void;

export interface LiveProgressOptions {
  terminal: LiveTerminal;
  clock: Clock;
  /** NO_COLOR unset and a terminal that shows colours. */
  color: boolean;
  /** --verbose: every line the non-terminal output would have, printed above the view. */
  verbose: boolean;
  /** Makes text from configs, pages and servers safe to draw: secrets redacted, control characters escaped. */
  sanitize: (text: string) => string;
  ticker?: Ticker;
}

const REDRAW_MS = 200;
const SOURCES_SHOWN = 3;

const realTicker: Ticker = (redraw, ms) => {
  const timer = setInterval(redraw, ms);
  // A view never keeps the process alive on its own.
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * A run's progress redrawn in place on a terminal: sources in flight, pages, events, batches and
 * any wait with its reason and time left. Notices (warnings, config errors) are printed above
 * the view, which moves down; `close()` removes the view, leaving the notices.
 */
export class LiveProgress {
  private readonly tally = new ProgressTally();
  private readonly draw: ReturnType<typeof createLogUpdate>;
  private readonly stopTicker: () => void;
  private readonly release: () => void;
  private closed = false;

  constructor(private readonly options: LiveProgressOptions) {
    // log-update only writes to the stream and reads its size; the injected terminal provides both.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    this.draw = createLogUpdate(options.terminal as NodeJS.WriteStream);
    this.stopTicker = (options.ticker ?? realTicker)(() => this.redraw(), REDRAW_MS);
    this.release = options.terminal.claim?.((line) => this.notice(line)) ?? (() => undefined);
  }

  event(event: ProgressEvent): void {
    if (this.closed) return;
    const now = this.options.clock.now();
    this.tally.apply(event, now);
    const line = this.options.verbose ? progressLine(event, now, true) : undefined;
    if (line !== undefined) this.persist(line);
    // Pages and waits can come by the hundred a second: the ticker draws them.
    else if (event.type !== 'page-read' && event.type !== 'waiting') this.redraw();
  }

  notice(line: string): void {
    if (this.closed) this.options.terminal.write(this.options.sanitize(line) + '\n');
    else this.persist(line);
  }

  redraw(): void {
    if (this.closed) return;
    this.draw(
      liveFrame(this.tally, this.options.clock.now(), {
        width: this.options.terminal.columns ?? 80,
        color: this.options.color,
        sanitize: this.options.sanitize,
      }),
    );
  }

  /** Removes the view; what was printed above it stays. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTicker();
    this.release();
    this.draw.clear();
    this.draw.done();
  }

  private persist(line: string): void {
    this.draw.persist(this.options.sanitize(line));
    this.redraw();
  }
}

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'green' | 'cyan';
type Row = (label: string, text: string, style?: Style) => string;
const SGR: Record<Style, [number, number]> = { bold: [1, 22], dim: [2, 22], red: [31, 39], yellow: [33, 39], green: [32, 39], cyan: [36, 39] };

/**
 * The view as text, one line per row, each cut to the terminal's width (before colouring, so
 * escape sequences are never cut). Pure: the tally and the time are given.
 */
function liveFrame(tally: ProgressTally, now: number, options: { width: number; color: boolean; sanitize: (text: string) => string }): string {
  const paint = (style: Style, text: string) => (options.color && text !== '' ? `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m` : text);
  const fit = (text: string) => {
    const clean = options.sanitize(text);
    return clean.length <= options.width - 1 ? clean : clean.slice(0, Math.max(1, options.width - 2)) + '…';
  };
  const row: Row = (label, text, style) => {
    const line = fit(`${label.padEnd(9)}${text}`);
    const head = line.slice(0, 9);
    const rest = line.slice(9);
    return paint('dim', head) + (style ? paint(style, rest) : rest);
  };

  const elapsed = tally.startedAt === undefined ? '' : ` · ${formatDuration(now - tally.startedAt)}`;
  const mode = tally.dryRun ? ' · dry run' : tally.resumed ? ' · resumed' : '';
  const kind = tally.replaying === undefined ? 'run' : 'replay';
  const lines = [paint('bold', fit(`sel-scraper · ${kind} ${tally.runId ?? '…'}${mode}${elapsed}`))];

  if (tally.replaying === undefined) lines.push(...readingRows(tally, row));
  else lines.push(row('events', `${tally.replaying} to re-submit, from ${plural(tally.sources, 'source')}`));
  if (!tally.dryRun) {
    const { created, duplicates, failed, unknown } = tally.outcomes;
    const outcomes = `${created} created · ${duplicates} duplicates${failed > 0 ? ` · ${failed} failed` : ''}${unknown > 0 ? ` · ${unknown} unknown` : ''}`;
    lines.push(
      row('batches', `${tally.batches.posted} posted · ${tally.batches.confirmed} confirmed: ${outcomes}`, failed + unknown > 0 ? 'yellow' : undefined),
    );
  }
  if (tally.reading.size > 0) {
    const names = [...tally.reading].slice(0, SOURCES_SHOWN).map(([name, r]) => `${name} (${plural(r.pages, 'page')})`);
    const more = tally.reading.size > SOURCES_SHOWN ? ` +${tally.reading.size - SOURCES_SHOWN} more` : '';
    lines.push(row('reading', names.join(', ') + more));
  }
  const waits = tally.waitsAt(now);
  const longest = waits[0];
  if (longest) {
    const others = waits.length > 1 ? ` (+${waits.length - 1} more)` : '';
    lines.push(row('waiting', `${formatDuration(longest.remainingMs)}: ${longest.reason}${others}`, 'cyan'));
  }
  return lines.join('\n');
}

/** Sources, pages and events read so far: the rows of a run that reads sources. */
function readingRows(tally: ProgressTally, row: Row): string[] {
  const trouble = [tally.done.failed > 0 ? `${tally.done.failed} failed` : '', tally.done.partial > 0 ? `${tally.done.partial} partial` : '']
    .filter(Boolean)
    .join(', ');
  const total = tally.sources > 0 ? ` of ${tally.sources}` : '';
  return [
    row(
      'sources',
      `${tally.reading.size} reading · ${tally.done.all}${total} done${trouble ? ` (${trouble})` : ''}`,
      tally.done.failed > 0 ? 'red' : tally.done.partial > 0 ? 'yellow' : undefined,
    ),
    row('pages', `${tally.pages.fetched} read${tally.pages.failed > 0 ? ` · ${tally.pages.failed} failed` : ''}`),
    row('events', `${tally.eventsSoFar} extracted${tally.invalid > 0 ? ` · ${tally.invalid} invalid` : ''}`),
  ];
}
