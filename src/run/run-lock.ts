import { SelScraperError } from '../errors.ts';
import { describeHolder, ProcessLock, type LockDeps } from '../process-lock.ts';

/**
 * One process per run: takes the lock of run `runId` at `file`, or throws ERR_RUN_LOCKED naming
 * the live holder. Two processes on one run would post every batch twice.
 */
export function acquireRunLock(file: string, runId: string, deps: LockDeps): ProcessLock {
  const taken = ProcessLock.tryAcquire(file, deps);
  if (taken.ok) return taken.lock;
  throw new SelScraperError('ERR_RUN_LOCKED', `run ${runId} is in progress in another process (${describeHolder(taken.holder, deps)})`, {
    hint: `wait for it to end, or stop it first; if no such process runs any more, remove ${file}`,
  });
}
