import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeadlessBrowser, locateChromium, type HeadlessBrowser } from '../../src/fetch/browser.ts';
import { createSourceFetching, type SourceFetching } from '../../src/fetch/source-fetching.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import { readSourcePages } from '../../src/read/source-pages.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { USER_AGENT } from '../../src/version.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { closeServer, listenOnLoopback } from '../helpers/loopback.ts';

const browserAvailable = locateChromium(process.env) !== undefined;

/** Inserts `.event` cards after load, as the JavaScript-built listings of tier 2 sites do. */
function lateCards(names: string[], extra = ''): string {
  const cards = JSON.stringify(names.map((name) => `<div class="event"><h2>${name}</h2><span class="when">Dec 8 2026 7:30pm</span></div>`).join(''));
  return `<html><body><div id="list"></div>${extra}<script src="/app.js"></script><script>
    window.addEventListener('load', () => setTimeout(() => { document.getElementById('list').innerHTML = ${cards}; }, 50));
  </script></body></html>`;
}

const ROUTES: Record<string, { type: string; body: string }> = {
  '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nDisallow: /private\n' },
  '/app.js': { type: 'text/javascript', body: '/* loaded so the browser’s own requests can be seen */' },
  '/events': { type: 'text/html', body: lateCards(['Late A', 'Late B']) },
  '/mixed': { type: 'text/html', body: lateCards(['Late'], '<div class="event"><h2>Static</h2><span class="when">Dec 9 2026 8pm</span></div>') },
  '/private': { type: 'text/html', body: lateCards(['Secret']) },
  '/xhr': {
    type: 'text/html',
    body: `<html><body><div id="done"></div><script>
      fetch('/api/events.json').then((r) => r.json()).then(() => { document.getElementById('done').className = 'loaded'; });
    </script></body></html>`,
  },
  '/api/events.json': {
    type: 'application/json',
    body: JSON.stringify({ data: { items: [{ title: 'From API', when: { start: '2026-12-10T19:00:00-05:00' } }] } }),
  },
  '/paged': { type: 'text/html', body: lateCards(['Page 1'], '<button class="next" onclick="location.href=\'/paged-2\'">Next</button>') },
  '/paged-2': { type: 'text/html', body: lateCards(['Page 2']) },
  '/endless': {
    type: 'text/html',
    body: lateCards(['Again'], '<a class="next">Next</a><script>document.querySelector(".next").href = "/endless?n=" + (Number(new URLSearchParams(location.search).get("n")) + 1);</script>'),
  },
  '/framed': { type: 'text/html', body: '<html><body><h1>Box office</h1><iframe id="tickets" src="/inner"></iframe></body></html>' },
  '/inner': { type: 'text/html', body: lateCards(['In frame']) },
};

let server: Server;
let origin: string;
let requests: { path: string; headers: IncomingHttpHeaders }[];
let network: Agent;
let fetching: SourceFetching;
let clock: FakeClock;
let browser: HeadlessBrowser | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({ path, headers: req.headers });
    const route = ROUTES[path];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': `${route.type}; charset=utf-8` }).end(route.body);
  });
  origin = await listenOnLoopback(server);
  network = new Agent();
  browser = createHeadlessBrowser(process.env);
});

afterAll(async () => {
  await browser?.close();
  await network.close();
  await closeServer(server);
});

beforeEach(async () => {
  requests = [];
  clock = new FakeClock();
  fetching = await createSourceFetching({ network, clock, maxRetryAfterMs: 0, hostDelayMs: 0, realNetwork: false });
});

const selectors = { event_list: '.event', name: 'h2', date_selectors: ['.when'] };

function source(file: Partial<SourceFile> = {}) {
  return applyDefaults({ name: 'venue', tier: 2, url: `${origin}/events`, selectors, ...file }, 'venue.yaml', 'America/Toronto');
}

async function read(config: ReturnType<typeof source>): Promise<PageOutcome[]> {
  const pages: PageOutcome[] = [];
  for await (const page of readSourcePages(config, { http: fetching.http, clock, ...(browser ? { browser } : {}) })) pages.push(page);
  return pages;
}

const names = (pages: PageOutcome[]) => pages.map((p) => (p.ok ? p.events.map((e) => e.name) : `failed: ${p.error}`));

describe('locating Chromium', () => {
  it('uses SEL_CHROMIUM_PATH and nothing else when it is set', () => {
    expect(locateChromium({ SEL_CHROMIUM_PATH: '/opt/missing/chrome' }, (path) => path === '/usr/bin/chromium')).toBeUndefined();
  });

  it('falls back to the first system Chromium that exists', () => {
    expect(locateChromium({}, (path) => path === '/usr/bin/chromium-browser' || path === '/usr/bin/google-chrome')).toBe('/usr/bin/chromium-browser');
  });
});

describe('reading tier 2 sources without a browser', () => {
  it('reads the server-rendered HTML and says how to enable rendering when SEL_CHROMIUM_PATH points nowhere', async () => {
    const none = createHeadlessBrowser({ SEL_CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(none).toBeUndefined();
    const pages: PageOutcome[] = [];
    for await (const page of readSourcePages(source({ url: `${origin}/mixed` }), { http: fetching.http, clock, ...(none ? { browser: none } : {}) })) pages.push(page);
    expect(pages).toMatchObject([{ ok: true, events: [{ name: 'Static' }], warnings: [expect.stringContaining('set SEL_CHROMIUM_PATH')] }]);
  });
});

describe('reading tier 2 sources in Chromium', () => {
  it.skipIf(!browserAvailable)('reads events that JavaScript inserts after load', { timeout: 15_000 }, async () => {
    const pages = await read(source({ headless: { wait_selector: '.event' } }));
    expect(names(pages)).toEqual([['Late A', 'Late B']]);
  });

  it.skipIf(!browserAvailable)('sends the scraper User-Agent and headless.headers with the browser’s requests', { timeout: 15_000 }, async () => {
    await read(source({ headless: { wait_selector: '.event', headers: { 'x-venue-key': 'k1' } } }));
    const script = requests.find((r) => r.path === '/app.js');
    expect(script?.headers).toMatchObject({ 'user-agent': USER_AGENT, 'x-venue-key': 'k1' });
  });

  it.skipIf(!browserAvailable)('does not open a page that robots.txt disallows', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: `${origin}/private`, headless: { wait_selector: '.event' } }));
    expect(pages).toMatchObject([{ ok: false, error: expect.stringContaining('robots.txt') }]);
    expect(requests.filter((r) => r.path === '/private' || r.path === '/app.js')).toEqual([]);
  });

  it.skipIf(!browserAvailable)('requests each page once, by the browser: robots.txt and the host gate admit it without a GET of their own', { timeout: 15_000 }, async () => {
    await read(source({ headless: { wait_selector: '.event' } }));
    expect(requests.filter((r) => r.path === '/events').map((r) => r.headers['sec-fetch-mode'])).toEqual(['navigate']);
  });

  it.skipIf(!browserAvailable)('refuses to open a URL that is not http(s)', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: 'file:///etc/hostname' }));
    expect(pages).toMatchObject([{ ok: false, error: expect.stringContaining('only http(s) pages are rendered') }]);
  });

  it.skipIf(!browserAvailable)('maps the JSON responses that intercept.url_pattern matches with its field_map', { timeout: 15_000 }, async () => {
    const intercept = { url_pattern: 'api/events\\.json$', results_path: 'data.items', field_map: { name: 'title', start_date: 'when.start' } };
    const pages = await read(source({ url: `${origin}/xhr`, headless: { wait_selector: '#done.loaded', intercept } }));
    expect(pages).toMatchObject([{ ok: true, events: [{ name: 'From API', startDate: '2026-12-10T19:00:00-05:00' }] }]);
  });

  it.skipIf(!browserAvailable)('clicks pagination_button to the next page, waiting rate_limit_ms between pages', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: `${origin}/paged`, headless: { wait_selector: '.event', pagination_button: 'button.next', rate_limit_ms: 250 } }));
    expect(names(pages)).toEqual([['Page 1'], ['Page 2']]);
    expect(clock.sleeps).toContain(250);
  });

  it.skipIf(!browserAvailable)('stops following the pagination button at max_pages and says so', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: `${origin}/endless`, max_pages: 2, headless: { wait_selector: '.event', pagination_button: 'a.next' } }));
    expect(names(pages)).toEqual([['Again'], ['Again']]);
    expect(pages.at(-1)).toMatchObject({ warnings: [expect.stringContaining('stopped after max_pages (2)')] });
  });

  it.skipIf(!browserAvailable)('reads the events inside the configured iframe', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: `${origin}/framed`, headless: { iframe: { selector: '#tickets', wait_selector: '.event' } } }));
    expect(names(pages)).toEqual([['In frame']]);
  });

  it.skipIf(!browserAvailable)('warns that undetected (stealth) mode is not supported', { timeout: 15_000 }, async () => {
    const pages = await read(source({ headless: { wait_selector: '.event', undetected: true } }));
    expect(pages).toMatchObject([{ ok: true, warnings: [expect.stringContaining('undetected (stealth mode) is not supported')] }]);
  });
});
