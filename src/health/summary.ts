import { groupBySource, type HistoryEntry } from './history.ts';
import { printable } from '../keys/redact.ts';
import { byAttention, judgeSource, VERDICTS, type HealthThresholds, type SourceHealth, type SourceIdentity, type Verdict } from './verdict.ts';

export interface HealthSummary {
  generatedAt: string;
  thresholds: HealthThresholds;
  counts: Record<Verdict, number>;
  /** Sources needing attention first. */
  sources: SourceHealth[];
}

/**
 * Every source's health. With `configs` (the --sources folder), those sources are judged, the
 * disabled ones as disabled, and history of sources no longer configured is left out; without
 * it, every source the history knows is judged as enabled.
 */
export function summarizeHealth(
  configs: readonly SourceIdentity[] | undefined,
  history: readonly HistoryEntry[],
  thresholds: HealthThresholds,
  nowMs: number,
): HealthSummary {
  const bySource = groupBySource(history);
  const identities = configs ?? [...bySource.keys()].map((name) => ({ name, enabled: true, url: null }));
  const sources = identities.map((source) => judgeSource(source, bySource.get(source.name) ?? [], thresholds, nowMs)).sort(byAttention);
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const source of sources) counts[source.verdict]++;
  return { generatedAt: new Date(nowMs).toISOString(), thresholds, counts, sources };
}

const BARS = '▁▂▃▄▅▆▇█';

/** A trend in eight block characters, scaled to its own maximum, for the terminal table. */
function textSparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.round((v / max) * (BARS.length - 1)))])).join('');
}

export function renderHealthTable(summary: HealthSummary): string {
  const rows = summary.sources.map((s) => [
    s.verdict.toUpperCase(),
    printable(s.name),
    s.last ? s.last.at.slice(0, 16).replace('T', ' ') : '-',
    s.last ? String(s.last.extracted) : '-',
    textSparkline(s.trend),
    printable(s.reason),
  ]);
  const header = ['VERDICT', 'SOURCE', 'LAST RUN (UTC)', 'EVENTS', 'TREND', 'WHY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Array.from(r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - Array.from(cell).length))))
      .join('  ')
      .trimEnd();
  const counts = VERDICTS.filter((v) => summary.counts[v] > 0).map((v) => `${summary.counts[v]} ${v}`);
  return [line(header), ...rows.map(line), '', `${summary.sources.length} source(s): ${counts.join(', ') || 'none'}`].join('\n');
}
