import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The garbage collector, callable without starting Node with --expose-gc: the flag set at run
 * time exposes `gc` in contexts created afterwards. Timeouts that nothing holds are collected by
 * it (nodejs/node#57736), which is what deadline tests need to provoke.
 */
export function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Collects garbage every `everyMs` until the returned function is called. */
export function collectGarbageRepeatedly(everyMs = 10): () => void {
  const gc = exposedGc();
  const timer = setInterval(gc, everyMs);
  return () => clearInterval(timer);
}
