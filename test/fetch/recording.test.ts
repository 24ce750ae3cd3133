import { createServer } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ResponseRecorder } from '../../src/fetch/recording.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { eventSite } from '../helpers/delivery-fixtures.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';
import { closeServer, listenOnLoopback } from '../helpers/loopback.ts';

const TOKEN = 'sekret-token-4f9a2c71';
const COOKIE = 'session=cookie-value-8d1e0b';

let site: FixtureSite | undefined;
afterEach(async () => {
  await site?.stop();
  site = undefined;
});

function jsonLdPage(names: string[], extra = ''): string {
  const events = names.map((name, i) => ({
    '@type': 'Event',
    name,
    startDate: `2027-01-${String(i + 10).padStart(2, '0')}T19:30:00-05:00`,
    url: `/shows/${i + 1}`,
    location: { '@type': 'Place', name: 'Lakeshore Hall', address: { addressLocality: 'Toronto', addressRegion: 'ON' } },
  }));
  return `<html><head><script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@graph': events })}</script></head><body>${extra}</body></html>`;
}

async function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    env,
    cwd,
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    clock: new FakeClock(),
  });
  return { code, stdout, stderr };
}

/** Every file of a folder, recursively, as text. */
async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(path.join(e.parentPath, e.name), 'utf8')));
  return texts.join('\n');
}

describe('scrape source --record', () => {
  it('saves a live read as a fixture folder that replays to the same events, with no cookie or credential in it', async () => {
    site = await new FixtureSite({
      '/robots.txt': { body: 'User-agent: *\nAllow: /\n', headers: { 'content-type': 'text/plain' } },
      '/events': { status: 301, headers: { location: '/events/' }, body: '' },
      // The page quotes the credential the request carried, as a debug page might.
      '/events/': {
        headers: { 'content-encoding': 'gzip', 'set-cookie': COOKIE },
        body: gzipSync(jsonLdPage(['Winter Concert', 'Spring Recital'], `<!-- auth: Bearer ${TOKEN} -->`)),
      },
    }).start();
    const dir = await mkdtemp(path.join(tmpdir(), 'sel-record-'));
    await mkdir(path.join(dir, 'sources'));
    await writeFile(
      path.join(dir, 'sources', 'hall.yaml'),
      `name: hall\nurl: "${site.origin}/events"\ntier: 0\nlicense: CC0-1.0\nheaders:\n  Authorization: "Bearer ${TOKEN}"\n`,
    );

    const live = await run(['scrape', 'source', 'hall', '--sources', 'sources', '--json', '--record', 'rec'], dir);
    expect(live.code).toBe(0);
    expect(live.stderr).toContain('recorded 3 response(s) in rec/recordings.json; replay with --fixtures rec');
    await site.stop();
    site = undefined;

    const replayed = await run(['scrape', 'source', 'hall', '--sources', 'sources', '--json', '--fixtures', 'rec'], dir);
    expect(replayed.code).toBe(0);
    const liveEvents = (JSON.parse(live.stdout) as { events: unknown[] }).events;
    expect(liveEvents).toHaveLength(2);
    expect((JSON.parse(replayed.stdout) as { events: unknown[] }).events).toEqual(liveEvents);

    const recorded = await allText(path.join(dir, 'rec'));
    expect(recorded).toContain('Winter Concert');
    expect(recorded).not.toContain(TOKEN);
    expect(recorded).not.toContain('cookie-value');
    expect(recorded.toLowerCase()).not.toContain('set-cookie');
    expect(recorded.toLowerCase()).not.toContain('authorization');
  });

  it('refuses --record together with --fixtures', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sel-record-'));
    await mkdir(path.join(dir, 'sources'));
    await writeFile(path.join(dir, 'sources', 'a.yaml'), 'name: a\nurl: "https://a.test/"\n');
    const result = await run(['scrape', 'source', 'a', '--sources', 'sources', '--record', 'rec', '--fixtures', 'fx'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--record saves what a live run fetches');
  });
});

describe('scrape all --record', () => {
  it('records every source of a run; the replay reports the same counts and writes the same events', async () => {
    const spec = eventSite({ sources: 2, pages: 2, perPage: 3 });
    // A page that quotes the key of the environment (a debug page, a leaked config): a recording is committed as a fixture.
    const key = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
    const quoting = spec.pages['/s1/page-1']!;
    spec.pages['/s1/page-1'] = { ...quoting, body: `${String(quoting.body)}<!-- ${key} -->` };
    site = await new FixtureSite(spec.pages).start();
    const dir = await mkdtemp(path.join(tmpdir(), 'sel-record-'));
    await spec.writeSources(dir, site.origin);
    const common = ['scrape', 'all', '--sources', 'sources', '--dry-run', '--json', '--host-delay', '0'];

    const live = await run([...common, '--record', 'rec', '--out', 'live.ndjson'], dir, { SEL_API_KEY: key });
    expect(live.code).toBe(0);
    const recorded = await allText(path.join(dir, 'rec'));
    expect(recorded).toContain('<!-- agEnTkEy… -->');
    expect(recorded).not.toContain(key);
    await site.stop();
    site = undefined;
    const replayed = await run([...common, '--fixtures', 'rec', '--out', 'replayed.ndjson'], dir);
    expect(replayed.code).toBe(0);

    const totals = (stdout: string) => (JSON.parse(stdout) as { totals: unknown }).totals;
    expect(totals(replayed.stdout)).toEqual(totals(live.stdout));
    const live_ = await readFile(path.join(dir, 'live.ndjson'), 'utf8');
    expect(live_.trim().split('\n')).toHaveLength(12);
    expect(await readFile(path.join(dir, 'replayed.ndjson'), 'utf8')).toBe(live_);
  });
});

describe('ResponseRecorder', () => {
  it('keeps the last answer of a URL asked twice (a retried request), and earlier recordings of other URLs', async () => {
    let calls = 0;
    const server = createServer((_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'text/html' });
      res.end(calls === 1 ? 'busy' : '<p>ok</p>');
    });
    const origin = await listenOnLoopback(server);
    const dir = await mkdtemp(path.join(tmpdir(), 'sel-record-'));
    await writeFile(path.join(dir, 'recordings.json'), JSON.stringify({ recordings: [{ url: 'https://other.test/feed.ics', body: 'other.ics' }] }));
    const recorder = new ResponseRecorder({ dir, redact: (text) => text });
    const agent = new Agent();
    try {
      for (const _ of [1, 2]) await (await request(`${origin}/page`, { dispatcher: agent.compose(recorder.interceptor) })).body.dump();
    } finally {
      await agent.close();
      await closeServer(server);
    }
    const summary = await recorder.save();
    expect(summary).toMatchObject({ recorded: 1, kept: 1, notRecorded: [] });
    const manifest = JSON.parse(await readFile(path.join(dir, 'recordings.json'), 'utf8')) as { recordings: { url: string; status?: number; body: string }[] };
    expect(manifest.recordings.map((r) => [r.url, r.status])).toEqual([
      [`${origin}/page`, undefined],
      ['https://other.test/feed.ics', undefined],
    ]);
    expect(await readFile(path.join(dir, manifest.recordings[0]?.body ?? ''), 'utf8')).toBe('<p>ok</p>');
  });

  it('does not write a response whose URL carries a secret of the command', async () => {
    site = await new FixtureSite({ [`/feed?token=${TOKEN}`]: { body: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' } }).start();
    const dir = await mkdtemp(path.join(tmpdir(), 'sel-record-'));
    const recorder = new ResponseRecorder({ dir, redact: (text) => text.replaceAll(TOKEN, '[redacted]') });
    const agent = new Agent();
    try {
      const response = await request(`${site.origin}/feed?token=${TOKEN}`, { dispatcher: agent.compose(recorder.interceptor) });
      await response.body.dump();
    } finally {
      await agent.close();
    }
    const summary = await recorder.save();
    expect(summary.recorded).toBe(0);
    expect(summary.notRecorded).toEqual([{ url: `${site.origin}/feed?token=[redacted]`, reason: expect.stringContaining('carries a secret') as string }]);
    expect(await allText(dir)).not.toContain(TOKEN);
  });
});
