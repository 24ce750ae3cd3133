import type { EventInput } from '../normalize/event-input.ts';
import type { SourceConfig } from '../sources/types.ts';
import { readSourceEvents } from '../read/source-events.ts';
import type { PageReaderDeps } from '../read/page.ts';

export interface SourcePreview {
  source: string;
  method: string;
  pages: { url: string; ok: boolean; error?: string; events: number }[];
  events: EventInput[];
  invalid: { name?: string; reason: string }[];
  skipped: { name?: string; reason: string }[];
  warnings: string[];
  /** Events the source's feeds listed that have all ended, when none is to come. */
  ended: number;
}

/**
 * What a source yields right now, exactly as `scrape all` would send it, without sending:
 * the command people run while writing a config.
 */
export async function previewSource(source: SourceConfig, deps: PageReaderDeps, options: { limit?: number | undefined } = {}): Promise<SourcePreview> {
  const preview: SourcePreview = { source: source.name, method: source.method, pages: [], events: [], invalid: [], skipped: [], warnings: [], ended: 0 };
  const outcomes = await readSourceEvents(source, deps, (page) => {
    if (page.ok) {
      preview.pages.push({ url: page.url, ok: true, events: page.events.length });
      preview.warnings.push(...page.warnings);
      preview.ended += page.ended ?? 0;
    } else {
      preview.pages.push({ url: page.url, ok: false, error: page.error, events: 0 });
    }
  });
  let beyondLimit = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === 'valid' && options.limit !== undefined && preview.events.length >= options.limit) {
      beyondLimit++;
    } else if (outcome.kind === 'valid') {
      preview.events.push(outcome.event);
      preview.warnings.push(...outcome.warnings.map((w) => `${outcome.event.name}: ${w}`));
    } else {
      preview[outcome.kind].push({ ...(outcome.name ? { name: outcome.name } : {}), reason: outcome.reason });
    }
  }
  if (beyondLimit > 0) preview.warnings.push(`${beyondLimit} more event(s) not shown: --limit ${options.limit}`);
  return preview;
}

/** A preview as a person reads it: pages, then one line per event, then what was left out. */
export function renderPreview(preview: SourcePreview): string {
  const lines = [`${preview.source} (${preview.method})`];
  for (const page of preview.pages)
    lines.push(page.ok ? `  page ${page.url}: ${page.events} event(s) found` : `  page ${page.url}: FAILED ${page.error ?? ''}`);
  lines.push('');
  preview.events.forEach((event, i) => {
    const place = event.location?.name ?? event.virtualLocation?.url ?? '';
    lines.push(`${String(i + 1).padStart(3)}. ${event.name}`);
    lines.push(`     ${event.startDate}${event.endDate ? ` → ${event.endDate}` : ''}${event.occurrences ? ` (+${event.occurrences.length} occurrences)` : ''}`);
    if (place) lines.push(`     at ${place}`);
    lines.push(`     id ${event.source.eventId}`);
  });
  for (const item of preview.invalid) lines.push(`invalid: ${item.name ?? '(no name)'}: ${item.reason}`);
  for (const item of preview.skipped) lines.push(`skipped: ${item.name ?? '(no name)'}: ${item.reason}`);
  for (const warning of preview.warnings) lines.push(`warning: ${warning}`);
  lines.push('', `${preview.events.length} event(s) ready, ${preview.invalid.length} invalid, ${preview.skipped.length} skipped`);
  return lines.join('\n');
}
