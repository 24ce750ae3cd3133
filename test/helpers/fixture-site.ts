import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listenOnLoopback } from './loopback.ts';

export interface SitePage {
  status?: number;
  headers?: Record<string, string>;
  body: string | Buffer;
  /** Answer after this long (for timeout tests). */
  delayMs?: number;
}

/** A web site on 127.0.0.1 serving fixed pages by path; it records every path requested. */
export class FixtureSite {
  readonly hits: string[] = [];
  private server: Server | undefined;

  constructor(private readonly pages: Record<string, SitePage>) {}

  get origin(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.hits.push(path);
      const page = this.pages[path];
      const answer = () => {
        if (!page) {
          res.writeHead(404, { 'content-type': 'text/html' });
          res.end('<h1>Not found</h1>');
          return;
        }
        res.writeHead(page.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...page.headers });
        res.end(page.body);
      };
      if (page?.delayMs) setTimeout(answer, page.delayMs);
      else answer();
    });
    await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
