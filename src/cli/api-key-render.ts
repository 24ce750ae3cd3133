import { keyStatus, type KeyRecord } from '../keys/api-key.ts';

/** Names come from the database; control characters in them must not drive the terminal. */
export function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, '?');
}

/** RFC 3339 in UTC to the second: what the server itself prints, without the noise. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function formatDay(date: Date | null, none: string): string {
  return date ? date.toISOString().slice(0, 10) : none;
}

/** A key in one phrase for messages: `"lakeshore" (agent, id …, prefix Ab3dE_9x)`. */
export function describeRecord(record: KeyRecord): string {
  return `"${printable(record.name)}" (${record.role}, id ${record.id}, prefix ${record.prefix})`;
}

/** The JSON shape of a key, shared by every command's --json output. */
export function keyJson(record: KeyRecord, nowMs: number) {
  return {
    id: record.id,
    prefix: record.prefix,
    name: record.name,
    role: record.role,
    status: keyStatus(record, nowMs),
    sourceId: record.sourceId,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    expiresAt: record.expiresAt?.toISOString() ?? null,
  };
}

const COLUMNS = ['ID', 'PREFIX', 'NAME', 'ROLE', 'STATUS', 'CREATED', 'LAST USED', 'EXPIRES'];

/** The `list` table: full ids (so they can be pasted into `revoke`), dates in UTC. */
export function renderKeyTable(records: readonly KeyRecord[], nowMs: number): string {
  const rows = records.map((r) => [
    r.id,
    r.prefix,
    printable(r.name),
    r.role,
    keyStatus(r, nowMs),
    formatDay(r.createdAt, ''),
    formatDay(r.lastUsedAt, 'never'),
    formatDay(r.expiresAt, 'never'),
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), ...rows.map(line)].join('\n');
}
