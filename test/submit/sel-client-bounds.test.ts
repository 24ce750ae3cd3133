import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import type { EventInput } from '../../src/normalize/event-input.ts';
import { BatchSubmitter, MAX_BATCH_BYTES, type DeliveryResult } from '../../src/submit/batch-submitter.ts';
import { RateLimiter } from '../../src/submit/rate-limiter.ts';
import { SelClient } from '../../src/submit/sel-client.ts';
import { collectGarbageRepeatedly } from '../helpers/force-gc.ts';
import { HostileServer } from '../helpers/hostile-server.ts';

// Deadlines and size limits of the SEL client against servers on 127.0.0.1 that misbehave.
const KEY = 'agent-key-0123456789';
const HUGE = 64 * 1024 * 1024;
const event: EventInput = {
  name: 'A',
  description: 'd',
  startDate: '2027-01-01T20:00:00-05:00',
  location: { name: 'Hall' },
  source: { url: 'https://a.test/', eventId: 'a' },
};

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(
  answer: (req: IncomingMessage, res: ServerResponse, server: HostileServer) => void | Promise<void>,
  requestTimeoutMs = 10_000,
): Promise<SelClient> {
  server = await new HostileServer(answer).start();
  return new SelClient({
    baseUrl: server.url,
    apiKey: KEY,
    fetch: (url, init) => fetch(url, init),
    clock: systemClock,
    limiter: new RateLimiter(0, systemClock),
    retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 1_000 },
    userAgent: 'test',
    requestTimeoutMs,
  });
}

describe('SelClient deadlines', () => {
  it('gives up on a server that holds the key preflight past the request timeout, even when the garbage collector runs meanwhile', async () => {
    // Answers after 3 s: a client whose deadline was collected would take that answer.
    const sel = await serve((_req, res) => {
      const timer = setTimeout(() => res.end(JSON.stringify({ token: 't', expires_at: '2030-01-01T00:00:00Z' })), 3_000);
      res.on('close', () => clearTimeout(timer));
    }, 250);
    const stopCollecting = collectGarbageRepeatedly();
    try {
      await expect(sel.preflight(new AbortController().signal)).rejects.toMatchObject({
        code: 'ERR_SERVER_UNREACHABLE',
        message: expect.stringContaining('timed out'),
      });
    } finally {
      stopCollecting();
    }
  });
});

describe('SelClient answer size', () => {
  it('refuses a key preflight answer larger than the cap with a clear error, and stops reading it', async () => {
    const sel = await serve((_req, res, self) => self.huge(res, HUGE));
    const error = sel.preflight();
    await expect(error).rejects.toMatchObject({
      code: 'ERR_SERVER_RESPONSE',
      message: `the SEL server's answer to POST ${server!.url}/api/v1/auth/token is larger than 4 MiB`,
    });
    await vi.waitFor(() => expect(server!.streamed[0]).toMatchObject({ cutShort: true }));
    expect(server!.streamed[0]!.bytesWritten).toBeLessThan(HUGE);
  });

  it('fails a batch post whose answer is larger than the cap, without posting it again', async () => {
    let posts = 0;
    const sel = await serve((req, res, self) => {
      posts++;
      return self.huge(res, HUGE, 202);
    });
    await expect(sel.submitBatch([event])).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE', message: expect.stringContaining('is larger than 4 MiB') });
    expect(posts).toBe(1);
  });

  it('fails a batch status whose answer is larger than the cap', async () => {
    const sel = await serve((_req, res, self) => self.huge(res, HUGE));
    await expect(sel.batchStatus('b1')).rejects.toMatchObject({
      code: 'ERR_SERVER_RESPONSE',
      message: expect.stringContaining('/api/v1/batch-status/b1 is larger than 4 MiB'),
    });
  });
});

describe('BatchSubmitter with an oversized batch status', () => {
  it('counts the batch’s events unknown with the reason, and finishes', async () => {
    const sel = await serve((req, res, self) => {
      if (req.method === 'POST') return void res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ batch_id: 'b1' }));
      return self.huge(res, HUGE);
    });
    const results: DeliveryResult[] = [];
    const batcher = new BatchSubmitter({
      client: sel,
      clock: systemClock,
      concurrency: 1,
      batchSize: 10,
      maxBatchBytes: MAX_BATCH_BYTES,
      pollTimeoutMs: 2_000,
      pollInitialMs: 5,
      pollMaxMs: 20,
      onResult: (r) => results.push(r),
    });
    await batcher.add({ sourceName: 'src', event });
    await batcher.finish();
    expect(results).toMatchObject([
      {
        status: 'unknown',
        batchId: 'b1',
        reason: expect.stringMatching(/^batch b1 accepted, but its status could not be read: the SEL server's answer to GET .* is larger than 4 MiB$/),
      },
    ]);
  });
});
