import { createHash } from 'node:crypto';

/** `--shard <index>/<count>`: this process runs the index-th of count parts (1-based). */
export interface Shard {
  index: number;
  count: number;
}

/** Enough for any CI matrix or Indexed Job; a typo such as 1/1000000 is caught. */
export const MAX_SHARDS = 1000;

/** "2/4" as a shard; undefined for anything else (0/4, 5/4, 2/0, "2 of 4"). */
export function parseShard(text: string): Shard | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count ? { index, count } : undefined;
}

/**
 * Which shard (1-based) each name falls in. Names are ordered by a hash of the name, and that
 * order is cut into `count` runs of equal length (sizes differ by at most one). Ordering by hash
 * rather than by name spreads the sources of one organisation (`city-of-toronto-*`, usually
 * one host) across the shards, so the per-host politeness delay does not serialise one shard.
 * Cutting contiguous runs rather than dealing round-robin keeps the split stable: a source added
 * or removed shifts the cut points by one place, so at most count-1 other sources change shard
 * (round-robin would move nearly every source after it). Rendezvous hashing would move none but
 * leaves shards unbalanced by a few sources each; equal shards matter more to a CI matrix, which
 * waits for its slowest job. Names compare case-insensitively, as source names do.
 */
export function assignShards(names: readonly string[], count: number): Map<string, number> {
  const ordered = names
    .map((name) => ({ name, key: hashOf(name) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const shards = new Map<string, number>();
  ordered.forEach(({ name }, rank) => shards.set(name, Math.floor((rank * count) / ordered.length) + 1));
  return shards;
}

function hashOf(name: string): string {
  return createHash('sha256').update(name.toLowerCase()).digest('hex');
}

/**
 * The part of `sources` that shard `shard` runs. Sources that will be read and disabled ones are
 * split separately, so each shard gets its even share of real work, and every source (disabled
 * ones too, which a report lists) is in exactly one shard.
 */
export function sourcesInShard<T extends { name: string; enabled: boolean }>(sources: readonly T[], shard: Shard): T[] {
  const enabled = assignShards(
    sources.filter((s) => s.enabled).map((s) => s.name),
    shard.count,
  );
  const disabled = assignShards(
    sources.filter((s) => !s.enabled).map((s) => s.name),
    shard.count,
  );
  return sources.filter((s) => (s.enabled ? enabled : disabled).get(s.name) === shard.index);
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
