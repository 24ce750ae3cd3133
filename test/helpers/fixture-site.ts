import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../src/clock.ts';
import { closeServer, listenOnLoopback } from './loopback.ts';
import type { MemoryNetwork, MemoryReply } from './memory-network.ts';

export interface SitePage {
  status?: number;
  headers?: Record<string, string>;
  body: string | Buffer;
  /** Answer after this long on the site's clock (for timeout tests). */
  delayMs?: number;
}

/**
 * A web site serving fixed pages by path; it records every path requested. Served on 127.0.0.1
 * (`start`) for a spawned CLI, or on a MemoryNetwork (`serveOn`) for an in-process run, where
 * `clock` (a VirtualClock) times its slow pages.
 */
export class FixtureSite {
  readonly hits: string[] = [];
  private server: Server | undefined;
  private served: string | undefined;

  constructor(
    private readonly pages: Record<string, SitePage>,
    private readonly clock: Clock = systemClock,
  ) {}

  get origin(): string {
    return this.served ?? `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const closed = new AbortController();
      res.on('close', () => closed.abort());
      void this.answer(req.url ?? '/', closed.signal).then(
        (reply) => {
          if (reply === 'drop') return void req.socket.destroy();
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body);
        },
        () => undefined,
      );
    });
    await listenOnLoopback(this.server);
    return this;
  }

  serveOn(network: MemoryNetwork, origin = 'http://site.test'): this {
    this.served = origin;
    network.serve(origin, (request) => this.answer(request.url.pathname + request.url.search, request.signal));
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async answer(path: string, signal: AbortSignal): Promise<MemoryReply> {
    this.hits.push(path);
    const page = this.pages[path];
    if (!page) return { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>Not found</h1>' };
    if (page.delayMs) await this.clock.sleep(page.delayMs, signal);
    return { status: page.status ?? 200, headers: { 'content-type': 'text/html; charset=utf-8', ...page.headers }, body: page.body };
  }
}
