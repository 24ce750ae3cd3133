import { describe, expect, it } from 'vitest';
import { loadSourceDirectory } from '../../src/sources/load.ts';
import { filterSources } from '../../src/sources/selection.ts';
import { assignShards, parseShard, sourcesInShard } from '../../src/sources/shard.ts';
import { needsReference, referenceMissing, referencePath } from '../helpers/reference.ts';

const realConfigs = referencePath('sel-configs');
const names = (n: number, prefix = 'source') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

function spread(sizes: number[]): number {
  return Math.max(...sizes) - Math.min(...sizes);
}

describe('--shard i/n', () => {
  it('parses index/count and refuses anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '2/0', '2', '2 of 4', '-1/4', '1.5/4', '1/1001', '']) expect(parseShard(bad), bad).toBeUndefined();
  });

  it('cuts names into shards whose sizes differ by at most one', () => {
    for (const [n, count] of [
      [257, 4],
      [10, 3],
      [3, 5],
      [1000, 7],
    ] as const) {
      const shards = assignShards(names(n), count);
      const sizes = Array.from({ length: count }, (_, i) => [...shards.values()].filter((s) => s === i + 1).length);
      expect(
        sizes.reduce((a, b) => a + b),
        `${n}/${count}`,
      ).toBe(n);
      expect(spread(sizes), `${n}/${count}`).toBeLessThanOrEqual(1);
    }
  });

  it('does not depend on the order the names come in', () => {
    const list = names(50);
    expect(assignShards([...list].reverse(), 4)).toEqual(assignShards(list, 4));
  });

  it('moves at most n-1 other sources when a source is added or removed', () => {
    const before = assignShards(names(257), 4);
    for (const added of names(30, 'new')) {
      const after = assignShards([...names(257), added], 4);
      const moved = names(257).filter((name) => after.get(name) !== before.get(name));
      expect(moved.length, added).toBeLessThanOrEqual(3);
    }
    const removed = assignShards(
      names(257).filter((name) => name !== 'source-100'),
      4,
    );
    expect(names(257).filter((name) => name !== 'source-100' && removed.get(name) !== before.get(name)).length).toBeLessThanOrEqual(3);
  });

  it("spreads an organisation's sources over the shards instead of keeping them together by name", () => {
    const city = names(8, 'city-of-toronto');
    const shards = new Set(city.map((name) => assignShards([...city, ...names(40)], 4).get(name)));
    expect(shards.size).toBeGreaterThan(1);
  });

  it.skipIf(referenceMissing !== undefined)(
    needsReference('puts each of the 257 real SEL configs in exactly one shard, enabled and disabled ones each balanced'),
    async () => {
      const { sources } = await loadSourceDirectory(realConfigs, { defaultTimezone: 'America/Toronto' });
      expect(sources).toHaveLength(257);
      for (const count of [1, 2, 3, 4, 8, 16]) {
        const parts = Array.from({ length: count }, (_, i) => sourcesInShard(sources, { index: i + 1, count }));
        const seen = parts.flat().map((s) => s.name);
        expect(seen.length, `n=${count}`).toBe(257);
        expect(new Set(seen).size, `n=${count}`).toBe(257);
        expect(spread(parts.map((p) => p.filter((s) => s.enabled).length)), `enabled, n=${count}`).toBeLessThanOrEqual(1);
        expect(spread(parts.map((p) => p.filter((s) => !s.enabled).length)), `disabled, n=${count}`).toBeLessThanOrEqual(1);
        expect(spread(parts.map((p) => p.length)), `all, n=${count}`).toBeLessThanOrEqual(2);
      }
    },
  );

  it('keeps the sources of a tier first, then shards them; a broken config stays in every tier', () => {
    const sources = [
      { name: 'a', enabled: true, tier: 0 },
      { name: 'b', enabled: true, tier: 1 },
      { name: 'c', enabled: true, tier: 1 },
      { name: 'broken', enabled: true },
    ];
    const broken = (s: { name: string }) => s.name === 'broken';
    expect(filterSources(sources, { tier: 1 }, broken).map((s) => s.name)).toEqual(['b', 'c', 'broken']);
    const halves = [1, 2].map((index) => filterSources(sources, { tier: 1, shard: { index, count: 2 } }, broken).map((s) => s.name));
    expect(halves.flat().sort()).toEqual(['b', 'broken', 'c']);
    expect(spread(halves.map((h) => h.length))).toBeLessThanOrEqual(1);
  });
});
