import { inspectPage } from '../authoring/inspect.ts';
import { renderInspection, suggestNextSteps, type InspectReport } from '../authoring/inspect-report.ts';
import { renderForInspection } from '../authoring/render.ts';
import { EXIT } from '../report/exit-codes.ts';
import { pageUrlArgument, withAuthoringSession } from './authoring-session.ts';
import type { CliDeps } from './io.ts';

export interface InspectFlags {
  json?: boolean;
  render?: boolean;
  fixtures?: string;
  timezone?: string;
}

/** `scrape inspect <url>`: what a page offers a source config, fetched (and with --render, rendered). */
export async function inspectUrl(url: string, flags: InspectFlags, deps: CliDeps): Promise<number> {
  const pageUrl = pageUrlArgument(url);
  const report = await withAuthoringSession(pageUrl, flags, deps, async (session) => {
    const now = new Date(deps.clock.now());
    const inspection = inspectPage(session.page.text, session.page.url, { zone: session.zone, now });
    let rendered: InspectReport['rendered'] = null;
    if (session.browser) {
      const page = await renderForInspection(session.browser, pageUrl, deps.signal ? { signal: deps.signal } : {});
      const built = inspectPage(page.html, page.url, { zone: session.zone, now });
      rendered = { url: page.url, jsonLdEvents: built.jsonLd.events, cards: built.cards, requests: page.requests };
    }
    const partial = { ...inspection, rendered };
    return { ...partial, suggestions: suggestNextSteps(partial) };
  });
  deps.stdout.write((flags.json ? JSON.stringify(report) : renderInspection(report)) + '\n');
  return EXIT.ok;
}
