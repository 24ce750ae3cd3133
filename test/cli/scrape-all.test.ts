import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, AGENT_KEY, cliIn, runWorld, type RunWorld } from '../helpers/in-process-run.ts';
import { concert, eventsPage } from '../helpers/concert-pages.ts';
import type { RunReport as Report } from '../../src/report/run-report.ts';

// `scrape all` and `scrape replay` through the whole CLI (main), in-process on a MemoryNetwork
// and a VirtualClock: flags, environment and .env, exit codes and what is printed where. The
// delivery itself is covered in test/run/; what only a process shows, in test/e2e/.

let world: RunWorld;

async function writeSource(name: string, body: string): Promise<void> {
  await writeFile(path.join(world.dir, 'sources', `${name}.yaml`), body);
}

function scrape(args: string[], env: Record<string, string> = {}) {
  return cliIn(world, ['scrape', 'all', '--sources', 'sources', ...args], { SEL_SERVER_URL: world.sel.url, SEL_API_KEY: AGENT_KEY, ...env });
}

beforeEach(async () => {
  world = await runWorld({
    '/hall': { body: eventsPage([{ '@type': 'Organization', name: 'Hall' }, concert(1), concert(2, { offers: { price: 20, priceCurrency: 'CAD' } })]) },
    '/club': { body: eventsPage([concert(3), { '@type': 'Event', name: 'No date here', location: 'Club' }]) },
  });
  await mkdir(path.join(world.dir, 'sources'));
  await writeSource('hall', `name: hall\nurl: "${world.site.origin}/hall"\ntier: 0\nlicense: CC0-1.0\ntimezone: America/Toronto\n`);
});

describe('scrape all (CLI in-process)', () => {
  it('delivers every event of a good run, prints the JSON report on stdout and the summary on stderr (exit 0)', async () => {
    const result = await scrape(['--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as Report;
    expect(json.runId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(json.sources).toEqual([expect.objectContaining({ name: 'hall', status: 'ok', extracted: 2, submitted: 2, created: 2 })]);
    const stored = [...world.sel.events.values()].map((e) => e.event);
    expect(stored.map((e) => [e.name, e.startDate])).toEqual([
      ['Concert 1', '2027-01-01T20:00:00-05:00'],
      ['Concert 2', '2027-01-02T20:00:00-05:00'],
    ]);
    expect(stored[1]?.offers).toEqual({ price: '20', priceCurrency: 'CAD' });
    expect(stored[0]?.source).toEqual({
      url: `${world.site.origin}/hall`,
      eventId: `${world.site.origin}/events/concert-1`,
      name: 'hall',
      license: 'https://creativecommons.org/publicdomain/zero/1.0/',
    });
    expect(result.stderr).toContain('CREATED');
    for (const request of world.sel.requests) expect(request.userAgent).toMatch(/^sel-scraper\/\d/);
  });

  it('stops before fetching anything when the key is rejected (exit 4)', async () => {
    const result = await scrape([], { SEL_API_KEY: 'wrong-key-1234567890' });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/rejected API key wrong-ke…/);
    expect(world.site.hits).toEqual([]);
  });

  it('refuses an admin key unless --allow-admin-key is given', async () => {
    const refused = await scrape([], { SEL_API_KEY: ADMIN_KEY });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/admin key/);
    expect(world.site.hits).toEqual([]);
    const allowed = await scrape(['--allow-admin-key'], { SEL_API_KEY: ADMIN_KEY });
    expect(allowed.code).toBe(0);
  });

  it('reports a broken config with file:line:col and still delivers the other sources (exit 2)', async () => {
    await writeSource('broken', `name: broken\nurl: "${world.site.origin}/club"\nmax_page: 3\n`);
    const result = await scrape(['--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.yaml:3:1: error: unknown key "max_page" \(did you mean `max_pages`\?\)/);
    const json = JSON.parse(result.stdout) as Report;
    expect(json.sources.find((s) => s.name === 'broken')).toMatchObject({ status: 'failed' });
    expect(json.sources.find((s) => s.name === 'hall')).toMatchObject({ status: 'ok', created: 2 });
  });

  it('fails only the hostile configs (alias bomb, oversized file, backtracking filter) and delivers the others (exit 2)', async () => {
    // The sitemap names the site's own origin, known once the world exists: the page table is shared.
    const pages: Record<string, { body: string; headers?: Record<string, string> }> = { '/hall': { body: eventsPage([concert(1), concert(2)]) } };
    world = await runWorld(pages);
    pages['/sitemap.xml'] = {
      body: `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${world.site.origin}/${'a'.repeat(5_000)}!</loc></url></urlset>`,
      headers: { 'content-type': 'application/xml' },
    };
    await mkdir(path.join(world.dir, 'sources'));
    await writeSource('hall', `name: hall\nurl: "${world.site.origin}/hall"\ntimezone: America/Toronto\n`);
    const laughs = ['name: bomb', `url: "${world.site.origin}/hall"`, 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let level = 1; level <= 9; level++)
      laughs.push(
        `l${level}: &l${level} [${Array(9)
          .fill(`*l${level - 1}`)
          .join(', ')}]`,
      );
    await writeSource('bomb', laughs.join('\n') + '\n');
    await writeSource('huge', `name: huge\nurl: "${world.site.origin}/hall"\nnotes: "${'x'.repeat(1_100_000)}"\n`);
    await writeSource(
      'regex',
      `name: regex\nurl: "${world.site.origin}/hall"\nsitemap:\n  url: "${world.site.origin}/sitemap.xml"\n  filter_pattern: "/(a+)+$"\n  rate_limit_ms: 1\n`,
    );
    const result = await scrape(['--json']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/bomb\.yaml:\d+:\d+: error: YAML: document contains excessive aliasing/);
    expect(result.stderr).toMatch(/huge\.yaml:1:1: error: file is \d+ bytes, over the 1048576-byte \(1 MiB\) limit/);
    const json = JSON.parse(result.stdout) as Report;
    expect(json.sources.map((s) => [s.name, s.status])).toEqual([
      ['bomb', 'failed'],
      ['hall', 'ok'],
      ['huge', 'failed'],
      ['regex', 'ok'],
    ]);
    expect(json.sources.find((s) => s.name === 'hall')).toMatchObject({ created: 2 });
  });

  it('reports one failing source and delivers the others (exit 3)', async () => {
    await writeSource('gone', `name: gone\nurl: "${world.site.origin}/missing-page"\n`);
    await writeSource('club', `name: club\nurl: "${world.site.origin}/club"\ndefault_location:\n  name: The Club\n`);
    const result = await scrape(['--json']);
    expect(result.code).toBe(3);
    const json = JSON.parse(result.stdout) as Report;
    expect(json.sources.find((s) => s.name === 'gone')).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 404') });
    expect(json.sources.find((s) => s.name === 'club')).toMatchObject({ status: 'partial', invalid: 1, created: 1 });
    expect(json.sources.find((s) => s.name === 'hall')).toMatchObject({ status: 'ok', created: 2 });
  });

  it('writes the submitted events as NDJSON with --out, in a dry run without key or server', async () => {
    const result = await scrape(['--dry-run', '--out', 'events.ndjson'], { SEL_API_KEY: '', SEL_SERVER_URL: '' });
    expect(result.code).toBe(0);
    const lines = (await readFile(path.join(world.dir, 'events.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string });
    expect(lines.map((e) => e.name)).toEqual(['Concert 1', 'Concert 2']);
    expect(world.sel.requests).toEqual([]);
  });

  it('treats a missing key as a usage error (exit 2) with a hint', async () => {
    const result = await scrape([], { SEL_API_KEY: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no SEL API key[\s\S]*hint: set SEL_API_KEY/);
  });

  it('exits 5 when the SEL server cannot be reached, after its retries, having fetched nothing', async () => {
    const result = await scrape([], { SEL_SERVER_URL: 'http://unreachable.test' });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/cannot reach the SEL server at http:\/\/unreachable\.test: ECONNREFUSED/);
    // The client backed off between its five attempts before giving up.
    expect(world.clock.sleeps.length).toBeGreaterThanOrEqual(4);
    expect(world.site.hits).toEqual([]);
  });

  it('reads the key from .env in the working directory, the environment winning over it and the flag over both', async () => {
    await writeFile(path.join(world.dir, '.env'), `SEL_SERVER_URL=${world.sel.url}\nSEL_API_KEY=wrong-key-from-dotenv\n`);
    const fromFile = await cliIn(world, ['scrape', 'all', '--sources', 'sources'], {});
    expect(fromFile.code).toBe(4);
    const envWins = await cliIn(world, ['scrape', 'all', '--sources', 'sources'], { SEL_API_KEY: AGENT_KEY });
    expect(envWins.code).toBe(0);
    const flagWins = await cliIn(world, ['scrape', 'all', '--sources', 'sources', '--key', 'wrong-key-from-flag'], { SEL_API_KEY: AGENT_KEY });
    expect(flagWins.code).toBe(4);
  });

  it('resumes the latest run with --resume, and refuses to resume it against another server', async () => {
    await writeSource('gone', `name: gone\nurl: "${world.site.origin}/missing-page"\n`);
    const first = JSON.parse((await scrape(['--json'])).stdout) as Report;
    const elsewhere = await scrape(['--resume'], { SEL_SERVER_URL: 'http://other.test' });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`run ${first.runId} was sent to ${world.sel.url}, not http://other.test`);
    // Every event of that run has its verdict: a resume finds nothing left to do and says so.
    const resumed = await scrape(['--resume', '--json']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`run ${first.runId} is already complete`);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId: first.runId, resumed: true, totals: { created: 2 } });
  });
});

describe('scrape replay (CLI in-process)', () => {
  it('sends the events of a failures file again and reports them per source (exit 0)', async () => {
    let outside = true;
    world = await runWorld(
      { '/hall': { body: eventsPage([concert(1), concert(2, { location: { '@type': 'Place', name: 'Far Hall', address: { addressLocality: 'Ottawa' } } })]) } },
      { rejectItem: (event) => (outside && String(JSON.stringify(event.location)).includes('Ottawa') ? 'outside geographic boundary' : undefined) },
    );
    await mkdir(path.join(world.dir, 'sources'));
    await writeSource('hall', `name: hall\nurl: "${world.site.origin}/hall"\n`);
    const first = JSON.parse((await scrape(['--json'])).stdout) as Report & { failures: { file: string } };
    expect(first.totals).toMatchObject({ created: 1, failed: 1 });
    outside = false;
    const replay = await cliIn(world, ['scrape', 'replay', first.failures.file, '--json'], { SEL_SERVER_URL: world.sel.url, SEL_API_KEY: AGENT_KEY });
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({
      totals: { created: 1, failed: 0 },
      sources: [{ name: 'hall', method: 'replay', created: 1 }],
      failures: null,
    });
    expect(replay.stderr).toContain('CREATED');
  });
});
