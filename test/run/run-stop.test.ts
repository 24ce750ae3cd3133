import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RunStop } from '../../src/run/run-stop.ts';
import { eventSite, type PrintedReport } from '../helpers/delivery-fixtures.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { AGENT_KEY, cliIn, runWorld, type RunWorld } from '../helpers/in-process-run.ts';
import { VIRTUAL_START } from '../helpers/virtual-clock.ts';

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

/** A host that takes every request and never answers it, until the client gives up. */
function hangingHost(world: RunWorld, origin: string): string {
  world.network.serve(origin, ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve('drop'), { once: true })));
  return origin;
}

async function dryRun(world: RunWorld, args: string[]): Promise<{ code: number; report: PrintedReport }> {
  const { code, stdout } = await cliIn(world, ['scrape', 'all', '--sources', 'sources', '--dry-run', '--json', '--host-delay', '0', ...args], {});
  return { code, report: JSON.parse(stdout) as PrintedReport };
}

describe('scrape all and its deadlines', () => {
  it('reads a dozen sources at once without a listener warning', async () => {
    const spec = eventSite({ sources: 12, pages: 1, perPage: 1 });
    const world = await runWorld(spec.pages);
    await spec.writeSources(world.dir, world.site.origin);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { code, report } = await dryRun(world, ['--source-timeout', '60', '--timeout', '60']);
      expect(code).toBe(0);
      expect(report.sources).toHaveLength(12);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  // The command must return soon after --timeout even when a site's robots.txt never answers:
  // it used to wait for that fetch's own timeout and retries (30 s and more) before exiting.
  it('returns at --timeout although a robots.txt fetch is still waiting for an answer', async () => {
    const world = await runWorld({});
    await eventSite({ sources: 1, pages: 1, perPage: 1 }).writeSources(world.dir, hangingHost(world, 'http://never.test'));
    const { code, report } = await dryRun(world, ['--timeout', '1']);
    expect(report.error).toMatch(/^the run reached --timeout \(1 s\)/);
    expect(report.sources).toMatchObject([{ status: 'failed', error: 'stopped while reading: the run reached --timeout (1 s)' }]);
    expect(code).toBe(3);
    expect(world.clock.now() - VIRTUAL_START).toBe(1_000);
  });

  it('bounds the key preflight by --timeout when the SEL server never answers', async () => {
    const world = await runWorld({});
    await eventSite({ sources: 1, pages: 1, perPage: 1 }).writeSources(world.dir, world.site.origin);
    const server = hangingHost(world, 'http://sel-never.test');
    const { code, stderr } = await cliIn(world, ['scrape', 'all', '--sources', 'sources', '--timeout', '1'], {
      SEL_SERVER_URL: server,
      SEL_API_KEY: AGENT_KEY,
    });
    expect(stderr).toContain('the run reached --timeout (1 s) before the SEL server answered the key preflight; nothing was fetched or sent');
    expect(code).toBe(3);
    expect(world.site.hits).toEqual([]);
  });
});
