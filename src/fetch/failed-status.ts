import { HttpStatusError } from '../errors.ts';

/** The HTTP status of a fetch the site answered with an error status. */
export function failedStatus(error: unknown): number | undefined {
  return error instanceof HttpStatusError ? error.status : undefined;
}

/** The Retry-After header of such a failed fetch, if the site sent one. */
export function failedRetryAfter(error: unknown): string | undefined {
  return error instanceof HttpStatusError ? error.retryAfter : undefined;
}
