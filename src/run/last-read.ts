import { createHash } from 'node:crypto';
import type { SourceConfig } from '../sources/types.ts';
import { VERSION } from '../version.ts';
import { journalledRunIds, journalPath, readJournal, type RunDefinition } from './journal.ts';
import { resumeStateOf, type ResumeState } from './resume.ts';

/**
 * What a source's reading depends on besides the site: its config and this program's version.
 * Journalled with each source read, so that a changed selector, filter or extractor reads every
 * page again instead of trusting a reading made another way.
 */
export function sourceFingerprint(source: SourceConfig): string {
  const { file: _file, ...config } = source;
  return createHash('sha256')
    .update(JSON.stringify({ version: VERSION, config }))
    .digest('hex')
    .slice(0, 32);
}

/** The run asking: runs are only memory for a run of the same kind (same server, same fixtures). */
export interface LastReadQuery {
  stateDir: string;
  /** Journals of this run and later ones are not memory. */
  beforeRunId: string;
  definition: Pick<RunDefinition, 'serverUrl' | 'fixtures'>;
}

/**
 * When each sitemap source was last read completely (the start of that run, epoch ms), from the
 * journals kept in the state folder, newest first. A reading counts only when it left nothing
 * behind: the run went to the same server from the same fixtures (or the network), without
 * --limit; the source was read to its end with no page failed, under the config and version it
 * has now; and every event it queued was confirmed created or duplicate. Anything less, or no
 * journal at all (journals are pruned to the newest 20), and the source has no entry: every page
 * is read.
 */
export function lastCompleteReads(query: LastReadQuery, sources: readonly SourceConfig[]): Map<string, number> {
  const pending = new Map(sources.filter((s) => s.enabled && s.sitemap && s.method !== 'ics').map((s) => [s.name, sourceFingerprint(s)]));
  const found = new Map<string, number>();
  const runIds =
    pending.size > 0
      ? journalledRunIds(query.stateDir)
          .filter((id) => id < query.beforeRunId)
          .reverse()
      : [];
  for (const runId of runIds) {
    if (pending.size === 0) break;
    const run = readRun(query.stateDir, runId);
    if (!run || !sameKind(run.state.run, query.definition)) continue;
    for (const [name, fingerprint] of [...pending]) {
      if (run.fingerprints.get(name) === fingerprint && readCompletely(run.state, name)) {
        found.set(name, run.state.startedAt);
        pending.delete(name);
      }
    }
  }
  return found;
}

function readRun(stateDir: string, runId: string): { state: ResumeState; fingerprints: Map<string, string | undefined> } | undefined {
  const file = journalPath(stateDir, runId);
  try {
    const entries = readJournal(file);
    const fingerprints = new Map(entries.flatMap((e) => (e.type === 'source-done' ? [[e.source, e.config] as const] : [])));
    return { state: resumeStateOf(file, runId, entries), fingerprints };
  } catch {
    // A damaged journal (or one pruned meanwhile) is no memory: its sources are read in full.
    return undefined;
  }
}

function sameKind(run: RunDefinition, asking: LastReadQuery['definition']): boolean {
  return run.limit === undefined && run.fixtures === asking.fixtures && withoutSlash(run.serverUrl) === withoutSlash(asking.serverUrl);
}

function readCompletely(state: ResumeState, source: string): boolean {
  const done = state.doneSources.get(source);
  if (!done || done.error !== null || done.pages.failed > 0) return false;
  for (const [key, queued] of state.events) {
    if (queued.source !== source) continue;
    const status = state.finals.get(key)?.status;
    if (status !== 'created' && status !== 'duplicate') return false;
  }
  return true;
}

function withoutSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
