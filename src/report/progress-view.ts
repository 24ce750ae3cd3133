import type { Clock, OnWait } from '../clock.ts';
import type { ProgressSink } from './progress.ts';
import { LiveProgress, type LiveTerminal, type Ticker } from './progress-live.ts';
import { progressLine } from './progress-lines.ts';

/** live: redrawn in place on a terminal; lines: one timestamped line per step; quiet: notices only. */
export type ProgressMode = 'live' | 'lines' | 'quiet';

/** Where a run's progress and notices go while it runs. */
export interface ProgressView {
  readonly sink: ProgressSink;
  /** Waits of the fetch layer and the SEL client, shown as progress. */
  readonly onWait: OnWait;
  /** A warning or error for the person watching: shown in every mode, --quiet included. */
  notice(line: string): void;
  /** Ends the view before the summary is printed. */
  close(): void;
}

export interface ProgressViewOptions {
  mode: ProgressMode;
  verbose: boolean;
  clock: Clock;
  /** Lines and notices off a terminal (stderr through the redactor, which escapes control characters). */
  lines: { write(text: string): void };
  /** Required for `live`. */
  terminal?: LiveTerminal;
  color?: boolean;
  sanitize?: (text: string) => string;
  ticker?: Ticker;
}

export function createProgressView(options: ProgressViewOptions): ProgressView {
  const { clock, lines } = options;
  if (options.mode === 'live' && options.terminal) {
    const live = new LiveProgress({
      terminal: options.terminal,
      clock,
      color: options.color ?? false,
      verbose: options.verbose,
      sanitize: options.sanitize ?? ((text) => text),
      ...(options.ticker ? { ticker: options.ticker } : {}),
    });
    return {
      sink: (event) => live.event(event),
      onWait: (wait) => live.event({ type: 'waiting', ...wait }),
      notice: (line) => live.notice(line),
      close: () => live.close(),
    };
  }
  const sink: ProgressSink =
    options.mode === 'quiet'
      ? () => undefined
      : (event) => {
          const line = progressLine(event, clock.now(), options.verbose);
          if (line !== undefined) lines.write(line + '\n');
        };
  return {
    sink,
    onWait: (wait) => sink({ type: 'waiting', ...wait }),
    notice: (line) => lines.write(line + '\n'),
    close: () => undefined,
  };
}
