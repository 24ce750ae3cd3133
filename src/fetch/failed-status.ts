import { SelScraperError } from '../errors.ts';

/**
 * The HTTP status of a fetch that failed on its answer (ERR_FETCH_STATUS): the `status` the HTTP
 * client attaches, else the one its message starts with ("HTTP 503 fetching …", http-client.ts).
 */
export function failedStatus(error: unknown): number | undefined {
  if (!(error instanceof SelScraperError) || error.code !== 'ERR_FETCH_STATUS') return undefined;
  const attached = (error as { status?: unknown }).status;
  if (typeof attached === 'number') return attached;
  const match = /^HTTP (\d{3}) /.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

/** The Retry-After header of a failed fetch, when the HTTP client attached it to the error. */
export function failedRetryAfter(error: unknown): string | undefined {
  const value = (error as { retryAfter?: unknown } | undefined)?.retryAfter;
  return typeof value === 'string' ? value : undefined;
}
