import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, untilJournal, type CliResult } from '../helpers/cli.ts';
import { eventSite, outsideBoundary, workDir, type PrintedReport } from '../helpers/delivery-fixtures.ts';
import { FakeSelServer } from '../helpers/fake-sel-server.ts';
import { FixtureSite } from '../helpers/fixture-site.ts';

// The state folder of bin/sel-scraper as cron leaves it: private whatever the umask, one
// process per run, no path chosen by what a journal says, and a run whose state cannot be
// written still accounts for every event.
const KEY = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
const FULL_DISK = fileURLToPath(new URL('../helpers/full-disk.mjs', import.meta.url));
const RUN_ARGS = ['scrape', 'all', '--sources', 'sources', '--host-delay', '0', '--rate-limit', '0'];

let site: FixtureSite | undefined;
let sel: FakeSelServer | undefined;

afterEach(async () => {
  await site?.stop();
  await sel?.stop();
  site = undefined;
  sel = undefined;
});

async function setup(processingMs = 20, spec = eventSite({ sources: 2, pages: 1, perPage: 30, rejectEvery: 10 })) {
  site = await new FixtureSite(spec.pages).start();
  sel = await new FakeSelServer({ keys: { [KEY]: 'agent' }, processingMs, rejectItem: outsideBoundary }).start();
  const dir = await workDir('sel-state-');
  await spec.writeSources(dir, site.origin);
  return { dir, spec, env: { SEL_SERVER_URL: sel.url, SEL_API_KEY: KEY } };
}

function modeOf(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

/** The NDJSON lines of undelivered events a run printed on stderr. */
function spilled(stderr: string): { sourceName: string; status: string; event: { name: string } }[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { sourceName: string; status: string; event: { name: string } });
}

describe('the state folder', () => {
  it('is 0700 with 0600 files under umask 000', async () => {
    const { dir, env } = await setup();
    const before = process.umask(0);
    let run: CliResult;
    try {
      run = await runCli(RUN_ARGS, { cwd: dir, env });
    } finally {
      process.umask(before);
    }
    expect(run.code, run.stderr).toBe(3);
    const state = path.join(dir, '.sel-scraper');
    expect([modeOf(state), modeOf(path.join(state, 'runs'))]).toEqual(['700', '700']);
    const files = readdirSync(path.join(state, 'runs'));
    expect(files.some((f) => f.endsWith('.failures.ndjson'))).toBe(true);
    expect(files.map((f) => [f, modeOf(path.join(state, 'runs', f))])).toEqual(files.map((f) => [f, '600']));
  });

  it('is tightened when an older version left it open, and says so once', async () => {
    const { dir, env } = await setup();
    const runs = path.join(dir, '.sel-scraper', 'runs');
    await mkdir(runs, { recursive: true });
    await writeFile(path.join(runs, '01KAA0000000000000000000AA.failures.ndjson'), '');
    await chmod(path.join(dir, '.sel-scraper'), 0o755);
    await chmod(runs, 0o755);
    await chmod(path.join(runs, '01KAA0000000000000000000AA.failures.ndjson'), 0o644);

    const first = await runCli(RUN_ARGS, { cwd: dir, env });
    expect(first.stderr.match(/tightened/g), first.stderr).toHaveLength(1);
    expect([modeOf(path.join(dir, '.sel-scraper')), modeOf(runs), modeOf(path.join(runs, '01KAA0000000000000000000AA.failures.ndjson'))]).toEqual([
      '700',
      '700',
      '600',
    ]);
    const second = await runCli(RUN_ARGS, { cwd: dir, env });
    expect(second.stderr).not.toMatch(/tightened/);
  });
});

describe('one process per run', () => {
  it('refuses at once a second process resuming a run in progress, naming the holder, and the journal stays whole', async () => {
    // The first run's batches wait in SEL until the second process has been refused.
    const { dir, spec, env } = await setup(60_000, eventSite({ sources: 2, pages: 1, perPage: 40, rejectEvery: 10 }));
    const first = startCli([...RUN_ARGS, '--batch-size', '10', '--concurrency', '4', '--json'], { cwd: dir, env, timeoutMs: 60_000 });
    await untilJournal(first, dir, (entries) => entries.some((e) => e.type === 'batch-posted'));
    const postsBefore = sel!.counts.posts;

    const second = await runCli([...RUN_ARGS, '--resume'], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`in progress in another process \\(pid ${first.child.pid}\\b.*since `));
    expect(second.stdout).toBe('');

    sel!.processingMs = 20;
    sel!.finishQueued();
    const firstDone = await first.exited;
    expect(firstDone.code).toBe(3);
    const report = JSON.parse(firstDone.stdout) as PrintedReport;
    expect(report.totals).toMatchObject({ created: spec.valid, failed: spec.rejected, unknown: 0 });
    expect(sel!.counts.acceptedBatches).toBe(8);
    expect(sel!.counts.posts - postsBefore).toBeLessThan(8);
    // The journal is still one run's: resuming the finished run reads it, finds it complete and sends nothing.
    const postsAfter = sel!.counts.posts;
    const third = await runCli([...RUN_ARGS, '--resume', report.runId], { cwd: dir, env });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain(`run ${report.runId} is already complete`);
    expect(sel!.counts.posts).toBe(postsAfter);
  }, 60_000);
});

describe('run ids', () => {
  it('refuses a --resume that is not a run id as a usage error', async () => {
    const { dir, env } = await setup();
    await writeFile(path.join(dir, 'x.ndjson'), '');
    const run = await runCli([...RUN_ARGS, '--resume', '../../x'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--resume: "\.\.\/\.\.\/x" is not a run id/);
    expect(sel!.requests).toEqual([]);
  });

  it('refuses a journal whose run id is not its file name, so it cannot steer where the failures file goes', async () => {
    const { dir, env } = await setup();
    const runId = '01KAA0000000000000000000AA';
    const runs = path.join(dir, '.sel-scraper', 'runs');
    await mkdir(runs, { recursive: true });
    const definition = {
      sourcesDir: path.join(dir, 'sources'),
      only: [],
      fixtures: null,
      serverUrl: sel!.url,
      keyLabel: 'agEnTkEy…',
      batchSize: 100,
      defaultTimezone: 'America/Toronto',
    };
    await writeFile(
      path.join(runs, `${runId}.ndjson`),
      JSON.stringify({ type: 'run-started', at: '2026-01-01T00:00:00.000Z', runId: '01KAA00000/../../../STEERED', version: '0.1.0', run: definition }) + '\n',
    );
    const run = await runCli([...RUN_ARGS, '--resume', runId], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/run id "01KAA00000\/\.\.\/\.\.\/\.\.\/STEERED" is not 01KAA0000000000000000000AA/);
    // Where the planted id would have put the failures file (outside the state folder), and anywhere in the run's folder.
    expect(existsSync(path.resolve(runs, '01KAA00000/../../../STEERED.failures.ndjson'))).toBe(false);
    expect(filesUnder(dir).filter((f) => f.includes('STEERED'))).toEqual([]);
    expect(sel!.requests).toEqual([]);
  });
});

describe('scrape replay', () => {
  it('takes a run id for that run’s failures file in the state folder, and anything else as a path', async () => {
    const { dir, spec, env } = await setup();
    const first = await runCli([...RUN_ARGS, '--json'], { cwd: dir, env });
    const { runId } = JSON.parse(first.stdout) as PrintedReport;
    const replay = await runCli(['scrape', 'replay', runId.toLowerCase(), '--json'], { cwd: dir, env });
    expect(replay.code, replay.stderr).toBe(3);
    expect((JSON.parse(replay.stdout) as PrintedReport).totals).toMatchObject({ submitted: spec.rejected, failed: spec.rejected });
    const hostile = await runCli(['scrape', 'replay', '../../x'], { cwd: dir, env });
    expect(hostile.code).toBe(2);
    expect(hostile.stderr).toMatch(/cannot read .*\/x: ENOENT/);
  });
});

describe('a run whose state cannot be written', () => {
  it('still prints the report when the disk fills mid-run, prints undelivered events on stderr as NDJSON, exits 3 and leaves no .tmp', async () => {
    const { dir, spec, env } = await setup();
    const run = await runCli([...RUN_ARGS, '--json', '--batch-size', '10'], {
      cwd: dir,
      env: { ...env, FULL_DISK_DIR: path.join(dir, '.sel-scraper'), FULL_DISK_BYTES: '6000' },
      nodeArgs: ['--import', FULL_DISK],
    });
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as PrintedReport & { stateError: string | null };
    expect(report.totals).toMatchObject({ created: spec.valid, failed: spec.rejected, unknown: 0 });
    expect(report.stateError).toMatch(/ENOSPC/);
    expect(report.failures).toBeNull();
    expect(run.stderr).toMatch(/TOTAL[\s\S]*state not saved: .*ENOSPC/);
    const lines = spilled(run.stderr);
    expect(lines).toHaveLength(spec.rejected);
    expect(lines.every((l) => l.status === 'failed' && l.event.name.includes('(Ottawa)'))).toBe(true);
    expect(filesUnder(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('still delivers, reports and exits 3 when the state folder cannot be created at all', async () => {
    const { dir, spec, env } = await setup();
    await writeFile(path.join(dir, 'a-file'), 'not a folder\n');
    const run = await runCli([...RUN_ARGS, '--state-dir', 'a-file/state'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/TOTAL[\s\S]*state not saved: [^\n]*ENOTDIR[\s\S]*exit code 3/);
    expect(sel!.events.size).toBe(spec.valid);
    expect(spilled(run.stderr)).toHaveLength(spec.rejected);
  });
});
