// The same pages through Crawlee's CheerioCrawler at the same fixed concurrency, doing what a
// Crawlee user writes for the same job: find the JSON-LD blocks (or the CSS cards) with `$`,
// parse them and pick the event fields. It does no date or URL normalisation, so it does less
// work than sel-scraper per page; events are counted, not stored.
import process from 'node:process';
import { URL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { CheerioCrawler, Configuration, log } from '@crawlee/cheerio';
import { childCpuMs } from './child-cpu.mjs';

const input = JSON.parse(process.argv[2]);
log.setLevel(log.LEVELS.OFF);
let events = 0;

function nodesOf(value) {
  if (Array.isArray(value)) return value.flatMap(nodesOf);
  if (value && typeof value === 'object') return [value, ...(Array.isArray(value['@graph']) ? value['@graph'].flatMap(nodesOf) : [])];
  return [];
}

function isEvent(node) {
  const types = [node['@type']].flat();
  return types.some((t) => typeof t === 'string' && t.endsWith('Event'));
}

function handleJsonLd({ $, request }) {
  $('script[type="application/ld+json"]').each((_, element) => {
    let data;
    try {
      data = JSON.parse($(element).text());
    } catch {
      return;
    }
    for (const node of nodesOf(data).filter(isEvent)) {
      const event = { name: node.name, startDate: node.startDate, location: node.location?.name, url: new URL(node.url, request.loadedUrl).href };
      if (event.name && event.startDate) events++;
    }
  });
}

function handleCss({ $, request }) {
  $('article.event-card').each((_, element) => {
    const card = $(element);
    const time = card.find('time.event-start').first();
    const event = {
      name: card.find('h2.event-name').first().text().trim(),
      startDate: time.attr('datetime') ?? time.text().trim(),
      location: card.find('.event-venue').first().text().trim(),
      description: card.find('.event-summary').text().trim(),
      url: new URL(card.find('a.event-link').attr('href') ?? '', request.loadedUrl).href,
      image: new URL(card.find('img.event-image').attr('src') ?? '', request.loadedUrl).href,
    };
    if (event.name && event.startDate) events++;
  });
}

async function crawl(urls) {
  const config = new Configuration({ persistStorage: false, purgeOnStart: true });
  const crawler = new CheerioCrawler(
    {
      minConcurrency: input.concurrency,
      maxConcurrency: input.concurrency,
      maxRequestRetries: 0,
      requestHandler: input.mode === 'css' ? handleCss : handleJsonLd,
    },
    config,
  );
  const stats = await crawler.run(urls.map((url) => ({ url })));
  return { finished: stats.requestsFinished, failed: stats.requestsFailed };
}

// Measured as a whole process, there is no warm-up: start-up counts.
if (input.warmUrls.length > 0) await crawl(input.warmUrls);
events = 0;
globalThis.gc?.();
const cpu0 = process.cpuUsage();
const children0 = childCpuMs();
const t0 = performance.now();
const stats = await crawl(input.measureUrls);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  JSON.stringify({
    pages: stats.finished,
    failed: stats.failed,
    events,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000 + (childCpuMs() - children0),
    maxRss: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);
process.exit(0);
