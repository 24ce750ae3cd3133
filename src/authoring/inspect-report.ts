import type { CardCandidate } from './cards.ts';
import type { PageInspection } from './inspect.ts';
import type { JsonRequest } from './json-shape.ts';

/** `scrape inspect` output: the page as fetched, and with --render as Chromium built it. */
export interface InspectReport extends PageInspection {
  rendered: RenderedInspection | null;
  /** What a config for this page could be, best first. */
  suggestions: string[];
}

export interface RenderedInspection {
  url: string;
  jsonLdEvents: number;
  cards: CardCandidate[];
  /** JSON responses the page received while rendering. */
  requests: JsonRequest[];
}

/** Next steps from what was found, in the order a config is best built on them. */
export function suggestNextSteps(report: Omit<InspectReport, 'suggestions'>): string[] {
  const steps: string[] = [];
  const draft = `sources new <name> --url ${report.url}`;
  if (report.jsonLd.events > 0) steps.push(`tier 0 (JSON-LD): ${report.jsonLd.events} event(s) in the page's JSON-LD; \`${draft}\` drafts it`);
  const ics = report.feeds.find((feed) => feed.kind === 'ics');
  if (ics) steps.push(`ICS feed: extraction_method: ics with url ${ics.url}; \`${draft}\` checks it and drafts it`);
  const card = report.cards[0];
  if (card) steps.push(`tier 1 (CSS): ${card.count} "${card.selectors.event_list}" cards (${card.confidence} confidence); \`${draft}\` drafts the selectors`);
  const rendered = report.rendered;
  if (rendered) {
    if (!card && rendered.cards[0])
      steps.push(
        `tier 2 (headless): the page's scripts build ${rendered.cards[0].count} "${rendered.cards[0].selectors.event_list}" cards; use them as selectors with tier: 2`,
      );
    for (const request of rendered.requests.filter((r) => r.looksLikeEvents).slice(0, 2)) {
      const endpoint = request.url.split('#')[0] ?? request.url;
      steps.push(
        `tier 2 intercept or tier 3 REST: ${request.method} ${endpoint} returns ${request.items} record(s) at "${request.resultsPath}" with keys ${request.keys.join(', ')}` +
          ` (headless.intercept.url_pattern: "${patternFor(endpoint)}", results_path: "${request.resultsPath}"; or rest.endpoint with results_field: "${request.resultsPath}")`,
      );
    }
  }
  if (report.feeds.some((feed) => feed.kind !== 'ics') && steps.length === 0)
    steps.push("only RSS/Atom feeds: SEL does not read them; look for the posts' own event pages");
  if (steps.length === 0) {
    steps.push(
      rendered
        ? 'no events found, rendered or not: the site may need a login, or list its events elsewhere (a sitemap, a calendar page)'
        : 'no events found in the HTML as fetched: try --render to see what the page builds with JavaScript and which JSON it loads',
    );
  }
  if (report.eventLinks.count > 0 && !report.jsonLd.events)
    steps.push(`${report.eventLinks.count} link(s) to event pages: if each page has JSON-LD, a sitemap source or follow_event_urls reads them`);
  return steps;
}

/** A regular expression matching an endpoint, host and path, whatever the query. */
function patternFor(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  } catch {
    return url;
  }
}

/** The report as a person reads it: one section per kind of finding. */
export function renderInspection(report: InspectReport): string {
  const lines = [report.url, ''];
  lines.push(`JSON-LD events: ${report.jsonLd.events}`);
  for (const sample of report.jsonLd.samples) lines.push(`  - ${sample.name}${sample.startDate ? ` (${sample.startDate})` : ''}`);
  for (const warning of report.jsonLd.warnings) lines.push(`  warning: ${warning}`);
  lines.push(`Feeds:${report.feeds.length === 0 ? ' none' : ''}`);
  for (const feed of report.feeds) lines.push(`  - ${feed.kind} ${feed.url}  (${feed.via})`);
  lines.push(`Event cards:${report.cards.length === 0 ? ' none found' : ''}`);
  for (const card of report.cards) lines.push(...renderCard(card, '  '));
  if (report.pagination) lines.push(`Next-page link: ${report.pagination}`);
  lines.push(`Links to event pages: ${report.eventLinks.count}`);
  for (const link of report.eventLinks.samples.slice(0, 5)) lines.push(`  - ${link.url}${link.text ? `  "${link.text}"` : ''}`);
  if (report.dataAttributes.length > 0) lines.push(`data-* attributes: ${report.dataAttributes.map((a) => `${a.name} (${a.count})`).join(', ')}`);
  if (report.rendered) {
    const rendered = report.rendered;
    lines.push(
      '',
      `Rendered in Chromium: ${rendered.url}`,
      `  JSON-LD events: ${rendered.jsonLdEvents}`,
      `  event cards:${rendered.cards.length === 0 ? ' none found' : ''}`,
    );
    for (const card of rendered.cards.slice(0, 2)) lines.push(...renderCard(card, '    '));
    lines.push(`  JSON responses:${rendered.requests.length === 0 ? ' none' : ''}`);
    for (const request of rendered.requests) {
      const shape = request.resultsPath ? `${request.items} record(s) at "${request.resultsPath}": ${request.keys.join(', ')}` : 'no list of records';
      lines.push(`    - ${request.method} ${request.url} → ${request.status}, ${shape}${request.looksLikeEvents ? '  ← looks like events' : ''}`);
    }
  }
  lines.push('', 'Next steps:', ...report.suggestions.map((step) => `  - ${step}`));
  return lines.join('\n');
}

function renderCard(card: CardCandidate, indent: string): string[] {
  const lines = [`${indent}- ${card.selectors.event_list}: ${card.count} cards, ${card.confidence} confidence (score ${card.score})`];
  for (const [key, value] of Object.entries(card.selectors)) {
    if (key === 'event_list') continue;
    lines.push(`${indent}    ${key}: ${Array.isArray(value) ? value.join(' + ') : String(value)}`);
  }
  lines.push(`${indent}    first: "${card.sample}"`);
  return lines;
}
