import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/fetch/http-client.ts';
import { INSECURE_TLS_WARNING, readIcsFeeds } from '../../src/read/ics.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const ORIGIN = 'https://calendar.test';
const FEED = `${ORIGIN}/events.ics`;
const CALENDAR = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'BEGIN:VEVENT',
  'UID:talk-1',
  'SUMMARY:Talk',
  'DTSTART;TZID=America/Toronto:20270115T190000',
  'LOCATION:Hall',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');
const ICS_HEADERS = { 'content-type': 'text/calendar; charset=utf-8' };

const agent = useOfflineAgent();

function source(extra: Partial<SourceFile> = {}) {
  return applyDefaults({ name: 'calendar', url: FEED, extraction_method: 'ics', timezone: 'America/Toronto', ...extra }, 'calendar.yaml', 'America/Toronto');
}

async function read(extra: Partial<SourceFile> = {}, insecure?: MockAgent): Promise<PageOutcome[]> {
  const http = createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test', ...(insecure ? { insecureDispatcher: () => insecure } : {}) });
  const pages: PageOutcome[] = [];
  for await (const page of readIcsFeeds(source(extra), { http, clock: new FakeClock(Date.parse('2026-12-01T12:00:00Z')) })) pages.push(page);
  return pages;
}

function ok(page: PageOutcome | undefined) {
  if (!page?.ok) throw new Error(`expected a feed, got ${JSON.stringify(page)}`);
  return page;
}

describe('readIcsFeeds', () => {
  it('asks for text/calendar and reads the feed’s events in the source’s zone', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/events.ics', headers: { accept: /^text\/calendar/ } })
      .reply(200, CALENDAR, { headers: ICS_HEADERS });
    const page = ok((await read())[0]);
    expect(page.events.map((e) => [e.id, e.startDate])).toEqual([['talk-1', '2027-01-15T19:00:00-05:00']]);
    expect(page.warnings).toEqual([]);
  });

  it('sends the source’s headers, which may replace the Accept', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/events.ics', headers: { authorization: 'Bearer t0ken', accept: 'text/plain' } })
      .reply(200, CALENDAR, { headers: ICS_HEADERS });
    expect(ok((await read({ headers: { Authorization: 'Bearer t0ken', Accept: 'text/plain' } }))[0]).events).toHaveLength(1);
  });

  it('takes 204 No Content as an empty calendar', async () => {
    agent().get(ORIGIN).intercept({ path: '/events.ics' }).reply(204, '');
    expect(await read()).toEqual([{ ok: true, url: FEED, events: [], warnings: [] }]);
  });

  it('fails the feed with a clear reason when an HTML page comes back instead of a calendar', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/events.ics' })
      .reply(200, '<!doctype html><title>Sign in</title>', { headers: { 'content-type': 'text/html; charset=utf-8' } });
    const [page] = await read();
    expect(page).toEqual({
      ok: false,
      url: FEED,
      error: `${FEED} is not an iCalendar feed (no BEGIN:VCALENDAR): the server sent an HTML page, likely an error or login page`,
    });
  });

  it('reads a calendar served as text/html, with a warning', async () => {
    agent()
      .get(ORIGIN)
      .intercept({ path: '/events.ics' })
      .reply(200, CALENDAR, { headers: { 'content-type': 'text/html' } });
    const page = ok((await read())[0]);
    expect([page.events.length, page.warnings]).toEqual([1, [`${FEED}: expected text/calendar, got text/html (likely an error page)`]]);
  });

  it('reports an HTTP error as the feed’s failure', async () => {
    agent().get(ORIGIN).intercept({ path: '/events.ics' }).reply(404, 'gone');
    expect(await read()).toEqual([{ ok: false, url: FEED, error: `HTTP 404 fetching ${FEED}` }]);
  });

  it('fails a feed larger than max_body_bytes', async () => {
    agent().get(ORIGIN).intercept({ path: '/events.ics' }).reply(200, CALENDAR, { headers: ICS_HEADERS });
    expect(await read({ max_body_bytes: 50 })).toEqual([{ ok: false, url: FEED, error: `body of ${FEED} is larger than 50 bytes` }]);
  });

  it('reads every feed listed in urls', async () => {
    agent().get(ORIGIN).intercept({ path: '/a.ics' }).reply(200, CALENDAR, { headers: ICS_HEADERS });
    agent().get(ORIGIN).intercept({ path: '/b.ics' }).reply(200, CALENDAR.replace('talk-1', 'talk-2'), { headers: ICS_HEADERS });
    const pages = await read({ urls: [`${ORIGIN}/a.ics`, `${ORIGIN}/b.ics`] });
    expect(pages.map((p) => ok(p).events[0]?.id)).toEqual(['talk-1', 'talk-2']);
  });

  it('fetches an insecure_skip_verify source through the unverifying dispatcher and says verification is off', async () => {
    const insecure = new MockAgent();
    insecure.disableNetConnect();
    insecure.get(ORIGIN).intercept({ path: '/events.ics' }).reply(200, CALENDAR, { headers: ICS_HEADERS });
    try {
      const page = ok((await read({ insecure_skip_verify: true }, insecure))[0]);
      expect([page.events.length, page.warnings]).toEqual([1, [INSECURE_TLS_WARNING]]);
    } finally {
      await insecure.close();
    }
  });

  it('refuses insecure_skip_verify where no unverifying dispatcher is configured, rather than verifying silently', async () => {
    const [page] = await read({ insecure_skip_verify: true });
    expect(page).toEqual({ ok: false, url: FEED, error: `cannot fetch ${FEED} without verifying its TLS certificate (insecure_skip_verify) in this command` });
  });
});

describe('folded multi-byte characters', () => {
  it('joins a fold that splits a UTF-8 character before decoding, and no other fold', async () => {
    const { joinSplitCharacters } = await import('../../src/extract/ics-lines.ts');
    const e = Buffer.from('é');
    const folded = Buffer.concat([Buffer.from('SUMMARY:Caf'), e.subarray(0, 1), Buffer.from('\r\n '), e.subarray(1), Buffer.from(' au lait\r\n more\r\n')]);
    expect(joinSplitCharacters(folded).toString('utf8')).toBe('SUMMARY:Café au lait\r\n more\r\n');
  });
});
