import { sourcesInShard, type Shard } from './shard.ts';

/** `--tier` and `--shard`: which of the loaded sources a run (or a listing) covers. */
export interface SourceFilter {
  /** SEL's `scrape all --tier`: only sources whose `tier` field is this (ICS sources count by theirs, 0 by default). */
  tier?: number | undefined;
  shard?: Shard | undefined;
}

/**
 * The sources `filter` keeps, in their order: the tier first, then the shard of what is left,
 * so `--tier 1 --shard 2/4` balances the tier-1 sources. A broken config's tier is unknown, so
 * it stays in every tier: a run must not lose a broken source silently.
 */
export function filterSources<T extends { name: string; enabled: boolean; tier?: number | null }>(
  sources: readonly T[],
  filter: SourceFilter,
  isBroken: (source: T) => boolean,
): T[] {
  const ofTier = filter.tier === undefined ? [...sources] : sources.filter((s) => isBroken(s) || s.tier === filter.tier);
  return filter.shard ? sourcesInShard(ofTier, filter.shard) : ofTier;
}
