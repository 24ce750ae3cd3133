import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { describeError, siteUnreachable, SiteUnreachableError } from '../errors.ts';
import { parseHttpUrl } from '../http-url.ts';
import { bareHostname } from './address-policy.ts';
import { startDeadline } from './deadline.ts';
import type { FetchRequest, HttpClient } from './http-client.ts';

/** Name resolution, injected so tests decide what a hostname resolves to without a DNS server. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: ResolveHost = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** How long a host's addresses are reused; the OS resolver and DNS caches keep records for as long. */
const RESOLVED_TTL_MS = 30_000;
const RESOLVED_MAX_HOSTS = 1024;

/**
 * The addresses of each host, looked up once for a short while and shared by everything that
 * asks: the check of a request's host before it starts, the private-address check of a host a
 * config does not name, and the agent's connections, each lookup otherwise taking a thread of
 * libuv's small pool. A connection then goes to an address that was checked, so reusing a lookup
 * gives DNS rebinding nothing. A failed lookup is not kept.
 */
export function cachingResolve(resolve: ResolveHost, now: () => number = Date.now): ResolveHost {
  const known = new Map<string, { at: number; addresses: Promise<LookupAddress[]> }>();
  return (hostname) => {
    const host = hostname.toLowerCase();
    const cached = known.get(host);
    if (cached && now() - cached.at < RESOLVED_TTL_MS) return cached.addresses;
    if (known.size >= RESOLVED_MAX_HOSTS) known.clear();
    const addresses = resolve(host);
    const entry = { at: now(), addresses };
    known.set(host, entry);
    addresses.catch(() => {
      if (known.get(host) === entry) known.delete(host);
    });
    return addresses;
  };
}

/**
 * A net.connect lookup that answers from `resolve` (the run's cached resolver), so a connection
 * opens to addresses already looked up; `refuse` may turn a host's addresses into an error.
 */
export function lookupFrom(resolve: ResolveHost, refuse?: (hostname: string, addresses: LookupAddress[]) => Error | undefined): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refusal = refuse?.(hostname, addresses);
        if (refusal) return callback(refusal, '', 0);
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (usable.length === 0) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
        const first = usable[0] as LookupAddress;
        return callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}

/**
 * How long a host name may take to resolve before its site counts as unreachable. Lookups queue
 * behind each other when a resolver is slow or drops queries (80 lookups at once took 5-15 s
 * each on a build host whose single lookups failed at once), so this is
 * waited outside the request's own time, which then counts from an address to connect to.
 */
const DNS_DEADLINE_MS = 30_000;

/**
 * Every request's host is resolved before the request starts (through `resolve`, shared with the
 * agent's connections, so it is looked up once): a name that does not resolve, or not in time,
 * is "site unreachable", not a timeout of the request (a robots.txt fetch timing out on DNS read
 * as "robots.txt could not be read", and the site as one that refuses us).
 */
export function resolvingFirst(inner: HttpClient, resolve: ResolveHost, deadlineMs = DNS_DEADLINE_MS): HttpClient {
  return {
    async fetchDocument(req: FetchRequest) {
      await assertResolvable(req.url, resolve, deadlineMs, req.signal);
      return inner.fetchDocument(req);
    },
  };
}

async function assertResolvable(url: string, resolve: ResolveHost, deadlineMs: number, signal: AbortSignal | undefined): Promise<void> {
  const parsed = parseHttpUrl(url);
  if (!parsed) return; // Not an http(s) URL: the request fails with its own error.
  const hostname = bareHostname(parsed);
  if (isIP(hostname)) return;
  const deadline = startDeadline(deadlineMs, signal);
  const ended = new Promise<never>((_, reject) => deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason as Error), { once: true }));
  try {
    await Promise.race([resolve(hostname), ended]);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (deadline.expired) throw new SiteUnreachableError(`no DNS answer for the host name ${hostname} within ${deadlineMs / 1000} s`);
    throw (
      siteUnreachable((error as NodeJS.ErrnoException).code, parsed, error) ??
      new SiteUnreachableError(`cannot resolve the host name ${hostname} (${describeError(error)})`, { cause: error })
    );
  } finally {
    deadline.dispose();
  }
}
