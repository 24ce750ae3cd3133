import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliIn, runWorld, type RunWorld } from '../helpers/in-process-run.ts';

// The previews through the whole CLI, in-process on a MemoryNetwork and a VirtualClock (their
// fixed 1 s host delay passes in no time).

const page = `<script type="application/ld+json">${JSON.stringify([
  { '@type': 'Event', name: 'Talk', startDate: '2027-02-01T18:00:00', location: 'Library', description: 'A talk.' },
  { '@type': 'Event', name: 'Nowhere', startDate: '2027-02-02T18:00:00' },
])}</script>`;

let world: RunWorld;

beforeAll(async () => {
  world = await runWorld({ '/events': { body: page } });
  await mkdir(path.join(world.dir, 'sources'));
  await writeFile(path.join(world.dir, 'sources', 'library.yaml'), `name: library\nurl: "${world.site.origin}/events"\nenabled: false\n`);
});

describe('previews', () => {
  it('scrape source shows the events a source yields and why others were left out, sending nothing', async () => {
    const result = await cliIn(world, ['scrape', 'source', 'library', '--sources', 'sources'], {});
    expect(result.stdout).toContain('1. Talk');
    expect(result.stdout).toContain('2027-02-01T18:00:00-05:00');
    expect(result.stdout).toMatch(/invalid: Nowhere: no location/);
    expect(result.stderr).toMatch(/disabled; previewing it anyway/);
    expect(result.code).toBe(3);
  });

  it('scrape url --json prints the EventInputs a page yields in the zone asked for', async () => {
    const result = await cliIn(world, ['scrape', 'url', `${world.site.origin}/events`, '--json', '--timezone', 'Europe/Paris'], {});
    const json = JSON.parse(result.stdout) as { events: { name: string; startDate: string }[]; invalid: unknown[] };
    expect(json.events.map((e) => [e.name, e.startDate])).toEqual([['Talk', '2027-02-01T18:00:00+01:00']]);
    expect(json.invalid).toHaveLength(1);
  });

  it('suggests the closest source name for a typo', async () => {
    const result = await cliIn(world, ['scrape', 'source', 'librar', '--sources', 'sources'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did you mean `library`?');
  });
});
