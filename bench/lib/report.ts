import { readFileSync } from 'node:fs';
import os from 'node:os';

/** One line naming the machine a figure was measured on: figures mean nothing without it. */
export function machineLine(): string {
  return `machine: ${os.availableParallelism()} cpus (${cpuModel()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.arch()}`;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]?.trim() ?? 'unknown cpu';
  } catch {
    // Not Linux: os.cpus() still names the model on macOS and Windows.
  }
  return os.cpus()[0]?.model ?? 'unknown cpu';
}

export function print(line = ''): void {
  process.stdout.write(line + '\n');
}

/** A plain-text table: first row is the header, numbers right-aligned. */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const widths = cells[0]?.map((_, col) => Math.max(...cells.map((row) => row[col]?.length ?? 0))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, col) => (col > 0 && /^[-\d.,×%]+( \w+)?$/.test(cell) ? cell.padStart(widths[col] ?? 0) : cell.padEnd(widths[col] ?? 0)))
      .join('  ')
      .trimEnd();
  const [header, ...body] = cells;
  return [line(header ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** `--name value` flags of a bench command, with defaults; unknown flags are an error. */
export function flags<T extends Record<string, number | string>>(defaults: T, argv = process.argv.slice(2)): T {
  const out: Record<string, number | string> = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, '') ?? '';
    const value = argv[i + 1];
    if (!(name in defaults) || value === undefined) {
      throw new Error(
        `unknown or incomplete flag ${argv[i]}; flags: ${Object.keys(defaults)
          .map((k) => `--${k}`)
          .join(' ')}`,
      );
    }
    out[name] = typeof defaults[name] === 'number' ? Number(value) : value;
  }
  return out as T;
}
