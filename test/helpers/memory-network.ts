import { Dispatcher, errors } from 'undici';

export interface MemoryRequest {
  method: string;
  url: URL;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** Aborted when the client gives up on the request. */
  signal: AbortSignal;
}

/** An answer, or `drop`: the connection closes before any answer (the client sees a socket error). */
export type MemoryReply = { status: number; headers?: Record<string, string>; body?: string | Buffer } | 'drop';

export type MemoryHandler = (request: MemoryRequest) => MemoryReply | Promise<MemoryReply>;

/**
 * A network without sockets for in-process runs: each origin is a handler function, answered
 * through undici's own request and fetch (so redirects, bodies, aborts and errors take the code
 * paths of the real network). An origin nobody serves refuses the connection. With no socket
 * anywhere, a VirtualClock can tell when a run is idle and move time on.
 */
export class MemoryNetwork extends Dispatcher {
  private readonly origins = new Map<string, MemoryHandler>();

  serve(origin: string, handler: MemoryHandler): void {
    this.origins.set(new URL(origin).origin, handler);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const controller = new AbortController();
    let done = false;
    const fail = (error: Error) => {
      if (done) return;
      done = true;
      handler.onError?.(error);
    };
    handler.onConnect?.((error?: Error) => {
      controller.abort(error);
      fail(error ?? new errors.RequestAbortedError());
    });
    if (done) return true;
    void this.answer(options, controller.signal).then(
      (reply) => {
        if (done) return;
        if (reply === 'drop') return fail(new errors.SocketError('other side closed'));
        const headers = Object.entries({ 'content-type': 'text/html; charset=utf-8', ...reply.headers }).flatMap(([name, value]) => [
          Buffer.from(name),
          Buffer.from(value),
        ]);
        handler.onHeaders?.(reply.status, headers, () => undefined, '');
        if (done) return;
        if (reply.body !== undefined && reply.body.length > 0) handler.onData?.(Buffer.from(reply.body));
        done = true;
        handler.onComplete?.([]);
      },
      (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
    );
    return true;
  }

  override async close(): Promise<void> {
    this.origins.clear();
  }

  override async destroy(): Promise<void> {
    this.origins.clear();
  }

  private async answer(options: Dispatcher.DispatchOptions, signal: AbortSignal): Promise<MemoryReply> {
    const url = new URL(options.path, options.origin);
    const serve = this.origins.get(url.origin);
    if (!serve) throw Object.assign(new Error(`connect ECONNREFUSED ${url.host}`), { code: 'ECONNREFUSED' });
    const body = await readBody(options.body);
    return serve({ method: options.method, url, headers: headerRecord(options.headers), body, signal });
  }
}

async function readBody(body: Dispatcher.DispatchOptions['body']): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function headerRecord(headers: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (!headers) return record;
  const pairs: [string, unknown][] = Array.isArray(headers)
    ? Array.from({ length: headers.length / 2 }, (_, i) => [String(headers[2 * i]), headers[2 * i + 1]])
    : Symbol.iterator in headers
      ? [...(headers as Iterable<[string, unknown]>)]
      : Object.entries(headers);
  for (const [name, value] of pairs) if (value !== undefined) record[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  return record;
}
