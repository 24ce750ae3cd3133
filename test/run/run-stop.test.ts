import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { systemClock } from '../../src/clock.ts';
import { RunStop } from '../../src/run/run-stop.ts';
import { eventSite, workDir, type PrintedReport } from '../helpers/delivery-fixtures.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';
import { HostileServer } from '../helpers/hostile-server.ts';

describe('RunStop', () => {
  it('stops every source being read without a listener per source on the run’s signal', () => {
    const interrupt = new AbortController();
    const stop = new RunStop({ clock: new FakeClock(), signal: interrupt.signal, drainMs: 1_000 });
    const sources = Array.from({ length: 12 }, () => stop.forSource(undefined));
    expect(getEventListeners(stop.stop, 'abort')).toHaveLength(0);
    interrupt.abort();
    expect(sources.map((s) => s.signal.aborted)).toEqual(Array(12).fill(true));
    expect(sources[0]!.signal.reason).toMatchObject({ code: 'ERR_INTERRUPTED' });
    for (const source of sources) source.dispose();
    stop.dispose();
  });

  it('does not stop a source that is already done', () => {
    const interrupt = new AbortController();
    const stop = new RunStop({ clock: new FakeClock(), signal: interrupt.signal, drainMs: 1_000 });
    const done = stop.forSource(undefined);
    done.dispose();
    interrupt.abort();
    expect(done.signal.aborted).toBe(false);
    stop.dispose();
  });
});

let site: FixtureSite | undefined;
let hanging: HostileServer | undefined;
afterEach(async () => {
  await site?.stop();
  await hanging?.stop();
  site = hanging = undefined;
});

async function dryRun(dir: string, args: string[]): Promise<{ code: number; report: PrintedReport }> {
  let stdout = '';
  const code = await main(['scrape', 'all', '--sources', 'sources', '--dry-run', '--json', '--host-delay', '0', ...args], {
    env: {},
    cwd: dir,
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: () => undefined },
    clock: systemClock,
  });
  return { code, report: JSON.parse(stdout) as PrintedReport };
}

describe('scrape all and its deadlines', () => {
  it('reads a dozen sources at once without a listener warning', async () => {
    const spec = eventSite({ sources: 12, pages: 1, perPage: 1 });
    site = await new FixtureSite(spec.pages).start();
    const dir = await workDir('sel-listeners-');
    await spec.writeSources(dir, site.origin);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { code } = await dryRun(dir, ['--source-timeout', '60', '--timeout', '60']);
      expect(code).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  // The command must return soon after --timeout even when a site's robots.txt never answers:
  // it used to wait for that fetch's own timeout and retries (30 s and more) before exiting.
  it('returns at --timeout although a robots.txt fetch is still waiting for an answer', { timeout: 10_000 }, async () => {
    hanging = await new HostileServer((_req, res) => {
      const timer = setTimeout(() => res.end(), 60_000);
      res.on('close', () => clearTimeout(timer));
    }).start();
    const dir = await workDir('sel-run-timeout-');
    await eventSite({ sources: 1, pages: 1, perPage: 1 }).writeSources(dir, hanging.url);
    const { code, report } = await dryRun(dir, ['--timeout', '1']);
    expect(report.error).toMatch(/^the run reached --timeout \(1 s\)/);
    expect(report.sources).toMatchObject([{ status: 'failed', error: 'stopped while reading: the run reached --timeout (1 s)' }]);
    expect(code).toBe(3);
  });

  it('bounds the key preflight by --timeout when the SEL server never answers', { timeout: 10_000 }, async () => {
    hanging = await new HostileServer((_req, res) => {
      const timer = setTimeout(() => res.end(), 60_000);
      res.on('close', () => clearTimeout(timer));
    }).start();
    const dir = await workDir('sel-preflight-timeout-');
    await eventSite({ sources: 1, pages: 1, perPage: 1 }).writeSources(dir, 'http://127.0.0.1:9');
    let stderr = '';
    const code = await main(['scrape', 'all', '--sources', 'sources', '--timeout', '1'], {
      env: { SEL_SERVER_URL: hanging.url, SEL_API_KEY: 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx' },
      cwd: dir,
      stdout: { write: () => undefined },
      stderr: { write: (text) => void (stderr += text) },
      clock: systemClock,
    });
    expect(stderr).toContain('the run reached --timeout (1 s) before the SEL server answered the key preflight; nothing was fetched or sent');
    expect(code).toBe(3);
  });
});
