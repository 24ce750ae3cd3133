import type { Wait } from '../clock.ts';
import type { SourceStatus } from './run-report.ts';

/**
 * What a run tells whoever watches it, as it happens. The run emits these and never writes to
 * a stream; the renderers in this folder turn them into a live view or timestamped lines.
 */
export type ProgressEvent =
  /** `replaying`: a `scrape replay` of this many events, read from a failures file instead of sources. */
  | { type: 'run-started'; runId: string; sources: number; dryRun: boolean; resumed: boolean; replaying?: number }
  | { type: 'key-accepted'; key: string; role: string }
  | { type: 'source-started'; source: string; method: string }
  | { type: 'page-read'; source: string; url: string; ok: boolean; events: number; error?: string }
  | {
      type: 'source-finished';
      source: string;
      /** How reading went; deliveries may still change the source's final status. */
      status: SourceStatus;
      pages: { fetched: number; failed: number };
      extracted: number;
      invalid: number;
      warnings: number;
      durationMs: number;
      error: string | null;
    }
  | { type: 'batch-posted'; batchId: string; events: number }
  /** A batch's events have their outcomes: confirmed by the server, or given up on. */
  | { type: 'batch-settled'; batchId: string | undefined; created: number; duplicates: number; failed: number; unknown: number; reason?: string }
  | ({ type: 'waiting' } & Wait);

export type ProgressSink = (event: ProgressEvent) => void;
