import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SitePage } from './fixture-site.ts';
import type { RunReport } from '../../src/report/run-report.ts';

/**
 * Sources for delivery tests: `sources` sources of `pages` JSON-LD pages with `perPage` events
 * each. Every `rejectEvery`-th event is in Ottawa, which `outsideBoundary` (the fake server's
 * rejectItem) fails as SEL's geographic boundary check would.
 */
export interface EventSiteSpec {
  sources: number;
  pages: number;
  perPage: number;
  rejectEvery?: number;
}

export interface EventSite {
  pages: Record<string, SitePage>;
  /** Events a run should create and events the server should fail. */
  valid: number;
  rejected: number;
  /** Writes one YAML config per source into `<dir>/sources` for a site at `origin`. */
  writeSources(dir: string, origin: string): Promise<void>;
}

export function eventSite(spec: EventSiteSpec): EventSite {
  const pages: Record<string, SitePage> = {};
  let rejected = 0;
  let n = 0;
  for (let s = 1; s <= spec.sources; s++) {
    for (let p = 1; p <= spec.pages; p++) {
      const events = [];
      for (let i = 1; i <= spec.perPage; i++) {
        n++;
        const outside = spec.rejectEvery !== undefined && n % spec.rejectEvery === 0;
        if (outside) rejected++;
        events.push({
          '@type': 'MusicEvent',
          name: `Show ${s}-${p}-${i}${outside ? ' (Ottawa)' : ''}`,
          description: 'Live music.',
          startDate: `2027-03-${String(((n - 1) % 28) + 1).padStart(2, '0')}T20:00:00`,
          url: `/s${s}/events/${p}-${i}`,
          location: { '@type': 'Place', name: 'The Hall', address: { addressLocality: outside ? 'Ottawa' : 'Toronto', addressRegion: 'ON' } },
        });
      }
      pages[`/s${s}/page-${p}`] = {
        body: `<html><head><script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@graph': events })}</script></head><body></body></html>`,
      };
    }
  }
  return {
    pages,
    valid: n - rejected,
    rejected,
    async writeSources(dir, origin) {
      await mkdir(path.join(dir, 'sources'), { recursive: true });
      for (let s = 1; s <= spec.sources; s++) {
        const urls = Array.from({ length: spec.pages }, (_, p) => `  - "${origin}/s${s}/page-${p + 1}"`).join('\n');
        await writeFile(path.join(dir, 'sources', `s${s}.yaml`), `name: s${s}\nurls:\n${urls}\ntier: 0\nlicense: CC0-1.0\ntimezone: America/Toronto\n`);
      }
    },
  };
}

/** The fake server's stand-in for SEL's geographic boundary check. */
export function outsideBoundary(event: Record<string, unknown>): string | undefined {
  return String(event.name).includes('(Ottawa)') ? 'event locality "Ottawa" outside geographic boundary; allowed: [Toronto]' : undefined;
}

export async function workDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** What `scrape all --json` prints: the run report itself. */
export type PrintedReport = RunReport;
