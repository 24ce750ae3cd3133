import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';

const page = `<script type="application/ld+json">${JSON.stringify([
  { '@type': 'Event', name: 'Talk', startDate: '2027-02-01T18:00:00', location: 'Library', description: 'A talk.' },
  { '@type': 'Event', name: 'Nowhere', startDate: '2027-02-02T18:00:00' },
])}</script>`;

let site: FixtureSite;
let dir: string;

beforeAll(async () => {
  site = await new FixtureSite({ '/events': { body: page } }).start();
  dir = await mkdtemp(path.join(tmpdir(), 'sel-preview-'));
  await mkdir(path.join(dir, 'sources'));
  await writeFile(path.join(dir, 'sources', 'library.yaml'), `name: library\nurl: "${site.origin}/events"\nenabled: false\n`);
});

afterAll(async () => {
  await site.stop();
});

describe('previews', () => {
  it('scrape source shows the events a source yields and why others were left out, sending nothing', async () => {
    const result = await runCli(['scrape', 'source', 'library', '--sources', 'sources'], { cwd: dir });
    expect(result.stdout).toContain('1. Talk');
    expect(result.stdout).toContain('2027-02-01T18:00:00-05:00');
    expect(result.stdout).toMatch(/invalid: Nowhere: no location/);
    expect(result.stderr).toMatch(/disabled; previewing it anyway/);
    expect(result.code).toBe(3);
  });

  it('scrape url --json prints the EventInputs a page yields in the zone asked for', async () => {
    const result = await runCli(['scrape', 'url', `${site.origin}/events`, '--json', '--timezone', 'Europe/Paris'], { cwd: dir });
    const json = JSON.parse(result.stdout) as { events: { name: string; startDate: string }[]; invalid: unknown[] };
    expect(json.events.map((e) => [e.name, e.startDate])).toEqual([['Talk', '2027-02-01T18:00:00+01:00']]);
    expect(json.invalid).toHaveLength(1);
  });

  it('suggests the closest source name for a typo', async () => {
    const result = await runCli(['scrape', 'source', 'librar', '--sources', 'sources'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did you mean `library`?');
  });
});
