/** Time as a dependency, so tests can run hours of backoff in milliseconds. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A wait about to begin and why, so a person watching a run knows what it is waiting for. */
export interface Wait {
  ms: number;
  /** What is being waited for, e.g. "the SEL server asked (Retry-After)". */
  reason: string;
}

/** Told of each wait before it begins; absent, waits pass unannounced. */
export type OnWait = (wait: Wait) => void;
