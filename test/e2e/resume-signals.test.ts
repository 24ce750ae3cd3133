import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.ts';
import { eventSite, outsideBoundary, workDir, type EventSite, type PrintedReport } from '../helpers/delivery-fixtures.ts';
import { FakeSelServer, type FakeSelOptions } from '../helpers/fake-sel-server.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';
import { AGENT_KEY, scrapeIn, sharedWorld } from '../helpers/in-process-run.ts';

// bin/sel-scraper as cron runs it, killed or interrupted mid-run, then resumed.
/** A site and a SEL server on 127.0.0.1 for one test, stopped when it ends. */
async function servers(spec: EventSite, options: FakeSelOptions, onTestFinished: (fn: () => Promise<void>) => void) {
  const site = await new FixtureSite(spec.pages).start();
  const sel = await new FakeSelServer({ keys: { [AGENT_KEY]: 'agent' }, ...options }).start();
  onTestFinished(async () => {
    await site.stop();
    await sel.stop();
  });
  return { site, sel };
}

/** The journal lines of the only run in `dir` so far (none before the journal exists). */
function journalLines(dir: string): { type: string; source?: string }[] {
  const runs = path.join(dir, '.sel-scraper', 'runs');
  let names: string[] = [];
  try {
    names = readdirSync(runs).filter((n) => /^[0-9A-Z]{26}\.ndjson$/.test(n));
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  return readFileSync(path.join(runs, names[0]!), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as { type: string; source?: string });
}

/** Starts `scrape all`; resolves once `ready` holds for the journal, with the running child. */
function startScrape(dir: string, sel: FakeSelServer, args: string[]) {
  const child = spawn(process.execPath, [BIN, 'scrape', 'all', '--sources', 'sources', '--host-delay', '0', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', SEL_SERVER_URL: sel.url, SEL_API_KEY: AGENT_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const when = async (ready: (lines: { type: string }[]) => boolean): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while (!ready(journalLines(dir))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the run never reached the expected point:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { child, exited, when };
}

const count = (type: string) => (lines: { type: string }[]) => lines.filter((l) => l.type === type).length;

function printed(report: Pick<PrintedReport, 'totals'>) {
  const { created, duplicates, failed, unknown } = report.totals;
  return { created, duplicates, failed, unknown };
}

// A process is needed to kill it and to send it signals; each run is then resumed in-process
// (against the same site and server) on simulated time, so nothing here waits for a resume.
describe.concurrent('scrape all, interrupted and resumed', () => {
  it('ends a run killed with SIGKILL mid-delivery and resumed with --resume exactly as an uninterrupted run', async ({ onTestFinished }) => {
    const spec = eventSite({ sources: 3, pages: 2, perPage: 50, rejectEvery: 30 });
    const { site, sel } = await servers(spec, { processingMs: 0, rejectItem: outsideBoundary }, onTestFinished);
    const dir = await workDir('sel-kill-');
    await spec.writeSources(dir, site.origin);

    const run = startScrape(dir, sel, ['--batch-size', '25', '--concurrency', '2', '--rate-limit', '0']);
    await run.when((lines) => count('batch-confirmed')(lines) >= 2);
    run.child.kill('SIGKILL');
    const killed = await run.exited;
    expect(killed.signal).toBe('SIGKILL');
    const beforeResume = journalLines(dir);
    expect(count('batch-posted')(beforeResume)).toBeLessThan(12);
    const doneBeforeKill = beforeResume.filter((l) => l.type === 'source-done').map((l) => l.source!);
    const hitsBeforeResume = site.hits.length;

    const { report } = await scrapeIn(sharedWorld(site, sel, dir), { resume: true, batchSize: 25, ratePerMinute: 0 });
    expect(report.exitCode).toBe(3);
    expect(report.resumed).toBe(true);
    expect(printed(report)).toEqual({ created: spec.valid, duplicates: 0, failed: spec.rejected, unknown: 0 });
    expect(report.totals).toMatchObject({ extracted: 300, submitted: 300 });
    expect(sel.events.size).toBe(spec.valid);
    expect(sel.rejected.size).toBe(spec.rejected);
    // Sources read to the end before the kill are not fetched again.
    const refetched = site.hits.slice(hitsBeforeResume).filter((hit) => doneBeforeKill.some((name) => hit.startsWith(`/${name}/`)));
    expect(refetched).toEqual([]);
  });

  it.for([
    ['SIGINT', 'interrupted'],
    ['SIGTERM', 'terminated'],
  ] as const)(
    'stops on %s: no new batch starts, the batch in flight is confirmed, the summary is printed, exit 130',
    async ([signal, word], { onTestFinished }) => {
      const spec = eventSite({ sources: 3, pages: 1, perPage: 50 });
      const { site, sel } = await servers(spec, { processingMs: 800 }, onTestFinished);
      const dir = await workDir('sel-sigint-');
      await spec.writeSources(dir, site.origin);

      const run = startScrape(dir, sel, ['--batch-size', '25', '--concurrency', '1', '--rate-limit', '0', '--json']);
      await run.when((lines) => count('batch-posted')(lines) >= 1);
      run.child.kill(signal);
      const interrupted = await run.exited;
      expect(interrupted.code).toBe(130);
      expect(interrupted.stderr).toContain(`${word}: finishing what is in flight`);
      expect(interrupted.stderr).toMatch(/TOTAL[\s\S]*exit code 130/);
      const report = JSON.parse(interrupted.stdout) as PrintedReport;
      expect(report.totals.created).toBeGreaterThanOrEqual(25);
      expect(report.totals.created).toBe(sel.events.size);
      expect(report.totals.unknown).toBe(0);
      expect(sel.counts.acceptedBatches).toBe(report.totals.created / 25);

      sel.processingMs = 0;
      const resumed = await scrapeIn(sharedWorld(site, sel, dir), { resume: report.runId, ratePerMinute: 0 });
      expect(resumed.report.exitCode).toBe(0);
      expect(printed(resumed.report)).toEqual({ created: spec.valid, duplicates: 0, failed: 0, unknown: 0 });
      expect(sel.events.size).toBe(spec.valid);
    },
  );
});
