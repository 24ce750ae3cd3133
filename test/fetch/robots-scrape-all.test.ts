import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { eventSite, workDir, type PrintedReport } from '../helpers/delivery-fixtures.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';
import { cliIn, runWorld } from '../helpers/in-process-run.ts';
import { closedPort } from '../helpers/loopback.ts';

let site: FixtureSite | undefined;
afterEach(async () => {
  await site?.stop();
  site = undefined;
});

async function dryRun(robots: string | undefined, args: string[] = []) {
  const spec = eventSite({ sources: 1, pages: 1, perPage: 3 });
  const { site, dir, ...world } = await runWorld({
    ...spec.pages,
    '/private/events': spec.pages['/s1/page-1']!,
    ...(robots === undefined ? {} : { '/robots.txt': { body: robots, headers: { 'content-type': 'text/plain' } } }),
  });
  await spec.writeSources(dir, site.origin);
  await writeFile(path.join(dir, 'sources', 'private.yaml'), `name: private\nurl: "${site.origin}/private/events"\n`);
  const { code, stdout } = await cliIn({ site, dir, ...world }, ['scrape', 'all', '--sources', 'sources', '--dry-run', '--json', ...args], {});
  return { code, report: JSON.parse(stdout) as PrintedReport, hits: site.hits, origin: site.origin };
}

describe('scrape all and robots.txt', () => {
  it('skips a source robots.txt disallows for sel-scraper, says so, and reads the others', async () => {
    const { code, report, hits, origin } = await dryRun('User-agent: sel-scraper\nDisallow: /private\n');
    expect(report.sources.find((s) => s.name === 'private')).toMatchObject({
      status: 'failed',
      error: `skipped by robots.txt: ${origin}/robots.txt disallows "sel-scraper" from /private/events`,
    });
    expect(report.sources.find((s) => s.name === 's1')).toMatchObject({ status: 'ok' });
    expect(hits).not.toContain('/private/events');
    expect(hits.filter((h) => h === '/robots.txt')).toHaveLength(1);
    expect(code).toBe(3);
  });

  it('reads every source of a site without robots.txt (404)', async () => {
    const { code, report } = await dryRun(undefined);
    expect(report.sources.map((s) => s.status)).toEqual(['ok', 'ok']);
    expect(code).toBe(0);
  });

  it('applies the rules for other crawlers only to them', async () => {
    const { code, hits } = await dryRun('User-agent: GPTBot\nDisallow: /\n');
    expect(hits).toContain('/private/events');
    expect(code).toBe(0);
  });
});

describe('scrape all and sites that cannot be reached', () => {
  /** A dry run of one source per origin; the fake clock lets robots.txt retries pass at once. */
  async function dryRunOf(origins: string[]) {
    const dir = await workDir('sel-unreachable-');
    await mkdir(path.join(dir, 'sources'));
    for (const [i, origin] of origins.entries()) await writeFile(path.join(dir, 'sources', `s${i + 1}.yaml`), `name: s${i + 1}\nurl: "${origin}/events"\n`);
    let stdout = '';
    let stderr = '';
    const code = await main(['scrape', 'all', '--sources', 'sources', '--dry-run', '--json', '--host-delay', '0'], {
      env: {},
      cwd: dir,
      stdout: { write: (text) => void (stdout += text) },
      stderr: { write: (text) => void (stderr += text) },
      clock: new FakeClock(),
    });
    return { code, report: JSON.parse(stdout) as PrintedReport, summary: stderr };
  }

  it('names a site that refuses connections as unreachable, and says no site could be reached when none could', async () => {
    const ports = [await closedPort(), await closedPort()];
    const { code, report, summary } = await dryRunOf(ports.map((port) => `http://127.0.0.1:${port}`));
    expect(report.sources.map((s) => [s.status, s.error])).toEqual(
      ports.map((port) => ['failed', `site unreachable: 127.0.0.1:${port} refused the connection (ECONNREFUSED)`]),
    );
    expect(report.error).toBe('no site could be reached: is this machine offline?');
    expect(summary).toContain('\nerror: no site could be reached: is this machine offline?\n');
    expect(code).toBe(3);
  });

  it('does not call the machine offline when one site answered', async () => {
    site = await new FixtureSite({ '/events': { body: '<html></html>' } }).start();
    const { report } = await dryRunOf([site.origin, `http://127.0.0.1:${await closedPort()}`]);
    expect(report.sources.map((s) => s.status)).toEqual(['ok', 'failed']);
    expect(report.error).toBeNull();
  });
});
