import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monotonicFactory } from 'ulid';
import { systemClock, type Clock } from '../../src/clock.ts';
import { closeServer, listenOnLoopback } from './loopback.ts';
import type { MemoryNetwork, MemoryReply } from './memory-network.ts';

/**
 * A SEL server (on 127.0.0.1 or a MemoryNetwork) that follows sel-api-contract.md where a scraper can see it: token
 * exchange as preflight, batch POST answered 202 and processed later, batch-status 404 until the
 * results exist, per-item validation with the server's error strings, dedup on
 * (host of source.url, eventId), a per-IP token bucket answering 429 with an empty body and
 * Retry-After. Faults can be injected for delivery tests.
 */
export interface FakeSelOptions {
  /** key → role; any other key gets 401. */
  keys?: Record<string, 'agent' | 'admin'>;
  /** How long a batch takes before its results exist. */
  processingMs?: number;
  /** Batches (0-based, in arrival order) that never finish: their status stays 404. */
  neverComplete?: (batchNumber: number) => boolean;
  /** Requests per minute before 429 (0 = unlimited). */
  rateLimitPerMinute?: number;
  /** The bucket's capacity; SEL's equals the per-minute limit (the default). */
  rateLimitBurst?: number;
  retryAfterSeconds?: number;
  /** Batch POST attempts (0-based) answered 503 without being queued. */
  failPost?: (postNumber: number) => boolean;
  /** Requests (0-based) whose connection is destroyed before any answer. */
  dropConnection?: (requestNumber: number) => boolean;
  /** Batch POSTs whose connection is destroyed AFTER the batch was queued. */
  dropAfterQueue?: (postNumber: number) => boolean;
  /** Retry-After (seconds) sent with the 503 of failPost; none when absent. */
  failPostRetryAfterSeconds?: number;
  /** Every answer waits this long (a slow server). */
  latencyMs?: number;
  /** A per-item failure the server's pipeline would add (e.g. a geographic boundary). */
  rejectItem?: (event: Record<string, unknown>) => string | undefined;
  /** Batch POSTs answered 400 with a detail that repeats the request's headers, as some proxies do. */
  echoHeadersOnPost?: boolean;
}

/**
 * A deterministic "one in n" for fault injection: the same seed and number always give the same
 * answer, so a fault pattern (and the figures measured under it) can be reproduced.
 */
export function chance(seed: number, rate: number): (n: number) => boolean {
  return (n) => {
    let x = (Math.imul(n + 1, 0x9e3779b1) ^ Math.imul(seed + 1, 0x85ebca6b)) >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
    x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
    return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32 < rate;
  };
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  userAgent: string | undefined;
  /** When it arrived, on the server's clock. */
  at: number;
}

/** A request as the fake sees it, whichever way it came (a socket or a MemoryNetwork). */
interface Incoming {
  method: string;
  path: string;
  authorization: string | undefined;
  userAgent: string | undefined;
  body: string;
}

interface StoredEvent {
  eventId: string;
  event: Record<string, unknown>;
}

type ItemResult = { index: number; status: 'created' | 'duplicate' | 'failed'; event_id?: string; error?: string };

export class FakeSelServer {
  readonly requests: RecordedRequest[] = [];
  /** Events created, in order, keyed by dedup key. */
  readonly events = new Map<string, StoredEvent>();
  /** Dedup keys of items the server failed (each counted once, however often it was sent). */
  readonly rejected = new Set<string>();
  readonly batches = new Map<string, ItemResult[] | 'processing'>();
  counts = { posts: 0, acceptedBatches: 0, rateLimited: 0, statusPolls: 0, dropped: 0, failedPosts: 0 };
  private server: Server | undefined;
  private served: string | undefined;
  private tokens: number;
  private refilledAt: number;
  private requestNumber = 0;
  private batchNumber = 0;
  /** Batches accepted and not processed yet, in arrival order, with when their results exist. */
  private queue: { batchId: string; events: Record<string, unknown>[]; readyAt: number }[] = [];
  /** Event ids are ULIDs, as SEL's are: they start with the time the event was created. */
  private readonly newEventId = monotonicFactory();
  private readonly clock: Clock;

  /**
   * `clock` times processing, latency, the rate limit and event ids: the wall clock for a
   * spawned CLI on 127.0.0.1, the run's VirtualClock for an in-process run on a MemoryNetwork.
   */
  constructor(
    private readonly options: FakeSelOptions = {},
    clock: Clock = systemClock,
  ) {
    this.clock = clock;
    this.tokens = options.rateLimitBurst ?? options.rateLimitPerMinute ?? 0;
    this.refilledAt = clock.now();
  }

  get url(): string {
    if (this.served) return this.served;
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** How long a batch posted from now on takes before its results exist. */
  set processingMs(ms: number) {
    this.options.processingMs = ms;
  }

  /** Finishes every batch queued so far at once: a test holds a run mid-way, then lets it go. */
  finishQueued(): void {
    const now = this.clock.now();
    for (const batch of this.queue) batch.readyAt = Math.min(batch.readyAt, now);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.answerHttp(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await listenOnLoopback(this.server);
    return this;
  }

  serveOn(network: MemoryNetwork, origin = 'http://sel.test'): this {
    this.served = origin;
    network.serve(origin, (request) =>
      this.handle({
        method: request.method,
        path: request.url.pathname,
        authorization: request.headers.authorization,
        userAgent: request.headers['user-agent'],
        body: request.body,
      }),
    );
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async answerHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const reply = await this.handle({
      method: req.method ?? '',
      path: new URL(req.url ?? '/', 'http://x').pathname,
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
      body,
    });
    if (reply === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  private async handle(req: Incoming): Promise<MemoryReply> {
    const number = this.requestNumber++;
    this.requests.push({ method: req.method, path: req.path, authorization: req.authorization, userAgent: req.userAgent, at: this.clock.now() });
    if (this.options.latencyMs) await this.clock.sleep(this.options.latencyMs);
    this.runDueBatches();
    if (this.options.dropConnection?.(number)) {
      this.counts.dropped++;
      return 'drop';
    }
    if (req.path !== '/healthz' && req.path !== '/readyz' && !this.takeToken()) {
      this.counts.rateLimited++;
      return { status: 429, headers: { 'retry-after': String(this.options.retryAfterSeconds ?? 60) } };
    }
    if (req.path === '/api/v1/auth/token' && req.method === 'POST') return this.token(req);
    if (req.path === '/api/v1/events:batch' && req.method === 'POST') return this.batch(req);
    const status = /^\/api\/v1\/batch-status\/(.+)$/.exec(req.path);
    if (status) return this.status(decodeURIComponent(status[1] ?? ''));
    return problem(404, 'not-found', 'Not Found');
  }

  private roleOf(req: Incoming): 'agent' | 'admin' | undefined {
    const parts = (req.authorization ?? '').trim().split(/\s+/);
    if (parts.length !== 2 || parts[0]?.toLowerCase() !== 'bearer') return undefined;
    return this.options.keys?.[parts[1] ?? ''];
  }

  private token(req: Incoming): MemoryReply {
    const role = this.roleOf(req);
    if (!role) return unauthorized('/api/v1/auth/token');
    if (role !== 'admin') return problem(403, 'forbidden', 'Admin API key required', 'Forbidden');
    return json(200, { token: 'jwt.for.tests', expires_at: new Date(this.clock.now() + 3600_000).toISOString() });
  }

  private batch(req: Incoming): MemoryReply {
    const postNumber = this.counts.posts++;
    if (!this.roleOf(req)) return unauthorized('/api/v1/events:batch');
    if (this.options.echoHeadersOnPost) {
      const echoed = `authorization: ${req.authorization ?? ''}\nuser-agent: ${req.userAgent ?? ''}`;
      return problem(400, 'validation-error', 'Invalid request', `\u001b[31mrejected headers\u001b[0m\n${echoed}`);
    }
    if (this.options.failPost?.(postNumber)) {
      this.counts.failedPosts++;
      const retryAfter = this.options.failPostRetryAfterSeconds;
      return problem(503, 'server-error', 'Service Unavailable', undefined, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
    }
    let events: unknown;
    try {
      events = (JSON.parse(req.body) as { events?: unknown }).events;
    } catch {
      return problem(400, 'validation-error', 'Invalid request', 'Bad Request');
    }
    if (!Array.isArray(events) || events.length === 0) return problem(400, 'validation-error', 'Events array cannot be empty');
    if (events.length > 100) return problem(400, 'validation-error', 'Batch size exceeds maximum of 100 events');
    // The server's decoder fails the whole batch on a non-string price (unmarshal.go).
    if (events.some((e) => typeof (e as { offers?: { price?: unknown } }).offers?.price === 'number')) {
      return problem(400, 'validation-error', 'Invalid request', 'Bad Request');
    }
    const batchId = `01TESTBATCH${String(this.batchNumber).padStart(15, '0')}`;
    const neverComplete = this.options.neverComplete?.(this.batchNumber) ?? false;
    this.batchNumber++;
    this.counts.acceptedBatches++;
    this.batches.set(batchId, 'processing');
    if (!neverComplete)
      this.queue.push({ batchId, events: events as Record<string, unknown>[], readyAt: this.clock.now() + (this.options.processingMs ?? 50) });
    if (this.options.dropAfterQueue?.(postNumber)) {
      this.counts.dropped++;
      return 'drop';
    }
    return json(202, {
      '@type': 'BatchSubmission',
      batch_id: batchId,
      job_id: 1,
      status: 'processing',
      status_url: `http://wrong-host.invalid/api/v1/batch-status/${batchId}`,
      submitted: events.length,
    });
  }

  /** Runs the batches whose processing time is over, in the order they arrived (what a client can see of a worker queue). */
  private runDueBatches(): void {
    const now = this.clock.now();
    while (this.queue[0] && this.queue[0].readyAt <= now) {
      const { batchId, events } = this.queue.shift()!;
      this.batches.set(
        batchId,
        events.map((e, i) => this.ingest(e, i)),
      );
    }
  }

  private ingest(event: Record<string, unknown>, index: number): ItemResult {
    const source = event.source as { url?: string; eventId?: string } | undefined;
    const key = source?.url ? `${new URL(source.url).host}|${source.eventId}` : `hash|${String(event.name).toLowerCase()}|${String(event.startDate)}`;
    const error = validate(event) ?? this.options.rejectItem?.(event);
    if (error) {
      this.rejected.add(key);
      return { index, status: 'failed', error };
    }
    const existing = this.events.get(key);
    if (existing) return { index, status: 'duplicate', event_id: existing.eventId };
    const eventId = this.newEventId(this.clock.now());
    this.events.set(key, { eventId, event });
    return { index, status: 'created', event_id: eventId };
  }

  private status(batchId: string): MemoryReply {
    this.counts.statusPolls++;
    const results = this.batches.get(batchId);
    if (!results || results === 'processing') return problem(404, 'not-found', 'Batch not found or still processing');
    const count = (s: string) => results.filter((r) => r.status === s).length;
    return json(200, {
      '@type': 'BatchSubmissionResult',
      batch_id: batchId,
      status: 'completed',
      completed_at: new Date(this.clock.now()).toISOString(),
      total: results.length,
      created: count('created'),
      failed: count('failed'),
      duplicates: count('duplicate'),
      results,
    });
  }

  private takeToken(): boolean {
    const limit = this.options.rateLimitPerMinute ?? 0;
    if (limit <= 0) return true;
    const now = this.clock.now();
    this.tokens = Math.min(this.options.rateLimitBurst ?? limit, this.tokens + ((now - this.refilledAt) * limit) / 60_000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The per-item rules of validation.go that a scraper can break, with the server's wording. */
function validate(event: Record<string, unknown>): string | undefined {
  if (typeof event.name !== 'string' || event.name.trim() === '') return 'invalid name: required';
  if (typeof event.startDate !== 'string' || !RFC3339.test(event.startDate)) return 'invalid startDate: invalid date-time';
  if (event.endDate !== undefined && (typeof event.endDate !== 'string' || !RFC3339.test(event.endDate))) return 'invalid endDate: invalid date-time';
  const location = event.location as { name?: string } | undefined;
  const virtual = event.virtualLocation as { url?: string } | undefined;
  if (!location && !virtual) return 'invalid location: location or virtualLocation required';
  if (location && !location.name) return 'invalid location.name: required';
  const source = event.source as { url?: string; eventId?: string } | undefined;
  if (source?.url && !source.eventId) return 'invalid source.eventId: required';
  for (const field of ['url', 'image'] as const) {
    const value = event[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^https?:\/\//.test(value)) return `invalid ${field}: must be http(s)`;
    if (/(^|\.)example\.com$/.test(new URL(value).hostname)) return `invalid ${field}: reserved test domain`;
  }
  if (event.license !== undefined && !/creativecommons\.org\/publicdomain\/zero\/1\.0\/?$|^cc0(-1\.0)?$/i.test(String(event.license)))
    return 'invalid license: must be CC0';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(status: number, body: unknown): MemoryReply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function problem(status: number, slug: string, title: string, detail?: string, headers: Record<string, string> = {}): MemoryReply {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify({ type: `https://sel.events/problems/${slug}`, title, status, ...(detail ? { detail } : {}) }),
  };
}

function unauthorized(instance: string): MemoryReply {
  return {
    status: 401,
    headers: { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' },
    body: JSON.stringify({ type: 'https://sel.events/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'Unauthorized', instance }),
  };
}
