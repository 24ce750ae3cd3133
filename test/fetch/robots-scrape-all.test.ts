import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventSite, type PrintedReport } from '../helpers/delivery-fixtures.ts';
import { cliIn, runWorld } from '../helpers/in-process-run.ts';

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
