import { z } from 'zod';
import { parseReportText, runHeadSchema, sourceReportSchema } from '../report/report-file.ts';
import type { RunOutcome } from './history.ts';

/**
 * The part of a `scrape all --json` report the history needs: reports come from other hosts and
 * older versions (which lacked a source's file, method, duration and problems), so only these
 * fields are required, and a file that is not a report is refused with the first field that is
 * wrong, not half imported.
 */
const runOutcomeSchema = z.object({
  ...runHeadSchema,
  sources: z.array(
    sourceReportSchema.pick({
      name: true,
      runId: true,
      status: true,
      error: true,
      pages: true,
      warnings: true,
      extracted: true,
      invalid: true,
      created: true,
      duplicates: true,
      failed: true,
      unknown: true,
    }),
  ),
});

/** Parses one report file's text into what the history keeps; the error says which field is wrong. */
export function parseRunReport(text: string): { ok: true; report: RunOutcome } | { ok: false; problem: string } {
  return parseReportText(text, runOutcomeSchema);
}
