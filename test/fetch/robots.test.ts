import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpStatusError, SelScraperError } from '../../src/errors.ts';
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
    await expect(policy.check(`${ORIGIN}/calendar?page=2`)).resolves.toEqual({ allowed: false, reason: `${ORIGIN}/robots.txt disallows "sel-scraper" from /calendar` });
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

  it('disallows everything when robots.txt cannot be reached', async () => {
    const { policy } = robotsSite({ [ORIGIN]: new SelScraperError('ERR_FETCH', `cannot fetch ${ORIGIN}/robots.txt: ECONNREFUSED`) });
    await expect(policy.check(`${ORIGIN}/events`)).resolves.toMatchObject({ allowed: false });
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
