import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { describeError, SelScraperError } from '../errors.ts';
import { MANIFEST_NAME, type Recording } from './fixtures.ts';
import { decompress } from './http-client.ts';

/** The largest body a source may read (max_body_bytes' ceiling): a recording never unpacks more. */
const MAX_STORED_BODY_BYTES = 256 * 1024 * 1024;

/**
 * Response headers a replay needs; every other one (Set-Cookie, tracking ids, server banners)
 * is left out, so a recording holds no session a site handed out.
 */
const KEPT_HEADERS = ['content-type', 'location', 'last-modified', 'retry-after'];

/** What was not recorded, and why. */
export interface NotRecorded {
  url: string;
  reason: string;
}

export interface RecordingSummary {
  dir: string;
  manifest: string;
  /** Responses of this run written. */
  recorded: number;
  /** Recordings from an earlier run in the same folder, kept. */
  kept: number;
  notRecorded: NotRecorded[];
}

interface Captured {
  method: 'GET' | 'POST';
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ResponseRecorderOptions {
  /** The folder that becomes a `--fixtures` folder. */
  dir: string;
  /** Cleans text of the command's secrets; applied when saving, once every source's secrets are known. */
  redact: (text: string) => string;
}

/**
 * Keeps every response a run's source fetches receive, as an undici interceptor composed onto
 * the fetching dispatchers (robots.txt and each redirect hop are requests of their own, so they
 * are kept too), and saves them as a `--fixtures` folder: a live run becomes an offline replay
 * that reads the same bytes. Requests are not stored at all, so their Authorization, cookies and
 * configured credential headers never reach the folder; response headers are kept only when a
 * replay needs them; bodies and URLs pass the command's redactor.
 */
export class ResponseRecorder {
  private readonly captured = new Map<string, Captured>();
  private readonly unrecordable: NotRecorded[] = [];

  constructor(private readonly options: ResponseRecorderOptions) {}

  readonly interceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    const method = (opts.method ?? 'GET').toUpperCase();
    const url = requestUrl(opts);
    if (!url || (method !== 'GET' && method !== 'POST')) {
      if (url) this.unrecordable.push({ url, reason: `${method} requests cannot be replayed from a fixture folder` });
      return dispatch(opts, handler);
    }
    return dispatch(opts, this.handlerFor(method, url, handler));
  };

  private handlerFor(method: 'GET' | 'POST', url: string, inner: Dispatcher.DispatchHandler): Dispatcher.DispatchHandler {
    const keep = (response: Captured) => {
      const key = `${method} ${url}`;
      // A retried request ends with the answer the run acted on: the last one.
      this.captured.delete(key);
      this.captured.set(key, response);
    };
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    // The handler compose() hands an interceptor speaks undici's controller API; only the response is looked at.
    return {
      onRequestStart: (controller, context) => inner.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, statusCode, upgradeHeaders, socket) => inner.onRequestUpgrade?.(controller, statusCode, upgradeHeaders, socket),
      onResponseStart: (controller, statusCode, responseHeaders, statusMessage) => {
        status = statusCode;
        headers = flatHeaders(responseHeaders);
        inner.onResponseStart?.(controller, statusCode, responseHeaders, statusMessage);
      },
      onResponseData: (controller, chunk) => {
        chunks.push(Buffer.from(chunk));
        inner.onResponseData?.(controller, chunk);
      },
      onResponseEnd: (controller, trailers) => {
        keep({ method, url, status, headers, body: Buffer.concat(chunks) });
        inner.onResponseEnd?.(controller, trailers);
      },
      onResponseError: (controller, error) => inner.onResponseError?.(controller, error),
    };
  }

  /**
   * Writes the bodies and `recordings.json` (merged with a manifest already there: a URL recorded
   * again replaces its old answer, other recordings stay), then says what was written.
   */
  async save(): Promise<RecordingSummary> {
    const dir = this.options.dir;
    const manifest = path.join(dir, MANIFEST_NAME);
    const earlier = await readManifest(manifest);
    const notRecorded = [...this.unrecordable];
    const fresh: Recording[] = [];
    await mkdir(dir, { recursive: true });
    for (const response of this.captured.values()) {
      const url = this.options.redact(response.url);
      if (url !== response.url) {
        notRecorded.push({ url, reason: 'its URL carries a secret of this command, which is not written to a fixture folder' });
        continue;
      }
      const { body, headers } = storedBody(response);
      const file = bodyFile(response.method, url, headers['content-type']);
      await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
      await writeFile(path.join(dir, file), this.redactBytes(body));
      const kept = Object.fromEntries(KEPT_HEADERS.flatMap((name) => (headers[name] === undefined ? [] : [[name, this.options.redact(headers[name])]])));
      fresh.push({
        ...(response.method === 'GET' ? {} : { method: response.method }),
        url,
        ...(response.status === 200 ? {} : { status: response.status }),
        headers: kept,
        body: file,
      });
    }
    const replaced = new Set(fresh.map(recordingKey));
    const kept = earlier.filter((recording) => !replaced.has(recordingKey(recording)));
    const all = [...kept, ...fresh].sort((a, b) => a.url.localeCompare(b.url) || (a.method ?? 'GET').localeCompare(b.method ?? 'GET'));
    const temporary = `${manifest}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ recordings: all }, null, 2) + '\n');
    await rename(temporary, manifest);
    return { dir, manifest, recorded: fresh.length, kept: kept.length, notRecorded };
  }

  /** Latin-1 maps every byte to one character and back, so bodies in any charset survive unchanged where no secret is. */
  private redactBytes(body: Buffer): Buffer {
    const text = body.toString('latin1');
    const clean = this.options.redact(text);
    if (clean === text) return body;
    // A replacement may hold characters Latin-1 has not (the "…" of a key's prefix): written as
    // their UTF-8 bytes, what nearly every page is, instead of being cut to one byte each.
    return Buffer.from(
      clean.replace(/[\u{100}-\u{10ffff}]/gu, (character) => Buffer.from(character, 'utf8').toString('latin1')),
      'latin1',
    );
  }
}

function requestUrl(opts: Dispatcher.DispatchOptions): string | undefined {
  try {
    return new URL(opts.path, typeof opts.origin === 'string' ? opts.origin : opts.origin?.toString()).href;
  } catch {
    return undefined;
  }
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * The body as the page reader decoded it: a compressed body is stored unpacked (so it can be
 * searched for secrets and read by a person) and replayed without Content-Encoding.
 */
function storedBody(response: Captured): { body: Buffer; headers: Record<string, string> } {
  const { 'content-encoding': encoding, ...headers } = response.headers;
  try {
    return { body: decompress(response.body, encoding, MAX_STORED_BODY_BYTES, response.url), headers };
  } catch {
    // A body the reader could not unpack either (or a zip bomb): kept as it came, with its encoding.
    return { body: response.body, headers: response.headers };
  }
}

/** `<host>/<hash>.<ext>`: stable for a URL, so recording it again overwrites its old body. */
function bodyFile(method: string, url: string, contentType: string | undefined): string {
  const host = new URL(url).host.replace(/[^a-z0-9.-]/gi, '_');
  const hash = createHash('sha256').update(`${method} ${url}`).digest('hex').slice(0, 16);
  return `${host}/${hash}.${extensionFor(contentType ?? '')}`;
}

function extensionFor(contentType: string): string {
  const type = contentType.toLowerCase();
  if (type.includes('html')) return 'html';
  if (type.includes('json')) return 'json';
  if (type.includes('calendar')) return 'ics';
  if (type.includes('xml')) return 'xml';
  if (type.startsWith('text/')) return 'txt';
  return 'bin';
}

function recordingKey(recording: Recording): string {
  return `${recording.method ?? 'GET'} ${recording.url}`;
}

async function readManifest(file: string): Promise<Recording[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SelScraperError('ERR_USAGE', `cannot read ${file}: ${describeError(error)}`, { cause: error });
  }
  const parsed = safeJson(text) as { recordings?: unknown } | undefined;
  if (!Array.isArray(parsed?.recordings) || !parsed.recordings.every((r) => typeof (r as Recording | null)?.url === 'string')) {
    throw new SelScraperError('ERR_USAGE', `${file} is not a fixture manifest, so recordings cannot be added to it`, {
      hint: 'record into an empty folder, or into one written by --record',
    });
  }
  return parsed.recordings as Recording[];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
