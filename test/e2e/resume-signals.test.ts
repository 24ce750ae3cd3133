import { describe, expect, it } from 'vitest';
import { journalEntries, startCli, untilJournal, type JournalEntry } from '../helpers/cli.ts';
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

/** Starts `scrape all`; resolves once `ready` holds for the journal, with the running child. */
function startScrape(dir: string, sel: FakeSelServer, args: string[]) {
  const run = startCli(['scrape', 'all', '--sources', 'sources', '--host-delay', '0', ...args], {
    cwd: dir,
    env: { SEL_SERVER_URL: sel.url, SEL_API_KEY: AGENT_KEY },
    timeoutMs: 60_000,
  });
  return { ...run, when: (ready: (entries: JournalEntry[]) => boolean) => untilJournal(run, dir, ready) };
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
    const beforeResume = journalEntries(dir);
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
