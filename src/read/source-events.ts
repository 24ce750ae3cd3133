import type { RawEvent } from '../extract/raw-event.ts';
import { normalizeEvent, type NormalizeOutcome } from '../normalize/event.ts';
import { groupOccurrences } from '../normalize/group.ts';
import type { SourceConfig } from '../sources/types.ts';
import type { PageOutcome, PageReaderDeps } from './page.ts';
import { readSourcePages } from './source-pages.ts';

/**
 * Everything a source yields, normalised: its pages are read (each reported through `onPage`
 * as it comes), rows of one event are grouped into occurrences, and each event is turned into
 * SEL's EventInput or an explained invalid/skipped outcome. Shared by `scrape all` and the
 * preview commands, so both see exactly the same events.
 */
export async function readSourceEvents(source: SourceConfig, deps: PageReaderDeps, onPage: (page: PageOutcome) => void): Promise<NormalizeOutcome[]> {
  const raw: RawEvent[] = [];
  for await (const page of readSourcePages(source, deps)) {
    onPage(page);
    if (page.ok) raw.push(...page.events);
  }
  const now = new Date(deps.clock.now());
  return groupOccurrences(raw).map((candidate) => normalizeEvent(candidate, { source, now }));
}
