import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { FakeSelServer } from '../helpers/fake-sel-server.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';

const AGENT_KEY = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
const ADMIN_KEY = 'aDmInKeY-0123456789abcdefghijklmnopqrstuvwx';

function eventsPage(events: object[]): string {
  return `<html><head><script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@graph': events })}</script></head><body></body></html>`;
}

function concert(n: number, extra: object = {}): object {
  return {
    '@type': 'MusicEvent',
    name: `Concert ${n}`,
    description: 'Live music.',
    startDate: `2027-01-${String(n).padStart(2, '0')}T20:00:00`,
    url: `/events/concert-${n}`,
    location: { '@type': 'Place', name: 'The Hall', address: { streetAddress: '1 Queen St', addressLocality: 'Toronto', addressRegion: 'ON' } },
    ...extra,
  };
}

let site: FixtureSite;
let sel: FakeSelServer;
let dir: string;

async function writeSource(name: string, body: string): Promise<void> {
  await writeFile(path.join(dir, 'sources', `${name}.yaml`), body);
}

async function run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['scrape', 'all', '--sources', 'sources', '--poll-timeout', '5', ...args], {
    cwd: dir,
    env: { SEL_SERVER_URL: sel.url, SEL_API_KEY: AGENT_KEY, ...env },
  });
}

beforeEach(async () => {
  site = await new FixtureSite({
    '/hall': { body: eventsPage([{ '@type': 'Organization', name: 'Hall' }, concert(1), concert(2, { offers: { price: 20, priceCurrency: 'CAD' } })]) },
    '/club': { body: eventsPage([concert(3), { '@type': 'Event', name: 'No date here', location: 'Club' }]) },
  }).start();
  sel = await new FakeSelServer({ keys: { [AGENT_KEY]: 'agent', [ADMIN_KEY]: 'admin' } }).start();
  dir = await mkdtemp(path.join(tmpdir(), 'sel-e2e-'));
  await import('node:fs/promises').then((fs) => fs.mkdir(path.join(dir, 'sources')));
  await writeSource('hall', `name: hall\nurl: "${site.origin}/hall"\ntier: 0\nlicense: CC0-1.0\ntimezone: America/Toronto\n`);
});

afterEach(async () => {
  await site.stop();
  await sel.stop();
});

function report(result: CliResult) {
  return JSON.parse(result.stdout) as {
    runId: string;
    exitCode: number;
    sources: { name: string; status: string; error: string | null; created: number; failed: number; unknown: number; invalid: number; submitted: number; extracted: number }[];
    totals: Record<string, number>;
  };
}

describe('sel-scraper scrape all', () => {
  it('delivers every event of a good run and confirms each as created (exit 0)', async () => {
    const result = await run(['--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = report(result);
    expect(json.runId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(json.sources).toEqual([expect.objectContaining({ name: 'hall', status: 'ok', extracted: 2, submitted: 2, created: 2 })]);
    const stored = [...sel.events.values()].map((e) => e.event);
    expect(stored.map((e) => [e.name, e.startDate])).toEqual([
      ['Concert 1', '2027-01-01T20:00:00-05:00'],
      ['Concert 2', '2027-01-02T20:00:00-05:00'],
    ]);
    expect(stored[1]?.offers).toEqual({ price: '20', priceCurrency: 'CAD' });
    expect(stored[0]?.source).toEqual({ url: `${site.origin}/hall`, eventId: `${site.origin}/events/concert-1`, name: 'hall', license: 'https://creativecommons.org/publicdomain/zero/1.0/' });
    expect(result.stderr).toContain('CREATED');
  });

  it('reports re-sent events as duplicates on a second run', async () => {
    await run([]);
    const second = report(await run(['--json']));
    expect(second.sources[0]).toMatchObject({ created: 0, submitted: 2 });
    expect(second.totals.duplicates).toBe(2);
    expect(second.exitCode).toBe(0);
  });

  it('stops before fetching anything when the key is rejected (exit 4)', async () => {
    const result = await run([], { SEL_API_KEY: 'wrong-key-1234567890' });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/rejected API key wrong-ke…/);
    expect(site.hits).toEqual([]);
  });

  it('refuses an admin key unless --allow-admin-key is given', async () => {
    const refused = await run([], { SEL_API_KEY: ADMIN_KEY });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/admin key/);
    expect(site.hits).toEqual([]);
    const allowed = await run(['--allow-admin-key'], { SEL_API_KEY: ADMIN_KEY });
    expect(allowed.code).toBe(0);
  });

  it('reports a broken config with file:line:col and still delivers the other sources (exit 2)', async () => {
    await writeSource('broken', `name: broken\nurl: "${site.origin}/club"\nmax_page: 3\n`);
    const result = await run(['--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.yaml:3:1: error: unknown key "max_page" \(did you mean `max_pages`\?\)/);
    const json = report(result);
    expect(json.sources.find((s) => s.name === 'broken')).toMatchObject({ status: 'failed' });
    expect(json.sources.find((s) => s.name === 'hall')).toMatchObject({ status: 'ok', created: 2 });
  });

  it('fails only the hostile configs (alias bomb, oversized file, backtracking filter) and delivers the others (exit 2)', async () => {
    const sitemapSite = await new FixtureSite({
      '/sitemap.xml': {
        body: `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${site.origin}/${'a'.repeat(5_000)}!</loc></url></urlset>`,
        headers: { 'content-type': 'application/xml' },
      },
    }).start();
    try {
      const laughs = ['name: bomb', `url: "${site.origin}/club"`, 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let level = 1; level <= 9; level++) laughs.push(`l${level}: &l${level} [${Array(9).fill(`*l${level - 1}`).join(', ')}]`);
      await writeSource('bomb', laughs.join('\n') + '\n');
      await writeSource('huge', `name: huge\nurl: "${site.origin}/club"\nnotes: "${'x'.repeat(1_100_000)}"\n`);
      await writeSource('regex', `name: regex\nurl: "${site.origin}/club"\nsitemap:\n  url: "${sitemapSite.origin}/sitemap.xml"\n  filter_pattern: "/(a+)+$"\n  rate_limit_ms: 1\n`);
      const result = await run(['--json']);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/bomb\.yaml:\d+:\d+: error: YAML: document contains excessive aliasing/);
      expect(result.stderr).toMatch(/huge\.yaml:1:1: error: file is \d+ bytes, over the 1048576-byte \(1 MiB\) limit/);
      const json = report(result);
      expect(json.sources.map((s) => [s.name, s.status])).toEqual([
        ['bomb', 'failed'],
        ['hall', 'ok'],
        ['huge', 'failed'],
        ['regex', 'ok'],
      ]);
      expect(json.sources.find((s) => s.name === 'hall')).toMatchObject({ created: 2 });
    } finally {
      await sitemapSite.stop();
    }
  });

  it('reports one failing source and delivers the others (exit 3)', async () => {
    await writeSource('gone', `name: gone\nurl: "${site.origin}/missing-page"\n`);
    await writeSource('club', `name: club\nurl: "${site.origin}/club"\ndefault_location:\n  name: The Club\n`);
    const result = await run(['--json']);
    expect(result.code).toBe(3);
    const json = report(result);
    expect(json.sources.find((s) => s.name === 'gone')).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 404') });
    expect(json.sources.find((s) => s.name === 'club')).toMatchObject({ status: 'partial', invalid: 1, created: 1 });
    expect(json.sources.find((s) => s.name === 'hall')).toMatchObject({ status: 'ok', created: 2 });
  });

  it('counts a batch the server never confirms as unknown, not created (exit 3)', async () => {
    await sel.stop();
    sel = await new FakeSelServer({ keys: { [AGENT_KEY]: 'agent' }, neverComplete: () => true }).start();
    const result = await runCli(['scrape', 'all', '--sources', 'sources', '--poll-timeout', '2', '--json'], { cwd: dir, env: { SEL_SERVER_URL: sel.url, SEL_API_KEY: AGENT_KEY } });
    expect(result.code).toBe(3);
    expect(report(result).sources[0]).toMatchObject({ created: 0, unknown: 2, status: 'partial' });
  });

  it('writes the submitted events as NDJSON with --out', async () => {
    const result = await run(['--dry-run', '--out', 'events.ndjson'], { SEL_API_KEY: '', SEL_SERVER_URL: '' });
    expect(result.code).toBe(0);
    const lines = (await readFile(path.join(dir, 'events.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { name: string });
    expect(lines.map((e) => e.name)).toEqual(['Concert 1', 'Concert 2']);
    expect(sel.requests).toEqual([]);
  });

  it('treats a missing key as a usage error (exit 2) with a hint', async () => {
    const result = await run([], { SEL_API_KEY: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no SEL API key[\s\S]*hint: set SEL_API_KEY/);
  });

  it('exits 5 when the SEL server cannot be reached', async () => {
    const result = await run([], { SEL_SERVER_URL: 'http://127.0.0.1:9' });
    expect(result.code).toBe(5);
    expect(site.hits).toEqual([]);
  }, 60_000);

  it('reads the key from .env in the working directory, the environment winning over it', async () => {
    await writeFile(path.join(dir, '.env'), `SEL_SERVER_URL=${sel.url}\nSEL_API_KEY=wrong-key-from-dotenv\n`);
    const fromFile = await runCli(['scrape', 'all', '--sources', 'sources'], { cwd: dir });
    expect(fromFile.code).toBe(4);
    const envWins = await runCli(['scrape', 'all', '--sources', 'sources'], { cwd: dir, env: { SEL_API_KEY: AGENT_KEY } });
    expect(envWins.code).toBe(0);
    const flagWins = await runCli(['scrape', 'all', '--sources', 'sources', '--key', 'wrong-key-from-flag'], { cwd: dir, env: { SEL_API_KEY: AGENT_KEY } });
    expect(flagWins.code).toBe(4);
  });

  it('never shows more than the 8-character prefix of the key, whatever happens', async () => {
    await writeSource('gone', `name: gone\nurl: "${site.origin}/missing-page"\n`);
    const outputs = [
      await run(['--json']),
      await run([], { SEL_API_KEY: ADMIN_KEY }),
      await run(['--key', ADMIN_KEY]),
      await run([], { SEL_SERVER_URL: 'not a url' }),
    ];
    for (const output of outputs) {
      for (const key of [AGENT_KEY, ADMIN_KEY]) {
        expect(output.stdout + output.stderr).not.toContain(key.slice(0, 9));
      }
    }
    expect(outputs[1]?.stderr).toContain('aDmInKeY…');
    for (const request of sel.requests) expect(request.userAgent).toMatch(/^sel-scraper\/\d/);
  });
});
