import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MergedReport } from '../../src/report/merge.ts';
import type { RunReport } from '../../src/report/run-report.ts';
import type { SourcePreview } from '../../src/run/preview.ts';
import { runInProcess } from '../helpers/cli-capture.ts';

// SEL's scrape commands we lacked (list, --tier, --limit) and the way out of one machine
// (--shard, report merge), through the CLI as a user runs them, offline on the bundled demo.
const root = path.resolve(import.meta.dirname, '../..');
const SOURCES = path.join(root, 'configs/sources');
const FIXTURES = path.join(root, 'fixtures');
const DRY_RUN = ['scrape', 'all', '--sources', SOURCES, '--fixtures', FIXTURES, '--dry-run', '--json', '--host-delay', '0'];

interface Listed {
  sources: { name: string; tier: number | null; method: string | null; enabled: boolean; schedule: string | null; url: string | null; broken: boolean }[];
}

async function json<T>(args: string[]): Promise<{ code: number; value: T; stderr: string }> {
  const run = await runInProcess(args);
  return { code: run.code, value: JSON.parse(run.stdout) as T, stderr: run.stderr };
}

describe('sources list', () => {
  it("lists name, URL, tier, method, enabled and schedule, as SEL's scrape list", async () => {
    const run = await runInProcess(['sources', 'list', '--sources', SOURCES]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+URL\s+TIER\s+METHOD\s+ENABLED\s+SCHEDULE$/);
    expect(lines).toContainEqual(expect.stringMatching(/^riverside-theatre\s+https:\/\/riversidetheatre\.test\/whats-on\s+0\s+sitemap\+jsonld\s+yes\s+daily$/));
    expect(run.stdout).toContain('5 source(s): 5 enabled, 0 disabled');
  });

  it('prints JSON, and with --shard exactly the sources each shard of scrape all runs', async () => {
    const all = (await json<Listed>(['sources', 'list', '--sources', SOURCES, '--json'])).value.sources.map((s) => s.name);
    expect(all).toHaveLength(5);
    const listed: string[][] = [];
    for (const index of [1, 2]) {
      const shard = (await json<Listed>(['sources', 'list', '--sources', SOURCES, '--json', '--shard', `${index}/2`])).value.sources.map((s) => s.name);
      const run = await json<RunReport>([...DRY_RUN, '--shard', `${index}/2`]);
      expect(run.value.sources.map((s) => s.name)).toEqual(shard);
      expect(run.value.shard).toEqual({ index, count: 2 });
      listed.push(shard);
    }
    expect(listed.flat().sort()).toEqual([...all].sort());
    expect(Math.abs(listed[0]!.length - listed[1]!.length)).toBeLessThanOrEqual(1);
  });

  it('lists a broken config (scrape all reports it failed) with its error on stderr, and refuses an empty folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sel-list-'));
    writeFileSync(path.join(dir, 'good.yaml'), 'name: good\nurl: https://good.test/\n');
    writeFileSync(path.join(dir, 'bad.yaml'), 'name: bad\nurl: https://bad.test/\nmax_page: 3\n');
    const run = await runInProcess(['sources', 'list', '--sources', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^bad\s+-\s+-\s+-\s+BROKEN\s+-$/m);
    expect(run.stderr).toContain('bad.yaml:3:1: error: unknown key "max_page"');
    const empty = await runInProcess(['sources', 'list', '--sources', mkdtempSync(path.join(tmpdir(), 'sel-empty-'))]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no source configs in .*\nhint: point --sources at a folder/);
  });
});

describe('--tier and --limit', () => {
  it('scrape all --tier n runs only sources whose tier is n; ICS sources count by theirs (0 by default)', async () => {
    const run = await json<RunReport>([...DRY_RUN, '--tier', '0']);
    expect(run.value.sources.map((s) => s.name)).toEqual(['cedar-park-community-calendar', 'lakeshore-arts-centre', 'riverside-theatre']);
    expect((await json<RunReport>([...DRY_RUN, '--tier', '3'])).value.sources.map((s) => s.name)).toEqual(['harbour-jazz-club']);
    expect((await runInProcess([...DRY_RUN, '--tier', '4'])).code).toBe(2);
  });

  it('scrape all --limit n submits at most n events per source; the rest are skipped, said once, and the source stays ok', async () => {
    const run = await json<RunReport>([...DRY_RUN, '--limit', '2']);
    const maplewood = run.value.sources.find((s) => s.name === 'maplewood-community-hall');
    expect(maplewood).toMatchObject({ status: 'ok', extracted: 7, submitted: 2, skipped: 5 });
    expect(maplewood?.warnings.filter((w) => w.includes('--limit'))).toEqual(['5 more event(s) not submitted: --limit 2']);
    expect(run.value.sources.every((s) => s.submitted <= 2)).toBe(true);
    expect(run.code).toBe(0);
    const unlimited = (await json<RunReport>(DRY_RUN)).value.totals.submitted;
    expect((await json<RunReport>([...DRY_RUN, '--limit', '0'])).value.totals.submitted).toBe(unlimited);
    expect(unlimited).toBeGreaterThan(run.value.totals.submitted);
  });

  it('scrape source --limit n shows n events', async () => {
    const run = await json<SourcePreview>([
      'scrape',
      'source',
      'maplewood-community-hall',
      '--sources',
      SOURCES,
      '--fixtures',
      FIXTURES,
      '--json',
      '--limit',
      '2',
    ]);
    expect(run.value.events).toHaveLength(2);
    expect(run.value.warnings).toContain('5 more event(s) not shown: --limit 2');
  });

  it("scrape source --tier n reads the source as tier n, and refuses with SEL's message when its config cannot be", async () => {
    const asJsonLd = await json<SourcePreview>([
      'scrape',
      'source',
      'maplewood-community-hall',
      '--sources',
      SOURCES,
      '--fixtures',
      FIXTURES,
      '--json',
      '--tier',
      '0',
    ]);
    expect(asJsonLd.value.method).toBe('jsonld');
    expect(asJsonLd.stderr).toContain('note: reading maplewood-community-hall as tier 0 (jsonld); its config says tier 1 (css)');
    const refused = await runInProcess(['scrape', 'source', 'lakeshore-arts-centre', '--sources', SOURCES, '--fixtures', FIXTURES, '--tier', '1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('lakeshore-arts-centre cannot be read as tier 1: selectors.event_list: required for tier 1');
  });
});

describe('two shards and report merge', () => {
  it('merges the shards of a dry run into the report of the whole run, and refuses a report given twice', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sel-shards-'));
    const whole = (await json<RunReport>(DRY_RUN)).value;
    for (const index of [1, 2]) {
      const run = await runInProcess([...DRY_RUN, '--shard', `${index}/2`]);
      await writeFile(path.join(dir, `shard-${index}.json`), run.stdout);
    }
    const merged = await runInProcess(['report', 'merge', 'shard-1.json', 'shard-2.json', '--json'], { cwd: dir });
    expect(merged.code).toBe(0);
    const report = JSON.parse(merged.stdout) as MergedReport;
    expect(report.totals).toEqual(whole.totals);
    expect(report.sources.map((s) => s.name).sort()).toEqual(whole.sources.map((s) => s.name).sort());
    expect(report.shards.map((s) => s.shard)).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    expect(merged.stderr).toContain('merged from 2 report(s):');

    const twice = await runInProcess(['report', 'merge', 'shard-1.json', 'shard-1.json'], { cwd: dir });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('is reported twice');
    const alone = await runInProcess(['report', 'merge', 'shard-2.json'], { cwd: dir });
    expect(alone.code).toBe(3);
    expect(alone.stdout).toContain('error: no report from shard 1/2: its sources were not accounted for');
  });

  it('names a file that is not a report, and an empty one as a run that stopped before it began', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sel-merge-'));
    await mkdir(path.join(dir, 'r'));
    await writeFile(path.join(dir, 'r', 'empty.json'), '');
    await writeFile(path.join(dir, 'r', 'other.json'), '{"hello":1}');
    const empty = await runInProcess(['report', 'merge', 'r/empty.json'], { cwd: dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/empty\.json: not JSON .*\nhint: the run wrote no report/);
    const other = await runInProcess(['report', 'merge', 'r/other.json'], { cwd: dir });
    expect(other.stderr).toContain('other.json: not a scrape all --json report: runId:');
  });
});

describe('sources schema', () => {
  it('prints the JSON Schema editors use', async () => {
    const run = await json<{ $id: string; properties: Record<string, unknown> }>(['sources', 'schema']);
    expect(run.code).toBe(0);
    expect(run.value.$id).toMatch(/schema\/source\.schema\.json$/);
    expect(Object.keys(run.value.properties)).toContain('sitemap');
  });
});
