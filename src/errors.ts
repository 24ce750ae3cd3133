/**
 * Every failure the user can act on is a SelScraperError with a stable code and a hint.
 * The code decides the exit status (see report/exit-codes.ts); the hint says what to do next.
 */
export type ErrorCode =
  | 'ERR_USAGE'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_NOT_FOUND'
  | 'ERR_KEY_MISSING'
  | 'ERR_KEY_REJECTED'
  | 'ERR_KEY_ADMIN_REFUSED'
  | 'ERR_KEY_NOT_FOUND'
  | 'ERR_KEY_AMBIGUOUS'
  | 'ERR_KEY_STORE'
  | 'ERR_SERVER_UNREACHABLE'
  | 'ERR_SERVER_RESPONSE'
  | 'ERR_FETCH'
  | 'ERR_FETCH_STATUS'
  | 'ERR_FETCH_TIMEOUT'
  | 'ERR_FETCH_TOO_LARGE'
  | 'ERR_FIXTURE_MISSING'
  | 'ERR_ROBOTS_DISALLOWED'
  | 'ERR_EXTRACT'
  | 'ERR_JOURNAL'
  | 'ERR_INTERRUPTED'
  | 'ERR_TIMEOUT'
  | 'ERR_FETCH_FORBIDDEN_ADDRESS'
  | 'ERR_RUN_LOCKED'
  | 'ERR_SITE_UNREACHABLE'
  | 'ERR_INTERNAL';

export interface SelScraperErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class SelScraperError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: SelScraperErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SelScraperError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** Turns anything thrown into a one-line reason fit for a report row. */
export function describeError(error: unknown): string {
  if (error instanceof SelScraperError) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/**
 * A site that could not be reached at all (its name does not resolve, it refuses connections, no
 * route to it): nothing was read from it, robots.txt included. `reason` says which, for reports.
 */
export class SiteUnreachableError extends SelScraperError {
  readonly reason: string;

  constructor(reason: string, options: Omit<SelScraperErrorOptions, 'hint'> = {}) {
    super('ERR_SITE_UNREACHABLE', `site unreachable: ${reason}`, {
      ...options,
      hint: 'check the url in the source config, then this machine’s network (DNS, firewall, proxy); nothing was read from the site',
    });
    this.name = 'SiteUnreachableError';
    this.reason = reason;
  }
}

/** Failures to connect at all (Node's DNS and socket codes, undici's connect timeout), in words. */
const UNREACHABLE = new Map<string, (url: URL) => string>([
  ['ENOTFOUND', (url) => `cannot resolve the host name ${url.hostname}`],
  ['EAI_AGAIN', (url) => `no DNS answer for the host name ${url.hostname}`],
  ['ECONNREFUSED', (url) => `${url.host} refused the connection`],
  ['ENETUNREACH', (url) => `no network route to ${url.host}`],
  ['EHOSTUNREACH', (url) => `no network route to ${url.host}`],
  ['UND_ERR_CONNECT_TIMEOUT', (url) => `connecting to ${url.host} timed out`],
]);

/** `code` (a socket or DNS error code) as "site unreachable" for `url`; undefined for any other code. */
export function siteUnreachable(code: string | undefined, url: URL, cause: unknown): SiteUnreachableError | undefined {
  const words = code === undefined ? undefined : UNREACHABLE.get(code);
  return words ? new SiteUnreachableError(`${words(url)} (${code})`, { cause }) : undefined;
}

/** A fetch the site answered with an error status; retries need the status and Retry-After. */
export class HttpStatusError extends SelScraperError {
  readonly status: number;
  readonly retryAfter: string | undefined;

  constructor(status: number, message: string, options: SelScraperErrorOptions & { retryAfter?: string | undefined } = {}) {
    super('ERR_FETCH_STATUS', message, options);
    this.name = 'HttpStatusError';
    this.status = status;
    this.retryAfter = options.retryAfter;
  }
}
