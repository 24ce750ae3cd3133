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
