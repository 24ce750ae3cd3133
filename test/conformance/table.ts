import { expect } from 'vitest';
import type { NormalizeOutcome } from '../../src/normalize/event.ts';

/**
 * Shared shape of the conformance tables: each row is an input and what SEL's documented
 * behaviour (../shared/reference/scraper-anchor.md) says comes out, where SEL is right. Rows are
 * named by their input, so a failure reads "input → got, expected".
 */
export interface Row<I, E> {
  input: I;
  expected: E;
  /** Why the row matters, when the input alone does not say. */
  note?: string;
}

/** The test title of a row: its input as written, plus its note. */
export function title(input: unknown, note?: string): string {
  const shown = typeof input === 'string' ? JSON.stringify(input) : JSON.stringify(input)?.slice(0, 160);
  return note ? `${shown} (${note})` : (shown ?? String(input));
}

/** Rows ready for it.each: [title, row]. */
export function named<I, E>(rows: readonly Row<I, E>[]): [string, Row<I, E>][] {
  return rows.map((row) => [title(row.input, row.note), row]);
}

/** An expected outcome: the fields of a valid event, or an invalid or skipped one with its reason. */
export type ExpectedOutcome = Record<string, unknown> | { kind: 'invalid' | 'skipped'; reason: RegExp };

/** The outcomes, in order, as the table expects them; a failure shows every outcome got. */
export function expectOutcomes(got: readonly NormalizeOutcome[], expected: readonly ExpectedOutcome[]): void {
  const shown = got.map((o) => (o.kind === 'valid' ? o.event : o));
  expect(got.length, `outcomes: ${JSON.stringify(shown)}`).toBe(expected.length);
  expected.forEach((want, index) => {
    const outcome = got[index] as NormalizeOutcome;
    if ('reason' in want && want.reason instanceof RegExp) {
      expect(outcome.kind).toBe(want.kind);
      if (outcome.kind !== 'valid') expect(outcome.reason).toMatch(want.reason);
      return;
    }
    if (outcome.kind !== 'valid') throw new Error(`event ${index + 1}: expected valid, got ${outcome.kind}: ${outcome.reason}`);
    expect(outcome.event).toMatchObject(want);
  });
}
