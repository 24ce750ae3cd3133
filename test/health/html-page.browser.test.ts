import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, locateChromium } from '../../src/fetch/browser.ts';
import { renderHealthPage } from '../../src/health/html.ts';
import { summarizeHealth } from '../../src/health/summary.ts';
import { DEFAULT_THRESHOLDS } from '../../src/health/verdict.ts';
import { entry, nightly, NOW } from './helpers.ts';

const chromium = locateChromium(process.env);

/** A history with one source of each kind, and hostile text where a site or server could put it. */
function page(): string {
  const failed = { status: 'failed' as const, extracted: 0, created: 0, error: '<img src=x onerror="window.__pwned=1"> site unreachable' };
  const history = [
    ...nightly('zeta-ok', [38, 41, 40, 39]),
    ...nightly('alpha-dropped', [38, 41, 40, 0]),
    ...nightly('mid-broken', [20, 21]).map((e) => ({ ...e, at: new Date(Date.parse(e.at) - 2 * 86_400_000).toISOString() })),
    entry('mid-broken', 1, failed),
    entry('mid-broken', 0, failed),
  ];
  const configs = [
    { name: 'zeta-ok', enabled: true, url: 'https://zeta.example/' },
    { name: 'alpha-dropped', enabled: true, url: 'https://alpha.example/' },
    { name: 'mid-broken', enabled: true, url: 'https://mid.example/' },
    { name: 'beta-new', enabled: true, url: null },
  ];
  return renderHealthPage(summarizeHealth(configs, history, DEFAULT_THRESHOLDS, NOW));
}

describe.skipIf(!chromium)('the health page in Chromium (skipped: no Chromium; install chromium or set SEL_CHROMIUM_PATH)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(chromium!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the table with broken sources first, draws sparklines, sorts on click, runs no injected script, fetches nothing', async () => {
    const context = await browser.newContext();
    const requests: string[] = [];
    const errors: string[] = [];
    // Offline: any request the page made would be recorded and refused.
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const tab = await context.newPage();
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.setContent(page(), { waitUntil: 'load' });

    const names = () => tab.$$eval('#health tbody tr', (rows) => rows.map((r) => r.cells[1]?.textContent?.trim()));
    expect(await names()).toEqual(['mid-broken', 'alpha-dropped', 'beta-new', 'zeta-ok']);
    expect(await tab.$$eval('#health tbody tr td:first-child', (cells) => cells.map((c) => c.textContent))).toEqual(['broken', 'dropped', 'new', 'ok']);
    // A sparkline per source with runs, drawn with a visible size; the source with none says so.
    expect(await tab.$$eval('svg.spark polyline', (lines) => lines.filter((l) => l.getBoundingClientRect().width > 50).length)).toBe(3);
    expect(await tab.textContent('#health tbody tr:nth-child(3) td:nth-child(5)')).toBe('no runs');

    await tab.click('th:nth-child(2)');
    expect(await names()).toEqual(['alpha-dropped', 'beta-new', 'mid-broken', 'zeta-ok']);
    await tab.click('th:nth-child(4)');
    expect(await names()).toEqual(['beta-new', 'alpha-dropped', 'mid-broken', 'zeta-ok']);
    await tab.click('th:nth-child(1)');
    expect(await names()).toEqual(['mid-broken', 'alpha-dropped', 'beta-new', 'zeta-ok']);

    expect(await tab.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await tab.textContent('#health tbody tr:first-child details code')).toContain('<img src=x');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await context.close();
  });
});
