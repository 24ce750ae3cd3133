import { existsSync } from 'node:fs';
import { monotonicFactory } from 'ulid';
import { describeError, SelScraperError } from '../errors.ts';
import { journalPath, latestRunId, lockPath, pruneJournals, runsDirectory } from './journal.ts';
import { loadResumeState, type ResumeState } from './resume.ts';
import { runIdArgument } from './run-id.ts';
import { lockIsHeld, type LockDeps } from '../process-lock.ts';
import { acquireRunLock } from './run-lock.ts';
import { preparePrivateStateDir } from './state-dir.ts';

/** A live run's hold on its state folder, taken before anything else of the run happens. */
export interface ClaimedRun {
  runId: string;
  /** The interrupted run's state, read once the lock was ours (so no other process still adds to it). */
  resume: ResumeState | undefined;
  /** Why this run's state cannot be saved at all; undefined when it can. */
  unsaved: string | undefined;
  /** Lets the run go to the next process. */
  release(): void;
}

export interface ClaimDeps {
  lock: LockDeps;
  /** One line for the user (stderr). */
  notice: (line: string) => void;
}

const newRunId = monotonicFactory();

/**
 * Claims the state of a live run: the state folder made private, the run locked to this
 * process. `--resume` (a run id, or true for the latest) is refused when either fails, before
 * anything is fetched or sent: two processes on one run would post every batch twice. A new run
 * whose state cannot be written goes on without it (its events still count, and the run then
 * says that its state was not saved).
 */
export function claimRun(stateDir: string, resume: string | true | undefined, deps: ClaimDeps): ClaimedRun {
  if (resume !== undefined) return claimResumed(stateDir, resume, deps);
  const runId = newRunId(deps.lock.now());
  try {
    preparePrivateStateDir(stateDir, deps.notice);
    const lock = acquireRunLock(lockPath(stateDir, runId), runId, deps.lock);
    pruneJournals(stateDir, undefined, (id) => lockIsHeld(lockPath(stateDir, id), deps.lock));
    return { runId, resume: undefined, unsaved: undefined, release: () => lock.release() };
  } catch (error) {
    const unsaved = describeError(error);
    deps.notice(`warning: ${unsaved}; the run goes on without saving its state (it cannot be resumed)`);
    return { runId, resume: undefined, unsaved, release: () => undefined };
  }
}

function claimResumed(stateDir: string, resume: string | true, deps: ClaimDeps): ClaimedRun {
  const runId = resume === true ? latestRunId(stateDir) : runIdArgument(resume, '--resume');
  if (!runId) {
    throw new SelScraperError('ERR_USAGE', `no run to resume in ${runsDirectory(stateDir)}`, {
      hint: 'runs are journalled under --state-dir (default .sel-scraper in the working directory)',
    });
  }
  const file = journalPath(stateDir, runId);
  if (!existsSync(file)) {
    throw new SelScraperError('ERR_USAGE', `no journal for run ${runId} in ${runsDirectory(stateDir)}`, {
      hint: 'the run id is printed in the last line of a run summary; --state-dir must match the run’s',
    });
  }
  preparePrivateStateDir(stateDir, deps.notice);
  const lock = acquireRunLock(lockPath(stateDir, runId), runId, deps.lock);
  try {
    return { runId, resume: loadResumeState(file, runId), unsaved: undefined, release: () => lock.release() };
  } catch (error) {
    lock.release();
    throw error;
  }
}
