import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { EXIT_MEANINGS } from '../../src/report/exit-codes.ts';
import { workDir } from '../helpers/delivery-fixtures.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { FakeSelServer } from '../helpers/fake-sel-server.ts';
import { FakeTerminal } from '../helpers/fake-terminal.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';

// `scrape all` as a person or a cron job sees it: progress, the report on every path, hints.

const AGENT_KEY = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
const ADMIN_KEY = 'aDmInKeY-0123456789abcdefghijklmnopqrstuvwx';
const STAMP = /^2026-11-25T12:\d\d:\d\dZ /;

function concert(n: number): object {
  return {
    '@type': 'MusicEvent',
    name: `Concert ${n}`,
    startDate: `2027-01-0${n}T20:00:00`,
    url: `/events/concert-${n}`,
    location: { '@type': 'Place', name: 'The Hall', address: { addressLocality: 'Toronto', addressRegion: 'ON' } },
  };
}
const page = (events: object[]) =>
  `<html><head><script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@graph': events })}</script></head></html>`;

let site: FixtureSite;
let sel: FakeSelServer;
let dir: string;

beforeEach(async () => {
  site = await new FixtureSite({ '/hall': { body: page([concert(1), concert(2)]) } }).start();
  sel = await new FakeSelServer({ keys: { [AGENT_KEY]: 'agent', [ADMIN_KEY]: 'admin' }, processingMs: 0 }).start();
  dir = await workDir('sel-run-ux-');
  await mkdir(path.join(dir, 'sources'));
  await writeSource('hall', `name: hall\nurl: "${site.origin}/hall"\ntier: 0\nlicense: CC0-1.0\n`);
});

afterEach(async () => {
  await site.stop();
  await sel.stop();
});

async function writeSource(name: string, body: string): Promise<void> {
  await writeFile(path.join(dir, 'sources', `${name}.yaml`), body);
}

interface Options {
  env?: Record<string, string>;
  terminal?: FakeTerminal;
  command?: string;
}

/** The CLI in-process against the loopback site and server, on a fake clock (waits pass at once). */
async function cli(args: string[], options: Options = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    env: { SEL_SERVER_URL: sel.url, SEL_API_KEY: AGENT_KEY, ...options.env },
    cwd: dir,
    stdout: { write: (s) => void (stdout += s) },
    stderr: { write: (s) => void (stderr += s) },
    clock: new FakeClock(),
    ...(options.terminal ? { terminal: options.terminal } : {}),
    ...(options.command ? { command: options.command } : {}),
  });
  return { code, stdout, stderr };
}

const scrapeAll = (args: string[], options: Options = {}) => cli(['scrape', 'all', '--sources', 'sources', '--host-delay', '0', ...args], options);

/** stdout holds exactly one JSON object: the report. */
function onlyReport(stdout: string): Record<string, unknown> {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('progress off a terminal', () => {
  it('prints one timestamped line per finished source and per delivery step', async () => {
    const { code, stderr, stdout } = await scrapeAll([]);
    expect(code, stderr).toBe(0);
    const lines = stderr.trim().split('\n');
    for (const line of lines) expect(line).toMatch(STAMP);
    expect(
      lines.map((line) =>
        line
          .replace(STAMP, '')
          .replace(/[0-9A-Z]{26}/g, '<id>')
          .replace(/batch \S+:/, 'batch <b>:')
          .replace(/\d+\.\d s$/, '<t>'),
      ),
    ).toEqual([
      'run <id>: 1 source',
      'key agEnTkEy… accepted (agent)',
      'hall: ok, 1 page, 2 events, 2 warnings, <t>',
      'batch <b>: posted, 2 events',
      'batch <b>: confirmed, 2 created',
    ]);
    expect(stdout).toContain('TOTAL');
  });

  it('--quiet prints no progress, only the summary (and warnings)', async () => {
    await writeSource('broken', 'name: broken\nmax_page: 3\n');
    const { stderr, stdout } = await scrapeAll(['--quiet']);
    expect(stderr).not.toMatch(STAMP);
    expect(stderr).toMatch(/broken\.yaml:2:1: error: unknown key "max_page"/);
    expect(stdout).toContain('TOTAL');
  });

  it('--verbose also prints each page read and each source start', async () => {
    const { stderr } = await scrapeAll(['--verbose', '--dry-run'], { env: { SEL_API_KEY: '' } });
    expect(stderr).toMatch(new RegExp(`${STAMP.source.slice(1)}hall: reading \\(jsonld\\)`, 'm'));
    expect(stderr).toContain(`hall: read ${site.origin}/hall (2 event rows)`);
  });

  it('--quiet and --verbose together are a usage error', async () => {
    const { code, stderr } = await scrapeAll(['--quiet', '--verbose']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot be used with/);
  });
});

describe('progress on a terminal', () => {
  it('draws the live view on the terminal, removes it at the end, and prints no progress lines', async () => {
    const terminal = new FakeTerminal();
    const { code, stderr, stdout } = await scrapeAll(['--dry-run'], { terminal, env: { SEL_API_KEY: '' } });
    expect(code).toBe(0);
    expect(terminal.raw).toContain('sel-scraper · run ');
    expect(terminal.screen).toEqual([]);
    expect(stderr).not.toMatch(STAMP);
    expect(stdout).toContain('TOTAL');
  });

  it('prints progress lines instead on a dumb terminal', async () => {
    const terminal = new FakeTerminal();
    const { stderr } = await scrapeAll(['--dry-run'], { terminal, env: { SEL_API_KEY: '', TERM: 'dumb' } });
    expect(terminal.raw).toBe('');
    expect(stderr).toMatch(STAMP);
  });
});

describe('--json prints one report whatever happens', () => {
  it('when the key is rejected (exit 4): the error, its hint, no sources, nothing fetched', async () => {
    const { code, stdout, stderr } = await scrapeAll(['--json'], { env: { SEL_API_KEY: 'wrong-key-1234567890' } });
    expect(code).toBe(4);
    expect(onlyReport(stdout)).toMatchObject({
      runId: expect.stringMatching(/^[0-9A-Z]{26}$/),
      exitCode: 4,
      error: expect.stringMatching(/rejected API key wrong-ke…/),
      hint: expect.stringContaining('api-key check'),
      sources: [],
      totals: expect.objectContaining({ created: 0 }),
      server: sel.url,
      key: 'wrong-ke…',
    });
    expect(stderr).toMatch(/error: .*rejected API key/);
    expect(site.hits).toEqual([]);
  });

  it('when the key is missing (exit 2): no run id yet', async () => {
    const { code, stdout } = await scrapeAll(['--json'], { env: { SEL_API_KEY: '' } });
    expect(code).toBe(2);
    expect(onlyReport(stdout)).toMatchObject({ runId: null, exitCode: 2, error: 'no SEL API key', hint: expect.stringContaining('SEL_API_KEY'), sources: [] });
  });

  it('when the server cannot be reached (exit 5)', async () => {
    const { code, stdout } = await scrapeAll(['--json'], { env: { SEL_SERVER_URL: 'http://127.0.0.1:9' } });
    expect(code).toBe(5);
    expect(onlyReport(stdout)).toMatchObject({ exitCode: 5, error: expect.stringContaining('cannot reach the SEL server'), sources: [] });
  });

  it('when a flag is wrong (exit 2)', async () => {
    const { code, stdout, stderr } = await scrapeAll(['--json', '--concurrency', '99']);
    expect(code).toBe(2);
    expect(onlyReport(stdout)).toMatchObject({
      runId: null,
      exitCode: 2,
      error: expect.stringContaining("'--concurrency <n>' argument '99' is invalid"),
      sources: [],
    });
    expect(stderr).toMatch(/^error: option '--concurrency <n>'/);
  });

  it('when the sources folder cannot be read (exit 2)', async () => {
    const { code, stdout } = await cli(['scrape', 'all', '--sources', 'no-such-folder', '--json']);
    expect(code).toBe(2);
    expect(onlyReport(stdout)).toMatchObject({
      exitCode: 2,
      error: expect.stringContaining('cannot read sources directory'),
      hint: expect.stringContaining('--sources'),
      sources: [],
    });
  });
});

describe('runs with nothing to do', () => {
  it('an empty sources folder is exit 2 with a hint, before the key is checked', async () => {
    await mkdir(path.join(dir, 'empty'));
    const { code, stderr } = await cli(['scrape', 'all', '--sources', 'empty']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/error: no source configs in .*empty\nhint: pass --sources <dir>/);
    expect(sel.requests).toEqual([]);
  });

  it('a folder whose every source is disabled is exit 2 with a hint', async () => {
    await writeSource('hall', `name: hall\nurl: "${site.origin}/hall"\nenabled: false\n`);
    const { code, stderr } = await scrapeAll(['--dry-run'], { env: { SEL_API_KEY: '' } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/no enabled source in .*: all 1 are disabled\nhint: set `enabled: true`/);
  });

  it('--resume of a complete run says so and does nothing (exit 0)', async () => {
    expect((await scrapeAll([])).code).toBe(0);
    const requests = sel.requests.length;
    const hits = site.hits.length;
    const resumed = await scrapeAll(['--resume', '--json']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/run [0-9A-Z]{26} is already complete \(finished .*, exit code 0: 2 created, 0 duplicates, 0 failed\); nothing to resume/);
    expect(onlyReport(resumed.stdout)).toMatchObject({ exitCode: 0, error: null, resumed: true, sources: [], totals: expect.objectContaining({ created: 2 }) });
    expect(sel.requests.length).toBe(requests);
    expect(site.hits.length).toBe(hits);
  });

  it('a --server ending in /api/v1 is refused with the base URL to use', async () => {
    const { code, stderr } = await scrapeAll(['--server', `${sel.url}/api/v1/`]);
    expect(code).toBe(2);
    expect(stderr).toContain(`hint: give the server's base URL, without /api/v1: --server ${sel.url}`);
    expect(sel.requests).toEqual([]);
  });
});

describe('the command as the user ran it', () => {
  it('in hints', async () => {
    const { stderr, stdout } = await scrapeAll(['--json'], { env: { SEL_API_KEY: ADMIN_KEY }, command: 'node bin/sel-scraper' });
    expect(stderr).toContain('create an agent key (node bin/sel-scraper api-key create <name> --role agent)');
    expect(onlyReport(stdout).hint).toContain('create an agent key (node bin/sel-scraper api-key create <name> --role agent)');
  });

  it('in the summary’s follow-up commands', async () => {
    await sel.stop();
    sel = await new FakeSelServer({ keys: { [AGENT_KEY]: 'agent' }, neverComplete: () => true }).start();
    const { stdout } = await scrapeAll(['--poll-timeout', '2'], { command: 'npx sel-scraper' });
    expect(stdout).toContain('re-submit them after a fix: npx sel-scraper scrape replay');
    expect(stdout).toContain('continue this run with: npx sel-scraper scrape all --resume');
  });

  it('in help', async () => {
    const { stdout } = await cli(['scrape', 'all', '--help'], { command: 'node bin/sel-scraper' });
    expect(stdout).toContain('Usage: node bin/sel-scraper scrape all [options]');
    expect(stdout).toMatch(/^ {2}node bin\/sel-scraper scrape all --resume +# continue the latest interrupted run$/m);
  });
});

describe('--help', () => {
  /** Every command and subcommand, found by reading each help's "Commands:" list. */
  async function allCommands(prefix: string[] = []): Promise<string[][]> {
    const { stdout } = await cli([...prefix, '--help']);
    const list = stdout.split(/^Commands:$/m)[1]?.split(/\n\n/)[0] ?? '';
    const names = [...list.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1] ?? '').filter((name) => name !== 'help');
    const nested = await Promise.all(names.map((name) => allCommands([...prefix, name])));
    return [prefix, ...nested.flat()];
  }

  it('of every command shows examples', async () => {
    const commands = await allCommands();
    expect(commands.length).toBeGreaterThan(15);
    for (const command of commands) {
      const { stdout } = await cli([...command, '--help']);
      expect(stdout, command.join(' ')).toMatch(/\nExamples:\n(?: {2}#.*\n)? {2}sel-scraper \S/);
    }
  });

  it('of scrape all lists every exit code and its meaning', async () => {
    const { stdout } = await cli(['scrape', 'all', '--help']);
    for (const [code, meaning] of EXIT_MEANINGS) expect(stdout).toContain(`${String(code).padStart(3)}  ${meaning}`);
  });
});
