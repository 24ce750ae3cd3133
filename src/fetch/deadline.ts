/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A time limit for one request, from its start to its last byte. */
export interface Deadline {
  /** Aborts when the time is up (reason: a TimeoutError) or when the parent signal aborts. */
  readonly signal: AbortSignal;
  /** Whether the time ran out, as opposed to the parent aborting. */
  readonly expired: boolean;
  /** Clears the timer: call it in `finally` once the request is over, body included. */
  dispose(): void;
}

/**
 * Starts a deadline that fires whatever the garbage collector does. `AbortSignal.timeout()`
 * inside `AbortSignal.any()` is held by nothing, so a collection can drop it unfired
 * (nodejs/node#57736); here the timer's callback holds the controller, and the timer is held
 * until it fires or `dispose` clears it. The parent is followed through `AbortSignal.any()`,
 * which adds no listener to it, so many requests under one run signal never pile listeners on it.
 */
export function startDeadline(ms: number, parent?: AbortSignal): Deadline {
  const own = new AbortController();
  let expired = false;
  const timer = setTimeout(
    () => {
      expired = true;
      own.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
    },
    Math.min(Math.max(0, ms), MAX_TIMER_MS),
  );
  return {
    signal: parent ? AbortSignal.any([parent, own.signal]) : own.signal,
    get expired() {
      return expired;
    },
    dispose: () => clearTimeout(timer),
  };
}
