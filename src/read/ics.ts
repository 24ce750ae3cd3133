import { describeError } from '../errors.ts';
import { joinSplitCharacters } from '../extract/ics-lines.ts';
import { extractIcs, ICS_HORIZON_DAYS, ICS_MAX_OCCURRENCES } from '../extract/ics.ts';
import type { FetchRequest } from '../fetch/http-client.ts';
import type { SourceConfig } from '../sources/types.ts';
import { requestFor, startUrls, type PageOutcome, type PageReaderDeps } from './page.ts';

const CALENDAR_ACCEPT = 'text/calendar, application/ics;q=0.9, text/plain;q=0.5, */*;q=0.1';
const HTML = /^\s*(?:text\/html|application\/xhtml\+xml)\b/i;

export const INSECURE_TLS_WARNING =
  'insecure_skip_verify: TLS certificate verification is off for this source, so a forged or expired certificate goes unnoticed';

/**
 * The request for a feed: calendar Accept, the source's headers over it (SEL lets them
 * replace even the User-Agent), its timeout and body cap, and no TLS verification when the
 * source says insecure_skip_verify.
 */
function icsRequest(source: SourceConfig, url: string, signal?: AbortSignal): FetchRequest {
  const base = requestFor(source, url, signal);
  return {
    ...base,
    headers: { accept: CALENDAR_ACCEPT, ...base.headers },
    beforeDecode: joinSplitCharacters,
    ...(source.insecure_skip_verify ? { insecureTls: true } : {}),
  };
}

/**
 * `extraction_method: ics`: each feed of the source (`url`, or every `urls` entry, which SEL
 * ignores for ICS), parsed and expanded from the run's clock. An empty answer (204 or no body)
 * is an empty calendar; an HTML page where a calendar was expected fails the feed with a
 * message saying so, instead of passing as a calendar without events.
 */
export async function* readIcsFeeds(source: SourceConfig, deps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  for (const url of startUrls(source)) {
    let html = false;
    try {
      const doc = await deps.http.fetchDocument(icsRequest(source, url, deps.signal));
      html = HTML.test(doc.contentType);
      const result = extractIcs(doc.text, doc.url, {
        now: new Date(deps.clock.now()),
        zone: source.timezone,
        horizonDays: ICS_HORIZON_DAYS,
        maxOccurrences: ICS_MAX_OCCURRENCES,
        sourceName: source.name,
        hasDefaultLocation: source.default_location !== undefined,
      });
      const warnings = [
        ...(source.insecure_skip_verify ? [INSECURE_TLS_WARNING] : []),
        ...(html ? [`${doc.url}: expected text/calendar, got ${doc.contentType} (likely an error page)`] : []),
        ...result.warnings,
      ];
      yield { ok: true, url: doc.url, events: result.events, warnings, ...(result.allEnded > 0 ? { ended: result.allEnded } : {}) };
    } catch (error) {
      const why = html ? ': the server sent an HTML page, likely an error or login page' : '';
      yield { ok: false, url, error: `${describeError(error)}${why}` };
    }
  }
}
