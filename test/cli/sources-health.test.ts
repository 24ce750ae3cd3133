import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HealthSummary } from '../../src/health/summary.ts';
import { FROZEN_NOW, runInProcess } from '../helpers/cli-capture.ts';

const DAY = 86_400_000;
const REPO = path.resolve(import.meta.dirname, '../..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sel-health-'));
  mkdirSync(path.join(dir, 'sources'));
  const config = (name: string, enabled: boolean, url = `https://${name}.example/events`) =>
    writeFileSync(path.join(dir, 'sources', `${name}.yaml`), `name: "${name}"\nurl: "${url}"\nenabled: ${enabled}\n`);
  config('steady', true);
  config('gone', true, 'https://user:hunter2@gone.example/events');
  config('off', false);
  config('fresh', true);
});

/** A `scrape all --json` report of one run `daysAgo` days before the frozen clock. */
function report(daysAgo: number, sources: { name: string; extracted?: number; failed?: boolean }[]): string {
  const file = path.join(dir, `run-${daysAgo}.json`);
  const startedAt = new Date(FROZEN_NOW - daysAgo * DAY).toISOString();
  writeFileSync(
    file,
    JSON.stringify({
      runId: `01RUN${daysAgo}`,
      dryRun: false,
      startedAt,
      sources: sources.map((s) => ({
        name: s.name,
        file: `${s.name}.yaml`,
        method: 'jsonld',
        status: s.failed ? 'failed' : 'ok',
        error: s.failed ? 'site unreachable: ENOTFOUND gone.example <script>alert(1)</script>' : null,
        pages: { fetched: s.failed ? 0 : 1, failed: s.failed ? 1 : 0 },
        durationMs: 10,
        warnings: [],
        problems: [],
        extracted: s.extracted ?? 0,
        invalid: 0,
        skipped: 0,
        submitted: s.extracted ?? 0,
        created: s.extracted ?? 0,
        duplicates: 0,
        failed: 0,
        unknown: 0,
      })),
    }),
  );
  return file;
}

const inDir = (...args: string[]) => runInProcess(args, { cwd: dir });

async function importNights(): Promise<void> {
  const files = [4, 3, 2, 1, 0].map((daysAgo) =>
    report(daysAgo, [
      { name: 'steady', extracted: 40 - daysAgo },
      { name: 'gone', extracted: daysAgo <= 1 ? 0 : 12, failed: daysAgo <= 1 },
      { name: 'off', failed: true },
    ]),
  );
  const run = await inDir('health', 'import', ...files);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain('15 source run(s) added');
}

describe('sources health', () => {
  it('judges every configured source from imported reports, most urgent first', async () => {
    await importNights();
    const run = await inDir('sources', 'health', '--sources', 'sources', '--json');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as HealthSummary;
    expect(summary.sources.map((s) => [s.name, s.verdict])).toEqual([
      ['gone', 'broken'],
      ['fresh', 'new'],
      ['steady', 'ok'],
      ['off', 'disabled'],
    ]);
    expect(summary.counts).toMatchObject({ broken: 1, new: 1, ok: 1, disabled: 1, dropped: 0 });
    const gone = summary.sources[0]!;
    expect(gone).toMatchObject({
      runs: 5,
      trend: [12, 12, 12, 0, 0],
      lastSuccessAt: new Date(FROZEN_NOW - 2 * DAY).toISOString(),
      failingSince: new Date(FROZEN_NOW - DAY).toISOString(),
    });
    // The link a published page would carry has no password in it.
    expect(gone.url).toBe('https://gone.example/events');
    expect(summary.thresholds).toMatchObject({ brokenAfter: 2, window: 10, dropRatio: 0.5, staleDays: 3 });
  });

  it('--fail-on turns a broken source into exit 3 for CI, and says which', async () => {
    await importNights();
    const run = await inDir('sources', 'health', '--sources', 'sources', '--fail-on', 'broken,dropped');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('1 source(s) are broken: gone');
    expect((await inDir('sources', 'health', '--sources', 'sources', '--fail-on', 'dropped')).code).toBe(0);
    expect((await inDir('sources', 'health', '--fail-on', 'borken')).code).toBe(2);
  });

  it("keeps no key an imported report's error quotes: only its prefix reaches the history", async () => {
    const key = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
    const file = report(0, [{ name: 'gone', failed: true }]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('ENOTFOUND gone.example', `server echoed ${key}`));
    const run = await runInProcess(['health', 'import', file], { cwd: dir, env: { SEL_API_KEY: key } });
    expect(run.code, run.stderr).toBe(0);
    const history = readFileSync(path.join(dir, '.sel-scraper', 'history.ndjson'), 'utf8');
    expect(history).toContain('server echoed agEnTkEy…');
    expect(history).not.toContain(key);
  });

  it('importing the same report twice adds nothing', async () => {
    const file = report(0, [{ name: 'steady', extracted: 3 }]);
    await inDir('health', 'import', file);
    const again = await inDir('health', 'import', file);
    expect(again.stdout).toContain('0 source run(s) added');
    expect(again.stdout).toContain('1 already there');
  });

  it('refuses a file that is not a report, naming the field, and still imports the others', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ runId: 'x', dryRun: false, startedAt: 'yesterday', sources: [] }));
    const run = await inDir('health', 'import', bad, report(0, [{ name: 'steady', extracted: 3 }]));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('startedAt: not a date');
    expect(run.stdout).toContain('1 source run(s) added');
  });

  it('writes the HTML page with every text escaped', async () => {
    await importNights();
    const run = await inDir('sources', 'health', '--sources', 'sources', '--html', 'health.html');
    expect(run.code).toBe(0);
    const html = readFileSync(path.join(dir, 'health.html'), 'utf8');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('hunter2');
    expect(html).not.toMatch(/(?:src|href)=["']https?:\/\/(?!gone\.example|steady\.example|fresh\.example|off\.example)/);
  });

  it('a run of scrape all adds its sources to the history', async () => {
    const args = ['scrape', 'all', '--sources', path.join(REPO, 'configs/sources'), '--fixtures', path.join(REPO, 'fixtures'), '--dry-run'];
    expect((await inDir(...args)).code).toBe(0);
    const run = await inDir('sources', 'health', '--sources', path.join(REPO, 'configs/sources'), '--json');
    const summary = JSON.parse(run.stdout) as HealthSummary;
    expect(summary.sources).toHaveLength(5);
    expect(summary.sources.every((s) => s.runs === 1 && s.verdict === 'new' && (s.last?.extracted ?? 0) > 0)).toBe(true);
  });
});
