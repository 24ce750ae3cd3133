import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface HostPlan {
  /** How long every answer on this host waits before it is sent. */
  latencyMs: number;
  /** Served as robots.txt `Crawl-delay` (seconds) when set. */
  crawlDelayS?: number;
}

/** A page body in parts, so that large shared parts are written without copying. */
export type PageBody = readonly (Buffer | string)[];

/** Answers a path on a host (by index), or undefined for 404. */
export type PageSource = (host: number, path: string) => PageBody | undefined;

export interface HostLog {
  origin: string;
  /** Arrival times (ms, performance.now) of every request but robots.txt. */
  pageHits: number[];
  robotsHits: number;
}

export interface BenchSite {
  origins: string[];
  logs: HostLog[];
  /** True when each host has its own loopback address (so hostname-keyed limits see them apart). */
  distinctAddresses: boolean;
  stop(): Promise<void>;
}

/**
 * A fixture web site spread over many hosts, all on loopback: host i listens on its own address
 * (127.0.x.y) when the system allows it, else on its own port of 127.0.0.1. Pages are made on
 * demand by `pages`, so thousands of 38 KB pages cost no memory here.
 */
export async function startSite(hosts: readonly HostPlan[], pages: PageSource): Promise<BenchSite> {
  const servers: Server[] = [];
  const logs: HostLog[] = [];
  let distinctAddresses = true;
  for (const [index, plan] of hosts.entries()) {
    const log: HostLog = { origin: '', pageHits: [], robotsHits: 0 };
    const server = createServer((req, res) => answer(req, res, index, plan, log, pages));
    server.keepAliveTimeout = 30_000;
    const address = distinctAddresses ? loopbackAddress(index) : '127.0.0.1';
    try {
      await listen(server, address);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL' || index > 0) throw error;
      distinctAddresses = false;
      await listen(server, '127.0.0.1');
    }
    const bound = server.address() as AddressInfo;
    log.origin = `http://${bound.address}:${bound.port}`;
    servers.push(server);
    logs.push(log);
  }
  return {
    origins: logs.map((l) => l.origin),
    logs,
    distinctAddresses,
    async stop() {
      await Promise.all(
        servers.map(async (server) => {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }),
      );
    },
  };
}

function loopbackAddress(index: number): string {
  return `127.0.${1 + Math.floor(index / 250)}.${2 + (index % 250)}`;
}

async function listen(server: Server, address: string): Promise<void> {
  server.listen(0, address);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
}

function answer(req: IncomingMessage, res: ServerResponse, host: number, plan: HostPlan, log: HostLog, pages: PageSource): void {
  const path = req.url ?? '/';
  const isRobots = path === '/robots.txt';
  if (isRobots) log.robotsHits++;
  else log.pageHits.push(performance.now());
  const send = () => {
    if (isRobots) {
      const delay = plan.crawlDelayS === undefined ? '' : `Crawl-delay: ${plan.crawlDelayS}\n`;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`User-agent: *\n${delay}Allow: /\n`);
      return;
    }
    const body = pages(host, path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not found</h1>');
      return;
    }
    const length = body.reduce((sum, part) => sum + (typeof part === 'string' ? Buffer.byteLength(part) : part.byteLength), 0);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': length });
    for (const part of body) res.write(part);
    res.end();
  };
  if (plan.latencyMs > 0) setTimeout(send, plan.latencyMs);
  else send();
}
