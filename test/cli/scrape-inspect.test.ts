import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { locateChromium } from '../../src/fetch/browser.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { FixtureSite, type SitePage } from '../helpers/fixture-site.ts';
import { LIST_PAGE } from '../authoring/pages.ts';

let site: FixtureSite | undefined;
afterEach(async () => {
  await site?.stop();
  site = undefined;
});

async function inspect(pages: Record<string, SitePage>, args: string[] = []) {
  site = await new FixtureSite(pages).start();
  let stdout = '';
  let stderr = '';
  const code = await main(['scrape', 'inspect', `${site.origin}/whats-on`, ...args], {
    env: {},
    cwd: await mkdtemp(path.join(tmpdir(), 'sel-inspect-')),
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    clock: new FakeClock(Date.parse('2026-01-15T12:00:00Z')),
  });
  return { code, stdout, stderr, origin: site.origin };
}

describe('scrape inspect', () => {
  it('prints one JSON object with every finding and the next steps', async () => {
    const { code, stdout, origin } = await inspect({ '/whats-on': { body: LIST_PAGE } }, ['--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual([
      'cards',
      'dataAttributes',
      'eventLinks',
      'feeds',
      'jsonLd',
      'pagination',
      'rendered',
      'siteName',
      'suggestions',
      'url',
    ]);
    expect(report).toMatchObject({
      url: `${origin}/whats-on`,
      jsonLd: { events: 0, samples: [], warnings: [] },
      feeds: [],
      rendered: null,
      eventLinks: { count: 4 },
      cards: [
        {
          selectors: { event_list: 'ul.event-list > li', name: 'h3', url: 'h3', start_date: 'p.when', location: 'p.venue' },
          count: 4,
          confidence: 'high',
          fields: { name: { selector: 'h3', coverage: 1 }, date: { selector: 'p.when', coverage: 1 } },
        },
      ],
    });
    expect((report.suggestions as string[])[0]).toBe(
      `tier 1 (CSS): 4 "ul.event-list > li" cards (high confidence); \`sources new <name> --url ${origin}/whats-on\` drafts the selectors`,
    );
  });

  it('prints the findings for a person, with the selectors of each card candidate', async () => {
    const { code, stdout } = await inspect({ '/whats-on': { body: LIST_PAGE } });
    expect(code).toBe(0);
    expect(stdout).toContain('Event cards:\n  - ul.event-list > li: 4 cards, high confidence');
    expect(stdout).toContain('    start_date: p.when');
    expect(stdout).toContain('Next steps:\n  - tier 1 (CSS)');
  });
});

const SCRIPTED_PAGE = `<!doctype html><html><head><title>Shows</title></head><body><main id="app">Loading…</main><script>
fetch('/api/v1/shows?page=1').then((r) => r.json()).then((body) => {
  document.getElementById('app').innerHTML = body.data.shows.map((s) => '<div class="show"><h2>' + s.title + '</h2><span class="date">' + s.when + '</span></div>').join('');
});
</script></body></html>`;
const SHOWS_JSON = JSON.stringify({
  data: {
    shows: [
      { title: 'Jazz at the Rex', when: 'Thu, March 5 at 7:30 pm', starts_at: '2026-03-05T19:30:00-05:00' },
      { title: 'Harbour Choir', when: 'Fri, March 6 at 8 pm', starts_at: '2026-03-06T20:00:00-05:00' },
      { title: 'Poetry Open Mic', when: 'Sat, March 7 at 2 pm', starts_at: '2026-03-07T14:00:00-05:00' },
    ],
  },
});

describe.skipIf(!locateChromium(process.env))('scrape inspect --render (skipped: no Chromium)', () => {
  it("shows the cards the page's scripts build and the JSON they load, with intercept settings to use", async () => {
    const { code, stdout, origin } = await inspect(
      { '/whats-on': { body: SCRIPTED_PAGE }, '/api/v1/shows?page=1': { body: SHOWS_JSON, headers: { 'content-type': 'application/json' } } },
      ['--render', '--json'],
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      cards: unknown[];
      rendered: { cards: { selectors: Record<string, unknown> }[]; requests: unknown[] };
      suggestions: string[];
    };
    expect(report.cards).toEqual([]);
    expect(report.rendered.cards[0]?.selectors).toMatchObject({ event_list: 'div.show', name: 'h2', start_date: 'span.date' });
    expect(report.rendered.requests).toEqual([
      {
        method: 'GET',
        url: `${origin}/api/v1/shows?page=1`,
        status: 200,
        resultsPath: 'data.shows',
        items: 3,
        keys: ['title', 'when', 'starts_at'],
        looksLikeEvents: true,
      },
    ]);
    expect(report.suggestions).toContain('tier 2 (headless): the page\'s scripts build 3 "div.show" cards; use them as selectors with tier: 2');
    expect(report.suggestions.some((s) => s.includes('headless.intercept.url_pattern: "127\\.0\\.0\\.1:') && s.includes('results_path: "data.shows"'))).toBe(
      true,
    );
  }, 60_000);
});
