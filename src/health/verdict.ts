import type { HistoryEntry } from './history.ts';

/** From most to least in need of a person's attention; the page and the table sort by it. */
export const VERDICTS = ['broken', 'dropped', 'degraded', 'stale', 'new', 'ok', 'disabled'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The verdicts that mean someone should look at the source. */
export const ATTENTION: ReadonlySet<Verdict> = new Set(['broken', 'dropped', 'degraded', 'stale']);

/** Every threshold a verdict uses; the defaults are documented in README (Source health). */
export interface HealthThresholds {
  /** Failed runs in a row that make a source broken. */
  brokenAfter: number;
  /** Recent runs the median is taken over. */
  window: number;
  /** A yield below this share of the recent median is a drop. */
  dropRatio: number;
  /** Medians below this are too small to call a drop (a source with 2 events has 0 some weeks). */
  minMedian: number;
  /** Rise of the invalid share (invalid / extracted) over its recent median that degrades a source. */
  invalidRise: number;
  /** Days since the last run after which a source is stale. */
  staleDays: number;
  /** Runs a source needs before drops and trends mean anything. */
  minRuns: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = { brokenAfter: 2, window: 10, dropRatio: 0.5, minMedian: 5, invalidRise: 0.2, staleDays: 3, minRuns: 3 };

export interface SourceIdentity {
  name: string;
  enabled: boolean;
  url: string | null;
}

export interface SourceHealth extends SourceIdentity {
  verdict: Verdict;
  reason: string;
  runs: number;
  /** Events extracted per run, oldest first, over the recent window (the sparkline). */
  trend: number[];
  last: { runId: string; at: string; status: HistoryEntry['status']; extracted: number; error: string | null } | null;
  lastSuccessAt: string | null;
  /** Start of the current run of failures, when the last run failed. */
  failingSince: string | null;
}

const DAY_MS = 86_400_000;

/** What a source's history says about it now. Pure: history in (oldest first), verdict out. */
export function judgeSource(source: SourceIdentity, history: readonly HistoryEntry[], thresholds: HealthThresholds, nowMs: number): SourceHealth {
  const recent = history.slice(-thresholds.window);
  const last = history.at(-1);
  const streak = failureStreak(history);
  const base: Omit<SourceHealth, 'verdict' | 'reason'> = {
    ...source,
    runs: history.length,
    trend: recent.map((e) => e.extracted),
    last: last ? { runId: last.runId, at: last.at, status: last.status, extracted: last.extracted, error: last.error } : null,
    lastSuccessAt: history.findLast((e) => e.status !== 'failed')?.at ?? null,
    failingSince: streak > 0 ? (history.at(-streak)?.at ?? null) : null,
  };
  const [verdict, reason] = decide(source, history, streak, thresholds, nowMs);
  return { ...base, verdict, reason };
}

function decide(source: SourceIdentity, history: readonly HistoryEntry[], streak: number, t: HealthThresholds, nowMs: number): [Verdict, string] {
  if (!source.enabled) return ['disabled', 'disabled in its config'];
  const last = history.at(-1);
  if (!last) return ['new', 'never run'];
  if (streak >= t.brokenAfter) return ['broken', `failed ${streak} run(s) in a row${last.error ? `: ${last.error}` : ''}`];

  const before = history.slice(0, -1).slice(-t.window);
  // A run that skipped unchanged sitemap pages yields less by design: it says nothing about a drop.
  const yielded = before.filter((e) => e.status !== 'failed' && !e.unchanged);
  const median = yielded.length > 0 ? medianOf(yielded.map((e) => e.extracted)) : 0;
  if (
    last.status !== 'failed' &&
    !last.unchanged &&
    history.length >= t.minRuns &&
    yielded.length >= t.minRuns - 1 &&
    median >= t.minMedian &&
    last.extracted < median * t.dropRatio
  ) {
    return ['dropped', `yielded ${last.extracted} event(s) against a median of ${median} over its previous ${yielded.length} run(s)`];
  }

  const degraded = degradation(last, before, streak, t);
  if (degraded) return ['degraded', degraded];

  const ageDays = (nowMs - Date.parse(last.at)) / DAY_MS;
  if (ageDays > t.staleDays) return ['stale', `not run for ${Math.floor(ageDays)} day(s) (last run ${last.at.slice(0, 10)})`];
  if (history.length < t.minRuns) return ['new', `${history.length} run(s) so far; trends need ${t.minRuns}`];
  return ['ok', `yielded ${last.extracted} event(s)${yielded.length > 0 ? ` (median ${median})` : ''}`];
}

/** New trouble in the last run that did not stop it: one failure, midnight times, invalid events or warnings rising. */
function degradation(last: HistoryEntry, before: readonly HistoryEntry[], streak: number, t: HealthThresholds): string | undefined {
  if (streak > 0) return `its last run failed (${t.brokenAfter} in a row make it broken)${last.error ? `: ${last.error}` : ''}`;
  if (last.allMidnight && !before.some((e) => e.allMidnight)) return 'its events now all start at midnight: the time is no longer found (all_midnight)';
  if (before.length === 0) return undefined;
  const share = (e: HistoryEntry) => (e.extracted > 0 ? e.invalid / e.extracted : 0);
  const usualShare = medianOf(before.map(share));
  if (last.invalid >= 3 && share(last) - usualShare >= t.invalidRise) {
    return `invalid events rose to ${percent(share(last))} of those extracted (usually ${percent(usualShare)})`;
  }
  const usualWarnings = medianOf(before.map((e) => e.warnings));
  if (last.warnings >= usualWarnings * 2 + 5) return `warnings rose to ${last.warnings} (usually ${usualWarnings})`;
  return undefined;
}

function failureStreak(history: readonly HistoryEntry[]): number {
  let streak = 0;
  for (let i = history.length - 1; i >= 0 && history[i]?.status === 'failed'; i--) streak++;
  return streak;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** Sources in order of need: broken first, then by name. */
export function byAttention(a: SourceHealth, b: SourceHealth): number {
  return VERDICTS.indexOf(a.verdict) - VERDICTS.indexOf(b.verdict) || a.name.localeCompare(b.name);
}
