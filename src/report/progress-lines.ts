import type { ProgressEvent } from './progress.ts';

/** Off a terminal, a wait shorter than this goes unmentioned (host spacing, the rate limit's pacing) unless --verbose. */
const LONG_WAIT_MS = 5_000;

/**
 * One line of a run's progress off a terminal (a log file, CI): each finished source and each
 * delivery step, stamped with the time; with `verbose`, every source start, page and wait too.
 * Undefined for events not worth a line.
 */
export function progressLine(event: ProgressEvent, at: number, verbose: boolean): string | undefined {
  const text = describe(event, verbose);
  return text === undefined ? undefined : `${timestamp(at)} ${text}`;
}

function describe(event: ProgressEvent, verbose: boolean): string | undefined {
  switch (event.type) {
    case 'run-started':
      if (event.replaying !== undefined) return `replay ${event.runId}: ${plural(event.replaying, 'event')} of ${plural(event.sources, 'source')} to re-submit`;
      return `run ${event.runId}${event.resumed ? ' (resumed)' : ''}: ${plural(event.sources, 'source')}${event.dryRun ? ', dry run: nothing will be submitted' : ''}`;
    case 'key-accepted':
      return `key ${event.key} accepted (${event.role})`;
    case 'source-started':
      return verbose ? `${event.source}: reading (${event.method})` : undefined;
    case 'page-read':
      if (!verbose) return undefined;
      return event.ok
        ? `${event.source}: read ${event.url} (${plural(event.events, 'event row')})`
        : `${event.source}: failed ${event.url}: ${event.error ?? 'unknown error'}`;
    case 'source-finished': {
      const parts = [
        event.status,
        event.pages.failed > 0 ? `${plural(event.pages.fetched, 'page')} (${event.pages.failed} failed)` : plural(event.pages.fetched, 'page'),
        event.invalid > 0 ? `${plural(event.extracted, 'event')} (${event.invalid} invalid)` : plural(event.extracted, 'event'),
        ...(event.warnings > 0 ? [plural(event.warnings, 'warning')] : []),
        formatDuration(event.durationMs),
      ];
      return `${event.source}: ${parts.join(', ')}${event.error ? `: ${event.error}` : ''}`;
    }
    case 'batch-posted':
      return `batch ${event.batchId}: posted, ${plural(event.events, 'event')}`;
    case 'batch-settled': {
      const counts = [
        event.created > 0 ? `${event.created} created` : undefined,
        event.duplicates > 0 ? plural(event.duplicates, 'duplicate') : undefined,
        event.failed > 0 ? `${event.failed} failed` : undefined,
        event.unknown > 0 ? `${event.unknown} unknown` : undefined,
      ].filter((part) => part !== undefined);
      const verb = event.batchId !== undefined && event.unknown === 0 ? 'confirmed' : 'settled';
      const why = event.reason && event.failed + event.unknown > 0 ? ` (${event.reason})` : '';
      return `batch ${event.batchId ?? '(not accepted)'}: ${verb}, ${counts.join(', ') || 'no events'}${why}`;
    }
    case 'waiting':
      return verbose || event.ms >= LONG_WAIT_MS ? `waiting ${formatDuration(event.ms)}: ${event.reason}` : undefined;
  }
}

/** 2026-11-25T12:00:03Z: sortable, unambiguous in a log kept for months. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "0.4 s", "28 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
