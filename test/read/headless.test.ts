import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeadlessBrowser, launchChromium, locateChromium, type HeadlessBrowser } from '../../src/fetch/browser.ts';
import { createSourceFetching, type SourceFetching } from '../../src/fetch/source-fetching.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import { readSourcePages } from '../../src/read/source-pages.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { USER_AGENT } from '../../src/version.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { closeServer, closedPort, listenOnLoopback } from '../helpers/loopback.ts';

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
    body: lateCards(
      ['Again'],
      '<a class="next">Next</a><script>document.querySelector(".next").href = "/endless?n=" + (Number(new URLSearchParams(location.search).get("n")) + 1);</script>',
    ),
  },
  '/framed': { type: 'text/html', body: '<html><body><h1>Box office</h1><iframe id="tickets" src="/inner"></iframe></body></html>' },
  '/inner': { type: 'text/html', body: lateCards(['In frame']) },
  '/framed-more': {
    type: 'text/html',
    body: `<html><body><iframe id="tickets" src="/inner-more"></iframe>
      <button class="more" onclick="document.getElementById('tickets').contentWindow.postMessage('more', '*'); this.remove()">More</button></body></html>`,
  },
  '/inner-more': {
    type: 'text/html',
    body: `<html><body><div id="list"><div class="event"><h2>First</h2><span class="when">Dec 8 2026 7:30pm</span></div></div><script>
      addEventListener('message', () => setTimeout(() => document.getElementById('list').insertAdjacentHTML('beforeend',
        '<div class="event"><h2>Second</h2><span class="when">Dec 9 2026 7:30pm</span></div>'), 30));
    </script></body></html>`,
  },
  '/spin': {
    type: 'text/html',
    body: '<html><body><div class="event"><h2>Never read</h2></div><script>addEventListener("load", () => { for (;;) {} });</script></body></html>',
  },
  '/more': { type: 'text/html', body: loadMore([['A', 'B'], ['B', 'C'], ['D']]) },
  '/to-private': { type: 'text/html', body: lateCards(['Listing'], '<button class="next" onclick="location.href=\'/private\'">Next</button>') },
  '/peek': {
    type: 'text/html',
    body: `<html><body><script>
      Promise.allSettled([fetch('/app.js'), fetch('http://localhost:' + location.port + '/secret')]).then(() => { document.body.className = 'done'; });
    </script></body></html>`,
  },
  '/secret': { type: 'text/plain', body: 'internal' },
  '/to-localhost': {
    type: 'text/html',
    body: lateCards(['Listing'], '<button class="next" onclick="location.href=\'http://localhost:\' + location.port + \'/secret\'">Next</button>'),
  },
};

/** A listing whose "Load more" button appends the next batch of cards in place (no navigation). */
function loadMore(batches: string[][]): string {
  const card = (name: string) => `<div class="event"><h2>${name}</h2><span class="when">Dec 8 2026 7:30pm</span></div>`;
  const [first = [], ...rest] = batches;
  return `<html><body><div id="list">${first.map(card).join('')}</div><button class="more">Load more</button><script>
    const batches = ${JSON.stringify(rest.map((names) => names.map(card).join('')))};
    document.querySelector('.more').addEventListener('click', () => setTimeout(() => {
      document.getElementById('list').insertAdjacentHTML('beforeend', batches.shift());
      if (batches.length === 0) document.querySelector('.more').remove();
    }, 30));
  </script></body></html>`;
}

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
    if (path === '/moved') {
      res.writeHead(302, { location: '/private' }).end();
      return;
    }
    if (path === '/sitemap.xml') {
      res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${origin}/events</loc></url><url><loc>${origin}/mixed</loc></url></urlset>`,
        );
      return;
    }
    const route = ROUTES[path];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': `${route.type}; charset=utf-8` }).end(route.body);
  });
  origin = await listenOnLoopback(server);
  network = new Agent();
  fetching = await createSourceFetching({ network, clock: new FakeClock(), maxRetryAfterMs: 0, hostDelayMs: 0, realNetwork: false });
  browser = createHeadlessBrowser(process.env, { gate: fetching.gate, pages: 4 });
});

afterAll(async () => {
  await browser?.close();
  await network.close();
  await closeServer(server);
});

beforeEach(() => {
  requests = [];
  clock = new FakeClock();
});

const selectors = { event_list: '.event', name: 'h2', date_selectors: ['.when'] };

function source(file: Partial<SourceFile> = {}) {
  return applyDefaults({ name: 'venue', tier: 2, url: `${origin}/events`, selectors, ...file }, 'venue.yaml', 'America/Toronto');
}

/** `using`: null reads without a browser. */
async function read(
  config: ReturnType<typeof source>,
  using: HeadlessBrowser | null | undefined = browser,
  env: Record<string, string | undefined> = {},
): Promise<PageOutcome[]> {
  const pages: PageOutcome[] = [];
  for await (const page of readSourcePages(config, { http: fetching.http, clock, env, ...(using ? { browser: using } : {}) })) pages.push(page);
  return pages;
}

const paths = (path: string) => requests.filter((r) => r.path === path);

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
  it('reads the server-rendered HTML of a source that asks for nothing only a browser does, and says how to enable rendering', async () => {
    const pages = await read(source({ url: `${origin}/mixed` }), null);
    expect(pages).toMatchObject([{ ok: true, events: [{ name: 'Static' }], warnings: [expect.stringContaining('set SEL_CHROMIUM_PATH')] }]);
  });

  it('fails a source whose events are in an iframe as needing a browser, without reading the parent page', async () => {
    const pages = await read(source({ url: `${origin}/framed`, headless: { iframe: { selector: '#tickets', wait_selector: '.event' } } }), null);
    expect(pages).toEqual([{ ok: false, url: `${origin}/framed`, error: expect.stringMatching(/^needs a browser: headless\.iframe: .*install chromium/) }]);
    expect(requests).toEqual([]);
  });

  it('fails a source that waits for script-rendered content, clicks a button or intercepts responses as needing a browser', async () => {
    for (const headless of [{ wait_selector: '.event' }, { pagination_button: 'button.next' }, { intercept: { url_pattern: 'api', results_path: 'items' } }]) {
      const pages = await read(source({ url: `${origin}/mixed`, headless }), null);
      expect(pages).toMatchObject([{ ok: false, error: expect.stringContaining('needs a browser') }]);
    }
    expect(requests).toEqual([]);
  });

  it('starts no browser for a site that cannot be reached or a page robots.txt disallows', async () => {
    const launches: string[] = [];
    const unstarted = createHeadlessBrowser(
      { SEL_CHROMIUM_PATH: process.execPath },
      {
        gate: fetching.gate,
        pages: 1,
        launch: (executablePath) => {
          launches.push(executablePath);
          return Promise.reject(new Error('Chromium was started'));
        },
      },
    );
    const down = `http://127.0.0.1:${await closedPort()}`;
    const wait = { wait_selector: '.event' };
    expect(await read(source({ url: `${down}/events`, headless: wait }), unstarted)).toEqual([
      { ok: false, url: `${down}/events`, error: expect.stringMatching(/^site unreachable: /) },
    ]);
    expect(await read(source({ url: `${origin}/private`, headless: wait }), unstarted)).toEqual([
      { ok: false, url: `${origin}/private`, error: expect.stringContaining('skipped by robots.txt') },
    ]);
    expect(launches).toEqual([]);
    await unstarted?.close();
  });

  it('names a configured SEL_CHROMIUM_PATH that does not exist', async () => {
    expect(createHeadlessBrowser({ SEL_CHROMIUM_PATH: '/nonexistent/chromium' }, { gate: fetching.gate, pages: 1 })).toBeUndefined();
    const pages = await read(source({ url: `${origin}/framed`, headless: { iframe: { selector: '#tickets', wait_selector: '.event' } } }), null, {
      SEL_CHROMIUM_PATH: '/nonexistent/chromium',
    });
    expect(pages).toMatchObject([{ ok: false, error: expect.stringContaining('SEL_CHROMIUM_PATH is "/nonexistent/chromium", which does not exist') }]);
  });

  it('fails the source, with no page counted as read, when the server-rendered HTML has no events', async () => {
    const pages = await read(source({ url: `${origin}/events` }), null);
    expect(pages).toEqual([{ ok: false, url: `${origin}/events`, error: expect.stringContaining('needs a browser') }]);
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

  it.skipIf(!browserAvailable)(
    'requests each page once, by the browser: robots.txt and the host gate admit it without a GET of their own',
    { timeout: 15_000 },
    async () => {
      await read(source({ headless: { wait_selector: '.event' } }));
      expect(requests.filter((r) => r.path === '/events').map((r) => r.headers['sec-fetch-mode'])).toEqual(['navigate']);
    },
  );

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

  it.skipIf(!browserAvailable)('loads each page it follows once', { timeout: 15_000 }, async () => {
    await read(source({ url: `${origin}/paged`, headless: { wait_selector: '.event', pagination_button: 'button.next' } }));
    expect([paths('/paged').length, paths('/paged-2').length]).toEqual([1, 1]);
  });

  it.skipIf(!browserAvailable)('aborts a navigation robots.txt disallows before it reaches the site', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: `${origin}/to-private`, headless: { wait_selector: '.event', pagination_button: 'button.next' } }));
    expect(pages).toMatchObject([
      { ok: true, events: [{ name: 'Listing' }] },
      { ok: false, url: `${origin}/private`, error: expect.stringContaining('robots.txt') },
    ]);
    expect(paths('/private')).toEqual([]);
  });

  it.skipIf(!browserAvailable)('does not read a page a redirect took it to when robots.txt disallows that page', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: `${origin}/moved`, headless: { wait_selector: '.event' } }));
    expect(pages).toEqual([{ ok: false, url: `${origin}/private`, error: expect.stringContaining('skipped by robots.txt') }]);
  });

  it.skipIf(!browserAvailable)('clicks a "Load more" button until no new events come, each event read once', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: `${origin}/more`, headless: { pagination_button: 'button.more' } }));
    expect(names(pages)).toEqual([['A', 'B'], ['C'], ['D']]);
    expect(pages.flatMap((p) => (p.ok ? p.warnings : []))).toEqual([]);
  });

  it.skipIf(!browserAvailable)('stops clicking "Load more" at max_pages and says so', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: `${origin}/more`, max_pages: 2, headless: { pagination_button: 'button.more' } }));
    expect(names(pages)).toEqual([['A', 'B'], ['C']]);
    expect(pages.at(-1)).toMatchObject({ warnings: [expect.stringContaining('stopped after max_pages (2)')] });
  });

  it.skipIf(!browserAvailable)(
    'fails a page that never finishes rendering within request_timeout_seconds, in one clean line',
    { timeout: 15_000 },
    async () => {
      const pages = await read(source({ url: `${origin}/spin`, request_timeout_seconds: 1 }));
      expect(pages).toEqual([{ ok: false, url: `${origin}/spin`, error: expect.stringContaining('within 1 s') }]);
      const error = pages[0]?.ok === false ? pages[0].error : '';
      expect(error).not.toContain('\n');
      expect(error).not.toContain('\u001b');
      // The browser is still usable by the next source.
      expect(names(await read(source({ headless: { wait_selector: '.event' } })))).toEqual([['Late A', 'Late B']]);
    },
  );

  it.skipIf(!browserAvailable)('aborts requests a page makes to private addresses on hosts the config does not name', { timeout: 15_000 }, async () => {
    await read(source({ url: `${origin}/peek`, selectors: { event_list: 'body', name: 'h1' }, headless: { wait_selector: 'body.done' } }));
    expect(paths('/app.js')).toHaveLength(1);
    expect(paths('/secret')).toEqual([]);
  });

  it.skipIf(!browserAvailable)(
    'refuses a navigation to a host the config does not name that resolves to loopback, as a fetch is refused',
    { timeout: 15_000 },
    async () => {
      const pages = await read(source({ url: `${origin}/to-localhost`, headless: { wait_selector: '.event', pagination_button: 'button.next' } }));
      expect(pages).toMatchObject([
        { ok: true, events: [{ name: 'Listing' }] },
        {
          ok: false,
          url: expect.stringMatching(/^http:\/\/localhost:\d+\/secret$/),
          error: expect.stringMatching(/localhost resolves to .* is a private, loopback, link-local or special address/),
        },
      ]);
      expect(paths('/secret')).toEqual([]);
    },
  );

  it.skipIf(!browserAvailable)('renders the pages of a tier 2 sitemap source', { timeout: 15_000 }, async () => {
    const pages = await read(source({ sitemap: { url: `${origin}/sitemap.xml` }, headless: { wait_selector: '#list .event' } }));
    expect(names(pages)).toEqual([[], ['Late A', 'Late B'], ['Late', 'Static']]);
  });

  it.skipIf(!browserAvailable)('renders no more pages at once than --browser-pages allows, whatever the number of sources', { timeout: 30_000 }, async () => {
    let open = 0;
    let peak = 0;
    const watched = createHeadlessBrowser(process.env, {
      gate: fetching.gate,
      pages: 2,
      launch: async (executablePath) => watchContexts(await launchChromium(executablePath)),
    });
    function watchContexts(chromium: Browser): Browser {
      const newContext = chromium.newContext.bind(chromium);
      chromium.newContext = async (options) => {
        const context = await newContext(options);
        peak = Math.max(peak, ++open);
        context.on('close', () => open--);
        return context;
      };
      return chromium;
    }
    try {
      const results = await Promise.all(Array.from({ length: 5 }, () => read(source({ headless: { wait_selector: '.event' } }), watched)));
      expect(results.map(names)).toEqual(Array.from({ length: 5 }, () => [['Late A', 'Late B']]));
      expect(peak).toBe(2);
    } finally {
      await watched?.close();
    }
  });

  it.skipIf(!browserAvailable)('stops following the pagination button at max_pages and says so', { timeout: 15_000 }, async () => {
    const pages = await read(source({ url: `${origin}/endless`, max_pages: 2, headless: { wait_selector: '.event', pagination_button: 'a.next' } }));
    expect(names(pages)).toEqual([['Again'], ['Again']]);
    expect(pages.at(-1)).toMatchObject({ warnings: [expect.stringContaining('stopped after max_pages (2)')] });
  });

  it.skipIf(!browserAvailable)('sees events a "load more" button appends inside the configured iframe', { timeout: 15_000 }, async () => {
    const pages = await read(
      source({ url: `${origin}/framed-more`, headless: { iframe: { selector: '#tickets', wait_selector: '.event' }, pagination_button: 'button.more' } }),
    );
    expect(names(pages)).toEqual([['First'], ['Second']]);
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
