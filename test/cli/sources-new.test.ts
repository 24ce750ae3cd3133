import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { locateChromium } from '../../src/fetch/browser.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { FixtureSite, type SitePage } from '../helpers/fixture-site.ts';
import { ARTICLE_PAGE, FEED_ICS, feedLinkPage, GRID_PAGE, JSONLD_PAGE, LIST_PAGE, NO_EVENTS_PAGE, SHOW_NAMES, TABLE_PAGE } from '../authoring/pages.ts';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const browserAvailable = locateChromium(process.env) !== undefined;

/** A listing whose cards only its script builds, after load. */
const SCRIPTED_PAGE = `<html><head><title>Shows | Late Hall</title></head><body><div id="list"></div><script>
  addEventListener('load', () => setTimeout(() => {
    const shows = [['Jazz Night', 'March 5, 2026 8:00 pm', '/e/1'], ['Folk Evening', 'March 6, 2026 7:30 pm', '/e/2'], ['Blues Jam', 'March 7, 2026 9:00 pm', '/e/3']];
    document.getElementById('list').innerHTML = shows
      .map(([name, when, href]) => '<article class="show"><h3><a href="' + href + '">' + name + '</a></h3><time>' + when + '</time><p class="venue">Late Hall</p></article>')
      .join('');
  }, 50));
</script></body></html>`;

let site: FixtureSite | undefined;
afterEach(async () => {
  await site?.stop();
  site = undefined;
});

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    env: {},
    cwd,
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    clock: new FakeClock(NOW),
  });
  return { code, stdout, stderr };
}

async function serve(pages: Record<string, SitePage>) {
  site = await new FixtureSite(pages).start();
  return site.origin;
}

/** Drafts `name` from `url`, then checks it as a user would: validate, then scrape source. */
async function draftAndCheck(name: string, url: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'sel-new-'));
  const drafted = await run(['sources', 'new', name, '--url', url, '--sources', 'sources'], dir);
  const yaml = existsSync(path.join(dir, 'sources', `${name}.yaml`)) ? await readFile(path.join(dir, 'sources', `${name}.yaml`), 'utf8') : '';
  const validated = await run(['sources', 'validate', '--sources', 'sources', '--json'], dir);
  const scraped = await run(['scrape', 'source', name, '--sources', 'sources', '--json'], dir);
  const events =
    scraped.code === 0
      ? (JSON.parse(scraped.stdout) as { events: { name: string; startDate: string; location?: { name?: string }; url?: string }[] }).events
      : [];
  return { dir, drafted, yaml, validated, scraped, events };
}

describe('sources new', () => {
  it('drafts a tier 0 source for a page with JSON-LD events', async () => {
    const origin = await serve({ '/whats-on': { body: JSONLD_PAGE } });
    const { drafted, yaml, validated, events } = await draftAndCheck('lakeshore', `${origin}/whats-on`);
    expect(drafted.code).toBe(0);
    expect(drafted.stdout).toContain('wrote sources/lakeshore.yaml: schema.org Event JSON-LD on the page (4 event(s))');
    expect(drafted.stdout).toContain('It yields 4 event(s) now');
    expect(yaml).toContain('tier: 0\n');
    expect(yaml).toMatch(/^# Checked before writing: 4 event\(s\) read with this config\.$/m);
    expect(validated.code).toBe(0);
    expect(events.map((e) => e.name)).toEqual(SHOW_NAMES);
  });

  it('drafts an ICS source for a page that links its calendar feed', async () => {
    const pages: Record<string, SitePage> = { '/events/?ical=1': { body: FEED_ICS, headers: { 'content-type': 'text/calendar; charset=utf-8' } } };
    const origin = await serve(pages);
    // A second feed link, as webcal: (read as https:, which this site does not speak): tried, not chosen.
    pages['/calendar'] = { body: feedLinkPage('/events/?ical=1', `webcal://${origin.slice('http://'.length)}/old.ics`) };
    const { drafted, yaml, validated, events } = await draftAndCheck('lakeshore-feed', `${origin}/calendar`);
    expect(drafted.code).toBe(0);
    expect(yaml).toContain(`url: "${origin}/events/?ical=1"\n`);
    expect(yaml).toContain('extraction_method: "ics"\n');
    expect(yaml).toContain('timezone: "America/Toronto"\n');
    expect(drafted.stdout).toContain(`Also tried:\n  - calendar feed https://${origin.slice('http://'.length)}/old.ics`);
    expect(validated.code).toBe(0);
    expect(events.map((e) => e.name).sort()).toEqual([...SHOW_NAMES].sort());
    expect(events.find((e) => e.name === 'Harbour Choir')?.startDate).toBe('2026-03-06T20:00:00-05:00');
  });

  it('drafts an ICS source from a feed URL given directly, not only from a page that links one', async () => {
    const origin = await serve({ '/calendar.ics': { body: FEED_ICS, headers: { 'content-type': 'text/calendar; charset=utf-8' } } });
    const { drafted, yaml, validated, events } = await draftAndCheck('lakeshore-ics', `${origin}/calendar.ics`);
    expect(drafted.code, drafted.stderr).toBe(0);
    expect(drafted.stdout).toContain(`wrote sources/lakeshore-ics.yaml: calendar feed ${origin}/calendar.ics (the URL given is an iCalendar feed)`);
    expect(yaml).toContain('extraction_method: "ics"\n');
    expect(yaml).not.toContain('listing page:');
    expect(validated.code).toBe(0);
    expect(events.map((e) => e.name).sort()).toEqual([...SHOW_NAMES].sort());
  });

  it('points at --render, with the command to paste, when nothing in the static HTML yields an event', async () => {
    const origin = await serve({ '/shows': { body: SCRIPTED_PAGE } });
    const { drafted } = await draftAndCheck('late-hall', `${origin}/shows`);
    expect(drafted.code).toBe(3);
    expect(drafted.stderr).toContain(
      `hint: \`sel-scraper sources new late-hall --url ${origin}/shows --sources sources --render\` also drafts from the page as Chromium builds it`,
    );
  });

  it.skipIf(!browserAvailable)(
    'drafts a tier 2 source with --render from the cards the page builds with its script, and the draft reads them',
    { timeout: 30_000 },
    async () => {
      const origin = await serve({ '/shows': { body: SCRIPTED_PAGE } });
      const dir = await mkdtemp(path.join(tmpdir(), 'sel-new-'));
      const drafted = await run(['sources', 'new', 'late-hall', '--url', `${origin}/shows`, '--sources', 'sources', '--render'], dir);
      expect(drafted.code, drafted.stderr).toBe(0);
      expect(drafted.stdout).toContain('3 repeated "article.show" cards built by the page\'s scripts: tier 2 (rendered in Chromium)');
      const yaml = await readFile(path.join(dir, 'sources', 'late-hall.yaml'), 'utf8');
      expect(yaml).toContain('tier: 2\n');
      expect(yaml).toMatch(/^headless:\n {2}wait_selector: "article\.show"/m);
      expect((await run(['sources', 'validate', '--sources', 'sources'], dir)).code).toBe(0);
      const scraped = await run(['scrape', 'source', 'late-hall', '--sources', 'sources', '--json'], dir);
      expect(scraped.code, scraped.stderr).toBe(0);
      const events = (JSON.parse(scraped.stdout) as { events: { name: string; startDate: string }[] }).events;
      expect(events.map((e) => [e.name, e.startDate])).toEqual([
        ['Jazz Night', '2026-03-05T20:00:00-05:00'],
        ['Folk Evening', '2026-03-06T19:30:00-05:00'],
        ['Blues Jam', '2026-03-07T21:00:00-05:00'],
      ]);
    },
  );

  it('still drafts a feed that works but lists only events that have ended, and says so', async () => {
    const past = FEED_ICS.replace(/DTSTART;TZID=America\/Toronto:2026/g, 'DTSTART;TZID=America/Toronto:2025');
    const origin = await serve({ '/calendar.ics': { body: past, headers: { 'content-type': 'text/calendar' } } });
    const { drafted, yaml, validated } = await draftAndCheck('quiet-season', `${origin}/calendar.ics`);
    expect(drafted.code, drafted.stderr).toBe(0);
    expect(drafted.stdout).toContain(`It yields no event now: the feed was read, and all ${SHOW_NAMES.length} of its events have already ended`);
    expect(yaml).toMatch(new RegExp(`^# Checked before writing: the feed was read; all ${SHOW_NAMES.length} of its events have already ended\\.$`, 'm'));
    expect(validated.code).toBe(0);
  });

  it.each([
    ['list items', LIST_PAGE, 'ul.event-list > li'],
    ['table rows', TABLE_PAGE, 'table.schedule'],
    ['articles', ARTICLE_PAGE, 'article.c-event-card'],
    ['link cards in grid rows', GRID_PAGE, 'a.tile'],
  ])('drafts tier 1 selectors for %s that read every event with its date and time', async (_shape, html, eventList) => {
    const origin = await serve({ '/whats-on': { body: html } });
    const { drafted, yaml, validated, events } = await draftAndCheck('cards', `${origin}/whats-on`);
    expect(drafted.code).toBe(0);
    expect(yaml).toContain('tier: 1\n');
    expect(yaml).toContain(`event_list: "${eventList}`);
    expect(yaml).toMatch(/event_list: .*# 4 cards on the page; first: ".*Jazz at the Rex/);
    expect(yaml).toMatch(/^# Inferred: 4 repeated ".+" cards: tier 1 CSS selectors \(score [\d.]+\)(, with a default_location)?; confidence (high|medium)\.$/m);
    expect(validated.code).toBe(0);
    expect(events.map((e) => e.name)).toEqual(SHOW_NAMES);
    expect(events.map((e) => e.startDate)).toEqual([
      '2026-03-05T19:30:00-05:00',
      '2026-03-06T20:00:00-05:00',
      '2026-03-07T14:00:00-05:00',
      '2026-03-08T11:00:00-04:00',
    ]);
    expect(events[0]?.url).toBe(`${origin}/events/jazz-at-the-rex`);
  });

  it("stands the site's name in as default_location, for review, when the cards name no venue", async () => {
    const origin = await serve({ '/whats-on': { body: GRID_PAGE.replace("<title>What's on</title>", "<title>What's on | Lakeshore Arts</title>") } });
    const { drafted, yaml, events } = await draftAndCheck('grid', `${origin}/whats-on`);
    expect(yaml).toContain('default_location:\n  name: "Lakeshore Arts"  # REVIEW: the site\'s name, not a venue\'s\n');
    expect(drafted.stdout).toContain('  - default_location: "Lakeshore Arts" is the site\'s name (its og:site_name, the end of its title, else its host name)');
    expect(events.map((e) => e.location?.name)).toEqual(['Lakeshore Arts', 'Lakeshore Arts', 'Lakeshore Arts', 'Lakeshore Arts']);
  });

  it('says what to review, and names the venue when the cards have one', async () => {
    const origin = await serve({ '/whats-on': { body: TABLE_PAGE } });
    const { drafted, events } = await draftAndCheck('table', `${origin}/whats-on`);
    expect(drafted.stdout).toContain('Review:\n  - license: SEL accepts only CC0 events');
    expect(drafted.stdout).toContain('pagination: no next-page link found');
    expect(events[0]?.location?.name).toBe('The Rex Hotel');
  });

  it('writes nothing and exits 3 when nothing on the page yields an event', async () => {
    const origin = await serve({ '/about': { body: NO_EVENTS_PAGE } });
    const dir = await mkdtemp(path.join(tmpdir(), 'sel-new-'));
    const result = await run(['sources', 'new', 'about', '--url', `${origin}/about`, '--sources', 'sources'], dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`no draft written: nothing on ${origin}/about yields an event`);
    expect(result.stderr).toContain('--render');
    expect(existsSync(path.join(dir, 'sources', 'about.yaml'))).toBe(false);
  });

  it('never overwrites an existing file, nor takes a name another config has', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sel-new-'));
    await mkdir(path.join(dir, 'sources'));
    await writeFile(path.join(dir, 'sources', 'mine.yaml'), 'name: mine\nurl: "https://a.test/"\n');
    await writeFile(path.join(dir, 'sources', 'other-file.yaml'), 'name: taken\nurl: "https://b.test/"\n');
    const exists = await run(['sources', 'new', 'mine', '--url', 'https://a.test/', '--sources', 'sources'], dir);
    expect(exists).toMatchObject({ code: 2, stderr: expect.stringContaining('sources/mine.yaml already exists; not overwriting it') as string });
    expect(await readFile(path.join(dir, 'sources', 'mine.yaml'), 'utf8')).toBe('name: mine\nurl: "https://a.test/"\n');
    const taken = await run(['sources', 'new', 'taken', '--url', 'https://b.test/', '--sources', 'sources'], dir);
    expect(taken).toMatchObject({ code: 2, stderr: expect.stringContaining('a source named "taken" already exists') as string });
  });

  it('refuses a name that is not a slug, and suggests one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sel-new-'));
    const result = await run(['sources', 'new', 'Lakeshore Arts', '--url', 'https://a.test/'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('hint: for example lakeshore-arts');
  });
});
