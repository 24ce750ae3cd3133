import type { ProgressSink } from '../report/progress.ts';
import type { DeliveryResult, SubmissionJournal } from '../submit/batch-submitter.ts';

/**
 * The submitter's record of what it does, also told to the progress sink: each batch posted,
 * and each batch whose events have their outcomes.
 */
export function reportingSubmission(journal: SubmissionJournal | undefined, progress: ProgressSink | undefined): SubmissionJournal | undefined {
  if (!progress) return journal;
  return {
    sending: (keys) => journal?.sending(keys),
    posted: (batchId, keys) => {
      journal?.posted(batchId, keys);
      progress({ type: 'batch-posted', batchId, events: keys.length });
    },
    settled: (results, batchId) => {
      journal?.settled(results, batchId);
      progress(settledEvent(results, batchId));
    },
  };
}

function settledEvent(results: readonly DeliveryResult[], batchId: string | undefined) {
  const count = (status: DeliveryResult['status']) => results.filter((r) => r.status === status).length;
  const reason = results.find((r) => (r.status === 'failed' || r.status === 'unknown') && r.reason)?.reason;
  return {
    type: 'batch-settled' as const,
    batchId,
    created: count('created'),
    duplicates: count('duplicate'),
    failed: count('failed'),
    unknown: count('unknown'),
    ...(reason ? { reason } : {}),
  };
}
