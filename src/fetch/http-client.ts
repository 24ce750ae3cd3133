import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import { describeError, HttpStatusError, SelScraperError, siteUnreachable } from '../errors.ts';
import type { UrlPolicy } from './address-policy.ts';
import { forbiddenAddressError } from './address-guard.ts';
import { decodeBody } from './charset.ts';
import type { SourceCookieJar } from './cookie-jar.ts';
import { startDeadline } from './deadline.ts';
import { followRedirects, REDIRECT_STATUSES } from './redirects.ts';

export interface FetchRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Whole request, headers and body, must finish within this. */
  timeoutMs: number;
  /** Larger bodies (after decompression too) fail the fetch instead of being truncated. */
  maxBodyBytes: number;
  signal?: AbortSignal;
  /** Skip TLS certificate verification (a source's insecure_skip_verify); needs `insecureDispatcher`. */
  insecureTls?: boolean;
  /**
   * Applied to the body bytes before charset decoding, for formats defined on octets: ICS lines
   * are folded by byte count, sometimes inside a multi-byte character, so they unfold first.
   */
  beforeDecode?: (bytes: Buffer) => Buffer;
  /**
   * What the source config names: credentials go only to its origins, and only its hosts may be
   * private addresses. Without one, credentials stay on the origin first asked.
   */
  policy?: UrlPolicy;
  /** Header names that are credentials besides Authorization, Cookie and Proxy-Authorization (a source's own headers). */
  credentialHeaders?: readonly string[];
  /** 'manual': a redirect is answered as a document with `location`, for a caller that admits each hop. */
  redirect?: 'follow' | 'manual';
  /** The source's cookie jar: its cookies go with the request, Set-Cookie answers (redirects too) go into it. */
  cookies?: SourceCookieJar;
}

export interface FetchedDocument {
  /** URL after redirects: relative links resolve against this. */
  url: string;
  status: number;
  contentType: string;
  text: string;
  bytes: number;
  charset: string;
  /** Set only on a redirect answered to a `redirect: 'manual'` request: where it points. */
  location?: string;
}

export interface HttpClient {
  fetchDocument(req: FetchRequest): Promise<FetchedDocument>;
}

export interface HttpClientOptions {
  dispatcher: Dispatcher;
  userAgent: string;
  /**
   * Serves requests with `insecureTls`; asked for on first use, so an unverifying agent exists
   * only when a source wants one. Without it such requests fail rather than verify silently.
   */
  insecureDispatcher?: () => Dispatcher;
  /**
   * Serves hops to hosts the request's policy does not name: connects only to public addresses
   * (see address-guard.ts). Without it such hops use the ordinary dispatcher (tests, replays),
   * and only address literals are refused.
   */
  guardedDispatcher?: (insecureTls: boolean) => Dispatcher;
}

/**
 * The one place source pages are fetched. Redirects are followed one hop at a time (not by an
 * interceptor) so the final URL is known for resolving relative links and a caller can admit
 * each hop (`redirect: 'manual'`); bodies are capped before and after decompression so a zip
 * bomb is as safe as a large page.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  /** One hop, body included, under its own deadline (a kept timer, so garbage collection cannot cancel it). */
  const fetchHop = async (req: FetchRequest): Promise<FetchedDocument> => {
    const deadline = startDeadline(req.timeoutMs, req.signal);
    try {
      return await fetchWithin(req, deadline.signal);
    } finally {
      deadline.dispose();
    }
  };
  const fetchWithin = async (req: FetchRequest, signal: AbortSignal): Promise<FetchedDocument> => {
    const url = req.url;
    const response = await send(options, req, signal);
    req.cookies?.store(url, response.headers['set-cookie']);
    const location = header(response.headers, 'location');
    if (REDIRECT_STATUSES.has(response.statusCode) && location) {
      await response.body.dump();
      return { url, status: response.statusCode, contentType: '', text: '', bytes: 0, charset: 'utf-8', location };
    }
    const contentType = header(response.headers, 'content-type') ?? '';
    const raw = await readCapped(response.body, req.maxBodyBytes, url, signal);
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new HttpStatusError(response.statusCode, `HTTP ${response.statusCode} fetching ${url}`, {
        hint: statusHint(response.statusCode),
        retryAfter: header(response.headers, 'retry-after'),
      });
    }
    const unpacked = unwrapGzipFile(decompress(raw, header(response.headers, 'content-encoding'), req.maxBodyBytes, url), req.maxBodyBytes, url);
    const decoded = req.beforeDecode ? req.beforeDecode(unpacked) : unpacked;
    const { text, charset } = decodeBody(decoded, contentType);
    return { url, status: response.statusCode, contentType, text, bytes: decoded.byteLength, charset };
  };
  return {
    fetchDocument: (req) => (req.redirect === 'manual' ? fetchHop(req) : followRedirects(req, fetchHop)),
  };
}

async function send(options: HttpClientOptions, req: FetchRequest, signal: AbortSignal) {
  const guarded = req.policy !== undefined && !req.policy.namesHost(req.url);
  const refusal = guarded ? req.policy?.literalRefusal(req.url) : undefined;
  if (refusal) throw forbiddenAddressError(refusal);
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: 'text/html,application/xhtml+xml,application/ld+json;q=0.9,*/*;q=0.8',
    'accept-encoding': 'gzip, deflate, br',
    ...lowerCaseKeys(req.headers ?? {}),
  };
  // The jar applies its own domain and path rules, so its cookies are right for every hop.
  const jarCookies = req.cookies?.cookieHeader(req.url);
  if (jarCookies) headers.cookie = headers.cookie ? `${headers.cookie}; ${jarCookies}` : jarCookies;
  try {
    return await request(req.url, {
      dispatcher:
        guarded && options.guardedDispatcher
          ? options.guardedDispatcher(req.insecureTls ?? false)
          : req.insecureTls
            ? insecureDispatcher(options, req.url)
            : options.dispatcher,
      method: req.method ?? 'GET',
      headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal,
    });
  } catch (error) {
    throw networkError(error, req.url, signal);
  }
}

function insecureDispatcher(options: HttpClientOptions, url: string): Dispatcher {
  if (!options.insecureDispatcher) {
    throw new SelScraperError('ERR_FETCH', `cannot fetch ${url} without verifying its TLS certificate (insecure_skip_verify) in this command`, {
      hint: 'remove insecure_skip_verify from the source config if the site has a valid certificate',
    });
  }
  return options.insecureDispatcher();
}

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number, url: string, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      total += buffer.byteLength;
      if (total > maxBytes) {
        body.destroy();
        throw tooLarge(url, maxBytes);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof SelScraperError) throw error;
    throw networkError(error, url, signal);
  }
  return Buffer.concat(chunks, total);
}

/** A body unpacked by its Content-Encoding, capped so a zip bomb fails like a large page (ERR_FETCH_TOO_LARGE). */
export function decompress(raw: Buffer, encoding: string | undefined, maxBytes: number, url: string): Buffer {
  const kind = encoding?.trim().toLowerCase();
  if (!kind || kind === 'identity') return raw;
  try {
    if (kind === 'gzip' || kind === 'x-gzip') return gunzipSync(raw, { maxOutputLength: maxBytes });
    if (kind === 'br') return brotliDecompressSync(raw, { maxOutputLength: maxBytes });
    if (kind === 'deflate') return inflateSync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(url, maxBytes);
    throw new SelScraperError('ERR_FETCH', `cannot decode ${kind} body from ${url}: ${describeError(error)}`, { cause: error });
  }
  throw new SelScraperError('ERR_FETCH', `unsupported Content-Encoding "${kind}" from ${url}`);
}

/**
 * A `.gz` file served as such (Content-Type application/gzip, no Content-Encoding) is still a
 * compressed document, as sitemap.xml.gz files are: unpack it when the bytes say gzip.
 */
function unwrapGzipFile(body: Buffer, maxBytes: number, url: string): Buffer {
  if (body[0] !== 0x1f || body[1] !== 0x8b) return body;
  return decompress(body, 'gzip', maxBytes, url);
}

function tooLarge(url: string, maxBytes: number): SelScraperError {
  return new SelScraperError('ERR_FETCH_TOO_LARGE', `body of ${url} is larger than ${maxBytes} bytes`, {
    hint: 'raise max_body_bytes in the source config if the page is really that large',
  });
}

function networkError(error: unknown, url: string, signal: AbortSignal): SelScraperError {
  if (error instanceof SelScraperError) return error;
  // The guarded agent's refusal arrives wrapped in undici's connect error.
  for (let cause = (error as { cause?: unknown }).cause, depth = 0; cause && depth < 4; cause = (cause as { cause?: unknown }).cause, depth++) {
    if (cause instanceof SelScraperError && cause.code === 'ERR_FETCH_FORBIDDEN_ADDRESS') return cause;
  }
  const code = (error as { code?: string }).code ?? '';
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? '';
  if (signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError') {
    return new SelScraperError('ERR_FETCH_TIMEOUT', `timed out fetching ${url}`, {
      hint: 'raise request_timeout_seconds in the source config if the site is just slow',
      cause: error,
    });
  }
  if (code === 'UND_MOCK_ERR_MOCK_NOT_MATCHED') {
    return new SelScraperError('ERR_FIXTURE_MISSING', `no recorded response for ${url}`, {
      hint: 'the fixture directory has no recording for this URL; record it or drop --fixtures',
      cause: error,
    });
  }
  const unreachable = siteUnreachable(code, new URL(url), error) ?? siteUnreachable(cause, new URL(url), error);
  if (unreachable) return unreachable;
  const reason = [code, cause].filter(Boolean).join('/') || describeError(error);
  return new SelScraperError('ERR_FETCH', `cannot fetch ${url}: ${reason}`, { cause: error });
}

function statusHint(status: number): string {
  if (status === 404 || status === 410) return 'the page is gone; check the url in the source config';
  if (status === 401 || status === 403) return 'the site refuses the scraper; it may need headers or a different tier';
  if (status === 429) return 'the site is rate limiting us; try again later';
  if (status >= 500) return 'the site had a server error; try again later';
  return 'unexpected answer from the site';
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
