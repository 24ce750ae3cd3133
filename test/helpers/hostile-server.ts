import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.ts';

/** What a hostile answer did: how much of it was written before the client hung up. */
export interface StreamedAnswer {
  bytesWritten: number;
  /** The client closed the connection before the whole answer was written. */
  cutShort: boolean;
}

/**
 * A server on 127.0.0.1 whose answers a test decides per request; `huge` streams a JSON-ish body
 * of `bytes` bytes in 64 KiB chunks, honouring backpressure, and records whether the client
 * stopped reading it.
 */
export class HostileServer {
  private server: Server | undefined;
  readonly streamed: StreamedAnswer[] = [];
  url = '';

  constructor(private readonly answer: (req: IncomingMessage, res: ServerResponse, server: HostileServer) => void | Promise<void>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.answer(req, res, this));
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  async huge(res: ServerResponse, bytes: number, status = 200): Promise<void> {
    const record: StreamedAnswer = { bytesWritten: 0, cutShort: false };
    this.streamed.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.cutShort = true;
    });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.write('{"title":"');
    const chunk = Buffer.alloc(64 * 1024, 'x');
    while (record.bytesWritten < bytes && !res.destroyed) {
      record.bytesWritten += chunk.byteLength;
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    if (!res.destroyed) res.end('"}');
  }
}

/** Resolves when `res` can take more, or is gone; leaves no listener behind. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
