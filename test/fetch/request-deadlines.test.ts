import { createServer, type Server } from 'node:http';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/fetch/http-client.ts';
import { collectGarbageRepeatedly } from '../helpers/force-gc.ts';
import { closeServer, listenOnLoopback } from '../helpers/loopback.ts';

// A page that trickles one byte every few milliseconds never goes idle, so only a deadline from
// the start of the request ends it. The server stops after a while so that code whose deadline
// never fires shows up as a read page, not as a test that hangs.
const TRICKLE_MS = 20;
const TRICKLE_FOR_MS = 3_000;

let server: Server | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.destroy();
  await closeServer(server);
  server = agent = undefined;
});

async function tricklingSite(): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > TRICKLE_FOR_MS) {
        clearInterval(timer);
        res.end('</html>');
      } else res.write('.');
    }, TRICKLE_MS);
    res.on('close', () => clearInterval(timer));
  });
  return listenOnLoopback(server);
}

describe('request deadlines', () => {
  it('ends a page that trickles a byte at a time at request_timeout, even when the garbage collector runs meanwhile', async () => {
    const origin = await tricklingSite();
    agent = new Agent();
    const http = createHttpClient({ dispatcher: agent, userAgent: 'test' });
    const run = new AbortController();
    const stopCollecting = collectGarbageRepeatedly();
    try {
      await expect(http.fetchDocument({ url: `${origin}/events`, timeoutMs: 250, maxBodyBytes: 1_000_000, signal: run.signal })).rejects.toMatchObject({
        code: 'ERR_FETCH_TIMEOUT',
        message: `timed out fetching ${origin}/events`,
      });
    } finally {
      stopCollecting();
    }
  });
});
