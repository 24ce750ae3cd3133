import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyError, entriesFromReport, mergeHistory, parseHistory } from '../../src/health/history.ts';
import { appendHistory, historyPath, readHistory, recordHistory } from '../../src/health/history-file.ts';
import { Redactor } from '../../src/keys/redact.ts';
import type { RunReport } from '../../src/report/run-report.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { entry } from './helpers.ts';

const source = (over: Record<string, unknown> = {}) => ({
  name: 'lakeshore',
  status: 'ok' as const,
  error: null,
  pages: { fetched: 3, failed: 1 },
  warnings: ['all_midnight: 5/5 events have T00:00:00 start times on https://x — possible time extraction failure', 'other'],
  extracted: 5,
  invalid: 1,
  created: 3,
  duplicates: 1,
  failed: 0,
  unknown: 0,
  ...over,
});

describe('history entries', () => {
  it('one compact line per source read, disabled sources left out', () => {
    const entries = entriesFromReport({
      runId: '01RUNA',
      dryRun: false,
      startedAt: '2026-11-25T03:15:00.000Z',
      sources: [
        source(),
        source({ name: 'off', status: 'disabled' }),
        source({ name: 'down', status: 'failed', error: 'site unreachable: ENOTFOUND x.example', extracted: 0, warnings: [] }),
      ],
    });
    expect(entries).toEqual([
      {
        runId: '01RUNA',
        at: '2026-11-25T03:15:00.000Z',
        source: 'lakeshore',
        status: 'ok',
        dryRun: false,
        pages: 3,
        pagesFailed: 1,
        extracted: 5,
        invalid: 1,
        created: 3,
        duplicates: 1,
        failed: 0,
        unknown: 0,
        warnings: 2,
        allMidnight: true,
        errorClass: null,
        error: null,
      },
      expect.objectContaining({
        source: 'down',
        status: 'failed',
        errorClass: 'unreachable',
        error: 'site unreachable: ENOTFOUND x.example',
        allMidnight: false,
      }),
    ]);
  });

  it.each([
    ['configs/sources/a.yaml:3:7: error: unknown key "selecters"', 'config'],
    ['skipped by robots.txt: /events is disallowed', 'robots'],
    ['site unreachable: ECONNREFUSED', 'unreachable'],
    ['timed out fetching https://x', 'timeout'],
    ['HTTP 404 fetching https://x', 'http'],
    ['this tier-2 source needs a browser', 'needs-browser'],
    ['https://x did not answer with JSON', 'extract'],
    ['something odd', 'other'],
  ])('classifies "%s" as %s', (error, kind) => {
    expect(classifyError(error)).toBe(kind);
  });

  it('skips lines that are not entries instead of failing the whole history', () => {
    const good = JSON.stringify(entry('a', 0));
    expect(parseHistory(`${good}\n{"runId":1}\nnot json\n\n${good.slice(0, 20)}`)).toEqual({ entries: [entry('a', 0)], skipped: 3 });
  });

  it("merging adds nothing twice and keeps each source's newest runs", () => {
    const existing = [entry('a', 3), entry('a', 2), entry('b', 2)];
    const merged = mergeHistory(existing, [entry('a', 2), entry('a', 1), entry('a', 0)], 3);
    expect(merged.added).toBe(2);
    expect(merged.entries.filter((e) => e.source === 'a').map((e) => e.at)).toEqual([entry('a', 2).at, entry('a', 1).at, entry('a', 0).at]);
    expect(merged.entries.filter((e) => e.source === 'b')).toHaveLength(1);
  });
});

describe('history file', () => {
  it('stays bounded per source across many runs, in a private file, with no temp file left', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'sel-history-')), 'state');
    const clock = new FakeClock();
    for (let run = 0; run < 30; run++) {
      await appendHistory(dir, [entry('a', 30 - run, { runId: `R${run}` }), ...(run % 2 === 0 ? [entry('b', 30 - run, { runId: `R${run}` })] : [])], {
        clock,
        keepPerSource: 20,
      });
    }
    const { entries } = readHistory(dir);
    expect(entries.filter((e) => e.source === 'a')).toHaveLength(20);
    expect(entries.filter((e) => e.source === 'a').at(0)?.runId).toBe('R10');
    expect(entries.filter((e) => e.source === 'b')).toHaveLength(15);
    expect(statSync(historyPath(dir)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['history.ndjson']);
  });

  it('waits for a lock a live writer holds however old it is, and takes over one left by a dead process', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sel-history-'));
    const lock = `${historyPath(dir)}.lock`;
    const holder = (pid: number) => JSON.stringify({ pid, host: hostname(), since: '2026-11-30T08:00:00.000Z', nonce: 'writer' });
    writeFileSync(lock, holder(process.pid));
    const clock = new FakeClock(Date.now() + 3_600_000);
    await expect(appendHistory(dir, [entry('a', 0)], { clock })).rejects.toThrow(`held by another sel-scraper writing the history (pid ${process.pid}, since`);
    expect(clock.sleeps.length).toBeGreaterThan(0);
    expect(readFileSync(lock, 'utf8')).toBe(holder(process.pid));
    // No process has this pid (above Linux's largest): the lock is the leftover of a crash.
    writeFileSync(lock, holder(2 ** 22 + 1));
    expect(await appendHistory(dir, [entry('a', 0)], { clock: new FakeClock(Date.now()) })).toBe(1);
    expect(readFileSync(historyPath(dir), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for a lock being written this moment, and takes it over once it is older than that could take', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sel-history-'));
    writeFileSync(`${historyPath(dir)}.lock`, '');
    await expect(appendHistory(dir, [entry('a', 0)], { clock: new FakeClock(Date.now()) })).rejects.toThrow(/a process that is taking it right now/);
    expect(await appendHistory(dir, [entry('a', 0)], { clock: new FakeClock(Date.now() + 60_000) })).toBe(1);
  });
});

describe('recording a run', () => {
  it('redacts a source error before it is kept, so a key a server echoed never reaches the history', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sel-history-'));
    const key = 'agEnTkEy-0123456789abcdefghijklmnopqrstuvwx';
    const report = {
      runId: '01RUNK',
      dryRun: false,
      startedAt: '2026-11-25T03:15:00.000Z',
      sources: [source({ status: 'failed', error: `HTTP 400: bad header Authorization: Bearer ${key}`, warnings: [] })],
    };
    await recordHistory(dir, report as unknown as RunReport, {
      clock: new FakeClock(),
      stderr: { write: () => undefined },
      redactor: new Redactor().addKey(key),
    });
    const text = readFileSync(historyPath(dir), 'utf8');
    expect(text).not.toContain(key);
    expect(readHistory(dir).entries[0]?.error).toBe('HTTP 400: bad header Authorization: Bearer agEnTkEy…');
  });
});
