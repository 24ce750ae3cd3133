import { z } from 'zod';
import { describeError } from '../errors.ts';
import { MAX_SHARDS } from '../sources/shard.ts';
import type { RunReport } from './run-report.ts';

const count = z.number().int().nonnegative();
const counters = { extracted: count, invalid: count, skipped: count, submitted: count, created: count, duplicates: count, failed: count, unknown: count };

/** One source of a report; `runId` is set on the sources of a merged report. */
export const sourceReportSchema = z.looseObject({
  name: z.string().min(1),
  runId: z.string().min(1).optional(),
  file: z.string(),
  method: z.string(),
  status: z.enum(['ok', 'partial', 'failed', 'disabled']),
  error: z.string().nullable(),
  pages: z.looseObject({ fetched: count, failed: count, unchanged: count.optional() }),
  durationMs: count,
  warnings: z.array(z.string()),
  problems: z.array(
    z.looseObject({ status: z.enum(['invalid', 'failed', 'unknown']), name: z.string().optional(), eventId: z.string().optional(), reason: z.string() }),
  ),
  ...counters,
});

/** What identifies a run in its report. */
export const runHeadSchema = {
  runId: z.string().min(1),
  dryRun: z.boolean(),
  startedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date'),
};

/**
 * A whole `scrape all --json` report, checked field by field: reports to merge come from other
 * machines. Loose objects, so that fields this version does not know pass through a merge.
 */
const runReportSchema = z.looseObject({
  ...runHeadSchema,
  server: z.string().nullable(),
  key: z.string().nullable(),
  durationMs: count,
  sources: z.array(sourceReportSchema),
  totals: z.looseObject(counters),
  exitCode: z.number().int().min(0).max(255),
  error: z.string().nullable(),
  resumed: z.boolean(),
  journal: z.string().nullable(),
  failures: z.looseObject({ file: z.string(), events: count }).nullable(),
  stateError: z.string().nullable(),
  shard: z
    .object({ index: z.number().int().min(1), count: z.number().int().min(1).max(MAX_SHARDS) })
    .refine((s) => s.index <= s.count, 'index beyond count')
    .optional(),
});

/** One report file's text as a run report, or the first field that is wrong. */
export function parseFullRunReport(text: string): { ok: true; report: RunReport } | { ok: false; problem: string } {
  const parsed = parseReportText(text, runReportSchema);
  return parsed.ok ? { ok: true, report: parsed.report as RunReport } : parsed;
}

/** A report file's text checked against `schema` (all of a report, or the part a reader needs), or the first field that is wrong. */
export function parseReportText<T>(text: string, schema: z.ZodType<T>): { ok: true; report: T } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON (${describeError(error)})` };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `not a scrape all --json report: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'unexpected shape'}` };
  }
  return { ok: true, report: parsed.data };
}
