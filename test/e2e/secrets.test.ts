import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess, type CapturedRun } from '../helpers/cli-capture.ts';
import { FakeSelServer } from '../helpers/fake-sel-server.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';

const KEY = 'agEnTkEy-echo0123456789abcdefghijklmnopqrst';
const PASSWORD = 'pa55-w0rd-xyz';
const SITE_KEY = 'site-api-key-0123456789';
const ESC = '\u001b';

let site: FixtureSite;
let sel: FakeSelServer;
let dir: string;

function eventsPage(): string {
  const event = {
    '@type': 'Event',
    // A hostile page: a terminal escape in the name, and a secret it reflects back in the text.
    name: `Concert ${ESC}[2J${ESC}]0;pwned${ESC}\\`,
    description: `Your request carried X-Api-Key: ${SITE_KEY}`,
    startDate: '2027-01-15T20:00:00-05:00',
    url: '/events/1',
    location: { '@type': 'Place', name: 'The Hall', address: { addressLocality: 'Toronto' } },
  };
  return `<html><head><script type="application/ld+json">${JSON.stringify(event)}</script></head></html>`;
}

beforeEach(async () => {
  site = await new FixtureSite({ '/hall': { body: eventsPage() } }).start();
  sel = await new FakeSelServer({ keys: { [KEY]: 'agent' }, echoHeadersOnPost: true }).start();
  dir = mkdtempSync(path.join(tmpdir(), 'sel-secrets-'));
  mkdirSync(path.join(dir, 'sources'));
  const url = site.origin.replace('http://', `http://scraper:${PASSWORD}@`);
  writeFileSync(path.join(dir, 'sources', 'hall.yaml'), `name: hall\nurl: "${url}/hall"\ntier: 0\nlicense: CC0-1.0\nheaders:\n  X-Api-Key: "${SITE_KEY}"\n`);
});

afterEach(async () => {
  await site.stop();
  await sel.stop();
});

/** Every file the run left in its folder (journal, failures file, --out), as text. */
function filesUnder(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(folder, name);
    if (statSync(file).isFile()) out[name] = readFileSync(file, 'utf8');
  }
  return out;
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of [KEY, PASSWORD, SITE_KEY, Buffer.from(`scraper:${PASSWORD}`).toString('base64')]) {
    expect(text.includes(secret), `${where} contains ${secret.slice(0, 6)}…`).toBe(false);
  }
}

async function scrape(extra: string[], env: Record<string, string> = { SEL_API_KEY: KEY }): Promise<CapturedRun> {
  return runInProcess(['scrape', 'all', '--sources', 'sources', '--state-dir', 'state', '--out', 'out.ndjson', '--poll-timeout', '5', ...extra], {
    cwd: dir,
    env: { ...env, SEL_SERVER_URL: sel.url },
  });
}

describe('secrets never leave through any output', () => {
  it('keeps a key a server echoes in a 400 out of stdout, stderr, the journal, the failures file and --out', async () => {
    const human = await scrape([]);
    const json = await scrape(['--json']);
    expect(sel.counts.posts).toBeGreaterThan(0);
    expect(human.code).toBe(3);
    for (const [name, run] of Object.entries({ human, json })) {
      expectNoSecret(run.stdout, `${name} stdout`);
      expectNoSecret(run.stderr, `${name} stderr`);
    }
    const files = filesUnder(dir);
    expect(Object.keys(files).some((f) => f.endsWith('.failures.ndjson'))).toBe(true);
    expect(Object.keys(files).some((f) => /state\/runs\/\w+\.ndjson$/.test(f))).toBe(true);
    for (const [name, text] of Object.entries(files)) if (!name.startsWith('sources')) expectNoSecret(text, name);
    expect(human.stdout).toContain('agEnTkEy…');
  });

  it('publishes no user information of a config URL in source.url, and still sends it as Basic auth', async () => {
    await scrape(['--dry-run']);
    const out = readFileSync(path.join(dir, 'out.ndjson'), 'utf8');
    expect(out).toContain(`"url":"${site.origin}/events/1"`);
    expectNoSecret(out, '--out');
  });

  it('escapes terminal control characters from pages and servers before they reach the terminal', async () => {
    const human = await scrape([]);
    expect(human.stdout).not.toContain(ESC);
    expect(human.stderr).not.toContain(ESC);
    expect(human.stdout).toContain('\\u001b[2J');
  });
});

describe('--key-file', () => {
  it('reads the key from a file, so it is not in argv', async () => {
    const keyFile = path.join(dir, 'key');
    writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
    const run = await scrape(['--dry-run', '--key-file', keyFile], {});
    expect(run.code).toBe(0);
    const live = await scrape(['--key-file', keyFile], {});
    expect(sel.requests.some((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
    expectNoSecret(live.stdout + live.stderr, 'output');
  });

  it('reads the key from standard input with -', async () => {
    const run = await runInProcess(['api-key', 'check', '--key-file', '-', '--server', sel.url, '--json'], { cwd: dir, stdin: `${KEY}\n` });
    expect(run.stdout).toContain('agEnTkEy…');
    expectNoSecret(run.stdout + run.stderr, 'output');
  });

  it('refuses --key together with --key-file', async () => {
    const keyFile = path.join(dir, 'key');
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    const run = await scrape(['--key', KEY, '--key-file', keyFile], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--key and --key-file/);
    expectNoSecret(run.stderr, 'stderr');
  });

  it('warns when the key file is readable by others', async () => {
    const keyFile = path.join(dir, 'key');
    writeFileSync(keyFile, KEY);
    chmodSync(keyFile, 0o644);
    const run = await scrape(['--dry-run', '--key-file', keyFile], {});
    expect(run.stderr).toMatch(/warning: .*key.* is readable by group and others .*chmod 600/);
  });
});

describe('.env permissions', () => {
  it('warns on scrape all when a group-readable .env holds the key', async () => {
    writeFileSync(path.join(dir, '.env'), `SEL_API_KEY=${KEY}\n`);
    chmodSync(path.join(dir, '.env'), 0o640);
    const run = await runInProcess(['scrape', 'all', '--sources', 'sources', '--dry-run'], { cwd: dir });
    expect(run.stderr).toMatch(/warning: .*\.env holds SEL_API_KEY and is readable by group/);
  });

  it('warns on scrape source when a world-readable .env holds a GraphQL token', async () => {
    writeFileSync(path.join(dir, '.env'), 'SEL_GRAPHQL_TOKEN_HALL=graphql-token-0123456789\n');
    chmodSync(path.join(dir, '.env'), 0o604);
    const run = await runInProcess(['scrape', 'source', 'hall', '--sources', 'sources'], { cwd: dir });
    expect(run.stderr).toMatch(/warning: .*\.env holds SEL_GRAPHQL_TOKEN_HALL and is readable by others/);
  });
});
