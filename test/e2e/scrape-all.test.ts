import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { FakeSelServer } from '../helpers/fake-sel-server.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';
import { concert, eventsPage } from '../helpers/concert-pages.ts';
import type { RunReport } from '../../src/report/run-report.ts';

const AGENT_KEY = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
const ADMIN_KEY = 'aDmInKeY-0123456789abcdefghijklmnopqrstuvwx';

let site: FixtureSite;
let sel: FakeSelServer;
let dir: string;

async function writeSource(name: string, body: string): Promise<void> {
  await writeFile(path.join(dir, 'sources', `${name}.yaml`), body);
}

async function run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['scrape', 'all', '--sources', 'sources', '--host-delay', '0', ...args], {
    cwd: dir,
    env: { SEL_SERVER_URL: sel.url, SEL_API_KEY: AGENT_KEY, ...env },
  });
}

beforeEach(async () => {
  site = await new FixtureSite({
    '/hall': { body: eventsPage([{ '@type': 'Organization', name: 'Hall' }, concert(1), concert(2, { offers: { price: 20, priceCurrency: 'CAD' } })]) },
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

function report(result: CliResult): RunReport {
  return JSON.parse(result.stdout) as RunReport;
}

// What only a process shows; every other behaviour of `scrape all` is tested in-process
// (test/cli/scrape-all.test.ts, test/run/). --host-delay 0: nothing here waits on politeness.
describe('bin/sel-scraper scrape all', () => {
  it('prints the JSON report alone on stdout and the summary on stderr, and exits with the run’s code', async () => {
    await writeSource('gone', `name: gone\nurl: "${site.origin}/missing-page"\n`);
    const result = await run(['--json']);
    expect(result.code, result.stderr).toBe(3);
    const json = report(result);
    expect(json.exitCode).toBe(3);
    expect(json.sources.find((s) => s.name === 'hall')).toMatchObject({ status: 'ok', created: 2 });
    expect(result.stderr).toMatch(/CREATED[\s\S]*TOTAL/);
    expect(sel.events.size).toBe(2);
  });

  it('never shows more than the 8-character prefix of the key, whatever happens', async () => {
    await writeSource('gone', `name: gone\nurl: "${site.origin}/missing-page"\n`);
    const outputs = await Promise.all([
      run(['--json']),
      run([], { SEL_API_KEY: ADMIN_KEY }),
      run(['--key', ADMIN_KEY]),
      run([], { SEL_SERVER_URL: 'not a url' }),
    ]);
    expect(outputs.map((o) => o.code)).toEqual([3, 4, 4, 2]);
    for (const output of outputs) {
      for (const key of [AGENT_KEY, ADMIN_KEY]) {
        expect(output.stdout + output.stderr).not.toContain(key.slice(0, 9));
      }
    }
    expect(outputs[1]?.stderr).toContain('aDmInKeY…');
    for (const request of sel.requests) expect(request.userAgent).toMatch(/^sel-scraper\/\d/);
  });
});
