import { existsSync } from 'node:fs';
import type { ServerSettings } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { describeKey } from '../keys/redact.ts';
import { journalPath, latestRunId, runsDirectory, type RunDefinition } from './journal.ts';
import { loadResumeState, type ResumeState } from './resume.ts';

/** The journal of the run `--resume` names, or of the latest run when it names none. */
export function findRunToResume(resume: string | true, stateDir: string, dryRun: boolean): ResumeState {
  if (dryRun) throw new SelScraperError('ERR_USAGE', '--resume continues a live run; it cannot be combined with --dry-run');
  const runId = resume === true ? latestRunId(stateDir) : resume;
  if (!runId) {
    throw new SelScraperError('ERR_USAGE', `no run to resume in ${runsDirectory(stateDir)}`, { hint: 'runs are journalled under --state-dir (default .sel-scraper in the working directory)' });
  }
  const file = journalPath(stateDir, runId);
  if (!existsSync(file)) {
    throw new SelScraperError('ERR_USAGE', `no journal for run ${runId} in ${runsDirectory(stateDir)}`, { hint: 'the run id is printed in the last line of a run summary; --state-dir must match the run’s' });
  }
  return loadResumeState(file);
}

export interface NewRun {
  /** Absolute paths: the journal must name the same folders whatever directory a resume runs in. */
  sourcesDir: string;
  only: readonly string[];
  fixtures: string | null;
  batchSize: number;
  defaultTimezone: string;
}

/**
 * What a run reads and where it sends, as its journal records it: a resumed run's own (sent to
 * the same server, or refused), else the one the command line describes.
 */
export function runDefinition(resume: ResumeState | undefined, settings: ServerSettings | undefined, run: NewRun): RunDefinition {
  if (resume && settings && normalizedUrl(settings.serverUrl) !== normalizedUrl(resume.run.serverUrl)) {
    throw new SelScraperError('ERR_USAGE', `run ${resume.runId} was sent to ${resume.run.serverUrl}, not ${settings.serverUrl}`, {
      hint: 'resume a run against the server it started with (set SEL_SERVER_URL or --server), or start a new run',
    });
  }
  return (
    resume?.run ?? {
      sourcesDir: run.sourcesDir,
      only: [...run.only],
      fixtures: run.fixtures,
      serverUrl: settings?.serverUrl ?? '',
      keyLabel: settings ? describeKey(settings.apiKey) : '',
      batchSize: run.batchSize,
      defaultTimezone: run.defaultTimezone,
    }
  );
}

function normalizedUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
