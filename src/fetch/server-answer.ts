import { SelScraperError } from '../errors.ts';
import { startDeadline } from './deadline.ts';
import type { FetchAnswer, FetchLike } from './fetch-like.ts';

/**
 * The largest answer read from a SEL server. Its answers are small JSON documents (a batch
 * status lists at most 100 results); anything far larger is not SEL, and reading it whole could
 * exhaust memory (a 3 GB answer once crashed V8).
 */
const MAX_SERVER_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * The body of a SEL server's answer as text, read up to the cap: a larger one (declared or
 * streamed) is an ERR_SERVER_RESPONSE and the rest of it is not read. `what` names the request
 * in the message, e.g. "POST https://sel.example/api/v1/auth/token".
 */
async function readServerAnswer(response: FetchAnswer, what: string, maxBytes = MAX_SERVER_ANSWER_BYTES): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(what, maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(what, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function tooLarge(what: string, maxBytes: number): SelScraperError {
  return new SelScraperError('ERR_SERVER_RESPONSE', `the SEL server's answer to ${what} is larger than ${maxBytes / (1024 * 1024)} MiB`, {
    hint: 'SEL answers with small JSON documents: is SEL_SERVER_URL (or --server) the SEL server, not a proxy or file server in front of it?',
  });
}

/** One JSON request to a SEL server, as the scrape client and the admin key store both make it. */
export interface ServerRequest {
  fetch: FetchLike;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** The key or token for `Authorization: Bearer`. */
  bearer: string;
  userAgent: string;
  /** Sent as JSON when given. */
  payload?: unknown;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * How one request ended. `stage` says where a failure came: `send` before any answer (the
 * request may or may not have reached the server), `read` while reading an answer the server
 * began. `timedOut`: the request's own deadline fired; `aborted`: its signal ended it, deadline
 * or caller. `body` is the answer parsed as JSON, undefined when it is empty or not JSON.
 */
export type ServerExchange =
  | { ok: true; status: number; headers: FetchAnswer['headers']; text: string; body: unknown }
  | { ok: false; stage: 'send' | 'read'; error: unknown; timedOut: boolean; aborted: boolean };

/** Sends one request under its own deadline and reads the answer up to the cap; never throws. */
export async function exchangeWithServer(request: ServerRequest): Promise<ServerExchange> {
  const { method, url, payload } = request;
  const deadline = startDeadline(request.timeoutMs, request.signal);
  let stage: 'send' | 'read' = 'send';
  try {
    const response = await request.fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${request.bearer}`,
        'user-agent': request.userAgent,
        accept: 'application/json',
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      signal: deadline.signal,
    });
    stage = 'read';
    const text = await readServerAnswer(response, `${method} ${url}`);
    return { ok: true, status: response.status, headers: response.headers, text, body: parseJson(text) };
  } catch (error) {
    return { ok: false, stage, error, timedOut: deadline.expired, aborted: deadline.signal.aborted };
  } finally {
    deadline.dispose();
  }
}

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
