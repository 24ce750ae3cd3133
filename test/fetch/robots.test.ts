import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpStatusError, SelScraperError, SiteUnreachableError } from '../../src/errors.ts';
import { createFixtureDispatcher } from '../../src/fetch/fixtures.ts';
import { createHttpClient, type FetchedDocument, type HttpClient } from '../../src/fetch/http-client.ts';
import { RobotsPolicy } from '../../src/fetch/robots.ts';

/** robots.txt answers by origin: a text, or the error its fetch fails with. */
function robotsSite(answers: Record<string, string | Error>) {
  const fetched: string[] = [];
  const http: HttpClient = {
    async fetchDocument(req): Promise<FetchedDocument> {
      fetched.push(req.url);
      const answer = answers[new URL(req.url).origin];
      if (answer === undefined) throw new HttpStatusError(404, `HTTP 404 fetching ${req.url}`);
      if (answer instanceof Error) throw answer;
      return { url: req.url, status: 200, contentType: 'text/plain', text: answer, bytes: answer.length, charset: 'utf-8' };
    },
  };
  return { policy: new RobotsPolicy({ http }), fetched };
}

const ORIGIN = 'https://venue.test';

describe('RobotsPolicy', () => {
  it('allows what the rules allow and refuses what they disallow for every crawler', async () => {
    const { policy } = robotsSite({ [ORIGIN]: 'User-agent: *\nDisallow: /admin\n' });
    await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({ allowed: true });
    await expect(policy.check(`${ORIGIN}/admin/list`)).resolves.toMatchObject({ allowed: false });
  });

  it('follows the group for sel-scraper over the * group, matching the token case-insensitively', async () => {
    const { policy } = robotsSite({ [ORIGIN]: 'User-agent: *\nDisallow: /\n\nUser-agent: SEL-Scraper\nAllow: /\n' });
    await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({ allowed: true });
  });

  it('refuses a page disallowed for sel-scraper alone, naming the robots.txt and the path', async () => {
    const { policy } = robotsSite({ [ORIGIN]: 'User-agent: sel-scraper\nDisallow: /calendar\n' });
    await expect(policy.check(`${ORIGIN}/calendar?page=2`)).resolves.toEqual({
      allowed: false,
      cause: 'rules',
      reason: `${ORIGIN}/robots.txt disallows "sel-scraper" from /calendar`,
    });
  });

  describe("the group for SEL's own crawler (Togather-SEL-Scraper), which sel-scraper replaces", () => {
    it("refuses what a site disallowed to SEL's scraper by name, saying so", async () => {
      const { policy } = robotsSite({ [ORIGIN]: 'User-agent: Togather-SEL-Scraper\nDisallow: /\n\nUser-agent: *\nAllow: /\n' });
      await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({
        allowed: false,
        cause: 'rules',
        reason: `${ORIGIN}/robots.txt disallows "Togather-SEL-Scraper" (SEL's own scraper, which sel-scraper replaces) from /events`,
      });
    });

    it('matches the token case-insensitively', async () => {
      const { policy } = robotsSite({ [ORIGIN]: 'user-agent: togather-sel-scraper\ndisallow: /private\n' });
      await expect(policy.check(`${ORIGIN}/private/x`)).resolves.toMatchObject({ allowed: false });
      await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({ allowed: true });
    });

    it("lets a group naming SEL's scraper win over the * group, as a group naming ours does", async () => {
      const { policy } = robotsSite({ [ORIGIN]: 'User-agent: *\nDisallow: /\n\nUser-agent: Togather-SEL-Scraper\nAllow: /\n' });
      await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({ allowed: true });
    });

    it('refuses a path either named group disallows when both are present', async () => {
      const { policy } = robotsSite({ [ORIGIN]: 'User-agent: sel-scraper\nDisallow: /tickets\n\nUser-agent: Togather-SEL-Scraper\nDisallow: /members\n' });
      await expect(policy.check(`${ORIGIN}/tickets/1`)).resolves.toMatchObject({ allowed: false, reason: expect.stringContaining('"sel-scraper"') });
      await expect(policy.check(`${ORIGIN}/members/1`)).resolves.toMatchObject({ allowed: false, reason: expect.stringContaining('"Togather-SEL-Scraper"') });
      await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({ allowed: true });
    });

    it('takes the longer Crawl-delay of the two named groups', async () => {
      const { policy } = robotsSite({
        [ORIGIN]: 'User-agent: sel-scraper\nCrawl-delay: 2\n\nUser-agent: Togather-SEL-Scraper\nCrawl-delay: 7\n\nUser-agent: *\nCrawl-delay: 30\n',
      });
      await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({ allowed: true, crawlDelayMs: 7000 });
    });
  });

  it('allows everything when robots.txt is missing (404)', async () => {
    const { policy } = robotsSite({});
    await expect(policy.check(`${ORIGIN}/anything`)).resolves.toEqual({ allowed: true });
  });

  it('disallows everything when robots.txt answers 503, as RFC 9309 asks', async () => {
    const { policy } = robotsSite({ [ORIGIN]: new HttpStatusError(503, `HTTP 503 fetching ${ORIGIN}/robots.txt`) });
    const verdict = await policy.check(`${ORIGIN}/events`);
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringMatching(/could not be read \(HTTP 503.*RFC 9309/) });
  });

  it('disallows everything when robots.txt answers 429: a rate limit is not a missing file', async () => {
    const { policy } = robotsSite({ [ORIGIN]: new HttpStatusError(429, `HTTP 429 fetching ${ORIGIN}/robots.txt`) });
    await expect(policy.check(`${ORIGIN}/events`)).resolves.toMatchObject({ allowed: false });
  });

  it('disallows everything when robots.txt cannot be read for a network failure', async () => {
    const { policy } = robotsSite({ [ORIGIN]: new SelScraperError('ERR_FETCH', `cannot fetch ${ORIGIN}/robots.txt: UND_ERR_SOCKET`) });
    await expect(policy.check(`${ORIGIN}/events`)).resolves.toMatchObject({ allowed: false, cause: 'unreadable' });
  });

  it('disallows everything of a site that cannot be reached, and says it is unreachable rather than unread', async () => {
    const { policy } = robotsSite({ [ORIGIN]: new SiteUnreachableError('cannot resolve the host name venue.test (ENOTFOUND)') });
    await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({
      allowed: false,
      cause: 'unreachable',
      reason: 'cannot resolve the host name venue.test (ENOTFOUND)',
    });
  });

  it('counts the sites it reached and those it could not', async () => {
    const { policy } = robotsSite({ [ORIGIN]: new SiteUnreachableError('x'), 'https://other.test': new SiteUnreachableError('y') });
    expect(policy.noSiteReached()).toBe(false);
    await policy.check(`${ORIGIN}/events`);
    await policy.check('https://other.test/events');
    expect(policy.noSiteReached()).toBe(true);
    await policy.check('https://up.test/events');
    expect(policy.noSiteReached()).toBe(false);
  });

  it('gives the Crawl-delay for our token in milliseconds', async () => {
    const { policy } = robotsSite({ [ORIGIN]: 'User-agent: sel-scraper\nCrawl-delay: 2.5\nAllow: /\n' });
    await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({ allowed: true, crawlDelayMs: 2_500 });
  });

  it('fetches robots.txt once per origin, however many sources and pages ask at once', async () => {
    const { policy, fetched } = robotsSite({ [ORIGIN]: 'User-agent: *\nAllow: /\n' });
    await Promise.all([policy.check(`${ORIGIN}/a`), policy.check(`${ORIGIN}/b`), policy.check(`${ORIGIN}/c`), policy.check('https://other.test/a')]);
    await policy.check(`${ORIGIN}/d`);
    expect(fetched.sort()).toEqual(['https://other.test/robots.txt', `${ORIGIN}/robots.txt`]);
  });

  it('stops a check whose signal has aborted, before and after the rules are read', async () => {
    const { policy } = robotsSite({ [ORIGIN]: 'User-agent: *\nAllow: /\n' });
    const stopped = AbortSignal.abort(new SelScraperError('ERR_TIMEOUT', 'source timed out'));
    await expect(policy.check(`${ORIGIN}/a`, stopped)).rejects.toThrow('source timed out');
    await expect(policy.check(`${ORIGIN}/b`)).resolves.toEqual({ allowed: true });
    await expect(policy.check(`${ORIGIN}/c`, stopped)).rejects.toThrow('source timed out');
  });

  it('counts a robots.txt missing from a --fixtures recording as no robots.txt', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'robots-fixtures-'));
    await writeFile(path.join(dir, 'page.html'), '<html></html>');
    await writeFile(path.join(dir, 'recordings.json'), JSON.stringify({ recordings: [{ url: `${ORIGIN}/events`, body: 'page.html' }] }));
    const dispatcher = await createFixtureDispatcher(dir);
    try {
      const policy = new RobotsPolicy({ http: createHttpClient({ dispatcher, userAgent: 'sel-scraper/test' }) });
      await expect(policy.check(`${ORIGIN}/events`)).resolves.toEqual({ allowed: true });
    } finally {
      await dispatcher.close();
    }
  });

  it('obeys a robots.txt that a --fixtures recording does hold', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'robots-fixtures-'));
    await writeFile(path.join(dir, 'robots.txt'), 'User-agent: *\nDisallow: /\n');
    await writeFile(path.join(dir, 'recordings.json'), JSON.stringify({ recordings: [{ url: `${ORIGIN}/robots.txt`, body: 'robots.txt' }] }));
    const dispatcher = await createFixtureDispatcher(dir);
    try {
      const policy = new RobotsPolicy({ http: createHttpClient({ dispatcher, userAgent: 'sel-scraper/test' }) });
      await expect(policy.check(`${ORIGIN}/events`)).resolves.toMatchObject({ allowed: false });
    } finally {
      await dispatcher.close();
    }
  });
});

describe('robots.txt of a source without certificate checks', () => {
  it('is fetched the same way as the page (insecure_skip_verify)', async () => {
    const seen: boolean[] = [];
    const policy = new RobotsPolicy({
      http: {
        fetchDocument: (req) => {
          seen.push(req.insecureTls ?? false);
          return Promise.resolve({ url: req.url, status: 200, contentType: 'text/plain', text: 'User-agent: *\nAllow: /\n', bytes: 10, charset: 'utf-8' });
        },
      },
    });
    await expect(policy.check('https://self-signed.test/feed.ics', undefined, true)).resolves.toMatchObject({ allowed: true });
    expect(seen).toEqual([true]);
  });
});
