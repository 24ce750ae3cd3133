import { keyStatus, type KeyRecord } from '../keys/api-key.ts';
import { printable } from '../keys/redact.ts';
import { keyAgeFlags, type KeyAgeFlags } from '../keys/rotation.ts';

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

/** When `list` flags a key: SEL's guide asks for rotation every 90 days. */
export interface KeyAgeLimits {
  maxAgeDays: number;
  expiryWarningDays: number;
}

/** What `list` says of a key's age: "rotate" past the limit, "expires soon" near its expiry. */
function ageNote(flags: KeyAgeFlags): string {
  return [flags.rotationDue ? 'rotate' : '', flags.expiresSoon ? 'expires soon' : ''].filter(Boolean).join(', ');
}

/** The JSON shape of a key in `list`: keyJson plus its age and flags. */
export function listedKeyJson(record: KeyRecord, nowMs: number, limits: KeyAgeLimits) {
  return { ...keyJson(record, nowMs), ...keyAgeFlags(record, nowMs, limits) };
}

const COLUMNS = ['ID', 'PREFIX', 'NAME', 'ROLE', 'STATUS', 'CREATED', 'AGE', 'LAST USED', 'EXPIRES', 'NOTE'];

/** The `list` table: full ids (so they can be pasted into `revoke`), dates in UTC, age in days. */
export function renderKeyTable(records: readonly KeyRecord[], nowMs: number, limits: KeyAgeLimits): string {
  const rows = records.map((r) => {
    const age = keyAgeFlags(r, nowMs, limits);
    return [
      r.id,
      r.prefix,
      printable(r.name),
      r.role,
      keyStatus(r, nowMs),
      formatDay(r.createdAt, ''),
      `${age.ageDays}d`,
      formatDay(r.lastUsedAt, 'never'),
      formatDay(r.expiresAt, 'never'),
      ageNote(age),
    ];
  });
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), ...rows.map(line)].join('\n');
}
