import { CookieJar } from 'tough-cookie';
import type { FetchRequest, HttpClient } from './http-client.ts';

/**
 * The cookies one source's pages set, sent back on its later requests, as SEL's crawler keeps a
 * jar per source: a site that sets a session or consent cookie on its first page expects it on
 * the next. RFC 6265 rules (Domain, Path, Secure, expiry, public suffixes) are tough-cookie's,
 * so a cookie goes back only to the site that set it. The jar lives in memory for one reading
 * of one source: never shared with another source, never written anywhere.
 */
export class SourceCookieJar {
  // Expiry is checked against the wall clock, as a browser's is: tough-cookie reads Date.now()
  // when it matches cookies, whatever time it is told, so the run's clock is not passed to it.
  // A #private field: a request logged or serialised by mistake shows no cookie values.
  readonly #jar = new CookieJar();
  // Most sites set no cookie: their requests skip tough-cookie's lookup (2 % of a CSS run's CPU).
  #empty = true;

  /** The Cookie header value for a request to `url`, or undefined when no cookie applies. */
  cookieHeader(url: string): string | undefined {
    if (this.#empty) return undefined;
    return this.#jar.getCookieStringSync(url) || undefined;
  }

  /** Keeps the Set-Cookie headers of a response from `url`; a cookie the rules refuse is ignored, as a browser does. */
  store(url: string, setCookie: string | string[] | undefined): void {
    for (const header of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      if (this.#jar.setCookieSync(header, url, { ignoreError: true })) this.#empty = false;
    }
  }
}

/** The source's HTTP client: every request it makes carries the source's jar. */
export function withCookieJar(http: HttpClient, cookies: SourceCookieJar): HttpClient {
  return { fetchDocument: (req: FetchRequest) => http.fetchDocument({ ...req, cookies }) };
}
