import { z } from 'zod';
import { describeError } from '../errors.ts';
import type { RunOutcome } from './history.ts';

/**
 * The part of a `scrape all --json` report the history needs, checked: reports come from other
 * hosts and older versions, so a file that is not one is refused with the first field that is
 * wrong, not half imported.
 */
const ReportSchema = z.object({
  runId: z.string().min(1),
  dryRun: z.boolean(),
  startedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date'),
  sources: z.array(
    z.object({
      name: z.string().min(1),
      runId: z.string().min(1).optional(),
      status: z.enum(['ok', 'partial', 'failed', 'disabled']),
      error: z.string().nullable(),
      pages: z.object({
        fetched: z.number().int().nonnegative(),
        failed: z.number().int().nonnegative(),
        unchanged: z.number().int().nonnegative().optional(),
      }),
      warnings: z.array(z.string()),
      extracted: z.number().int().nonnegative(),
      invalid: z.number().int().nonnegative(),
      created: z.number().int().nonnegative(),
      duplicates: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      unknown: z.number().int().nonnegative(),
    }),
  ),
});

/** Parses one report file's text; the error says which field is wrong. */
export function parseRunReport(text: string): { ok: true; report: RunOutcome } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON (${describeError(error)})` };
  }
  const parsed = ReportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `not a scrape all --json report: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'unexpected shape'}` };
  }
  return { ok: true, report: parsed.data };
}
