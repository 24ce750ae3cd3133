import { describe, expect, it } from 'vitest';
import { eventSite, outsideBoundary } from '../helpers/delivery-fixtures.ts';
import { cliIn, runWorld, scrapeIn } from '../helpers/in-process-run.ts';

describe('scrape replay', () => {
  it('shows its progress as scrape all does: the run, the key, each batch posted and confirmed; --quiet shows none', async () => {
    const spec = eventSite({ sources: 2, pages: 1, perPage: 30, rejectEvery: 10 });
    let fixed = false;
    const world = await runWorld(spec.pages, { processingMs: 20, rejectItem: (event) => (fixed ? undefined : outsideBoundary(event)) });
    await spec.writeSources(world.dir, world.site.origin);
    const first = await scrapeIn(world);
    fixed = true;

    const quiet = await cliIn(world, ['scrape', 'replay', first.report.failures!.file, '--quiet', '--failures', 'unused.ndjson']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(/batch \S+: posted/);

    const run = await cliIn(world, ['scrape', 'replay', first.report.failures!.file]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').map((line) => line.replace(/^\S+Z /, ''));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^replay \w{26}: 6 events of 2 sources to re-submit$/),
        'key agEnTkEy… accepted (agent)',
        expect.stringMatching(/^batch \S+: posted, 6 events$/),
      ]),
    );
    expect(lines.some((line) => /^batch \S+: confirmed, (6 created|6 duplicates)$/.test(line))).toBe(true);
  });
});
