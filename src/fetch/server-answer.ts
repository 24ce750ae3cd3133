import { SelScraperError } from '../errors.ts';
import type { FetchAnswer } from './fetch-like.ts';

/**
 * The largest answer read from a SEL server. Its answers are small JSON documents (a batch
 * status lists at most 100 results); anything far larger is not SEL, and reading it whole could
 * exhaust memory (a 3 GB answer once crashed V8).
 */
export const MAX_SERVER_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * The body of a SEL server's answer as text, read up to the cap: a larger one (declared or
 * streamed) is an ERR_SERVER_RESPONSE and the rest of it is not read. `what` names the request
 * in the message, e.g. "POST https://sel.example/api/v1/auth/token".
 */
export async function readServerAnswer(response: FetchAnswer, what: string, maxBytes = MAX_SERVER_ANSWER_BYTES): Promise<string> {
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
