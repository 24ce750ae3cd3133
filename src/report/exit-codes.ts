import type { ErrorCode } from '../errors.ts';
import type { SourceReport } from './run-report.ts';

/** The exit-code contract, documented in README; nothing else decides an exit status. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  partial: 3,
  keyRejected: 4,
  serverUnreachable: 5,
  interrupted: 130,
} as const;

/** What each exit status of `scrape all` means, for `--help` (README's table says the same at length). */
export const EXIT_MEANINGS: readonly (readonly [number, string])[] = [
  [EXIT.ok, 'all good'],
  [EXIT.internal, 'internal error (a bug: please report it)'],
  [EXIT.usage, 'usage or config error (bad flag, missing key or server, invalid or no source config); or the run is in progress in another process'],
  [EXIT.partial, "partial: a source or event failed, was invalid or is unknown; or the run's state could not be saved"],
  [EXIT.keyRejected, 'key rejected by the preflight (invalid, revoked, expired; or an admin key without --allow-admin-key)'],
  [EXIT.serverUnreachable, 'SEL server unreachable (or not answering like a SEL server)'],
  [EXIT.interrupted, 'interrupted (Ctrl-C or SIGTERM): continue with --resume'],
];

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  ERR_USAGE: EXIT.usage,
  ERR_CONFIG_INVALID: EXIT.usage,
  ERR_CONFIG_NOT_FOUND: EXIT.usage,
  ERR_KEY_MISSING: EXIT.usage,
  ERR_KEY_NOT_FOUND: EXIT.usage,
  ERR_KEY_AMBIGUOUS: EXIT.usage,
  ERR_FIXTURE_MISSING: EXIT.usage,
  // An unwritable --state-dir or a damaged journal: the user's setup, not a bug.
  ERR_JOURNAL: EXIT.usage,
  // Another process is running (or resuming) the same run: nothing was done.
  ERR_RUN_LOCKED: EXIT.usage,
  ERR_KEY_REJECTED: EXIT.keyRejected,
  ERR_KEY_ADMIN_REFUSED: EXIT.keyRejected,
  ERR_SERVER_UNREACHABLE: EXIT.serverUnreachable,
  ERR_SERVER_RESPONSE: EXIT.serverUnreachable,
  ERR_KEY_STORE: EXIT.serverUnreachable,
  ERR_INTERRUPTED: EXIT.interrupted,
  ERR_TIMEOUT: EXIT.partial,
};

export function exitCodeForError(code: ErrorCode | undefined): number {
  return (code && BY_CODE[code]) ?? EXIT.internal;
}

/**
 * A finished run: config errors outrank a revoked key, which outranks lost events. State that
 * could not be saved (journal, failures file) is a partial run too: it cannot be resumed.
 */
export function exitCodeForRun(input: {
  sources: readonly SourceReport[];
  brokenConfigs: number;
  stoppedBy?: ErrorCode;
  interrupted: boolean;
  stateLost?: boolean;
}): number {
  if (input.interrupted) return EXIT.interrupted;
  if (input.brokenConfigs > 0) return EXIT.usage;
  if (input.stoppedBy) return exitCodeForError(input.stoppedBy);
  if (input.stateLost) return EXIT.partial;
  return input.sources.some((s) => s.status === 'failed' || s.status === 'partial') ? EXIT.partial : EXIT.ok;
}

/**
 * Exit codes, worst first, for combining the runs of shards (`report merge`): the order of
 * exitCodeForRun (interrupted, then config errors, then a key or server that stopped the run,
 * then lost events), with an internal error (a crash: nothing it reported can be trusted) above all.
 */
const SEVERITY: readonly number[] = [EXIT.internal, EXIT.interrupted, EXIT.usage, EXIT.keyRejected, EXIT.serverUnreachable, EXIT.partial, EXIT.ok];

/** The worst of several exit codes; a code outside the table counts as an internal error. */
export function worstExitCode(codes: readonly number[]): number {
  const rank = (code: number) => (SEVERITY.includes(code) ? SEVERITY.indexOf(code) : 0);
  return codes.reduce<number>((worst, code) => (rank(code) < rank(worst) ? code : worst), EXIT.ok);
}
