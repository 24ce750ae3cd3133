import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { SelScraperError } from '../errors.ts';
import { bareHostname, forbiddenReason, isForbiddenAddress, type UrlPolicy } from './address-policy.ts';

/** Name resolution, injected so tests decide what a hostname resolves to without a DNS server. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: ResolveHost = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** How long a host's addresses are reused; the OS resolver and DNS caches keep records for as long. */
const RESOLVED_TTL_MS = 30_000;
const RESOLVED_MAX_HOSTS = 1024;

/**
 * The addresses of each host, looked up once for a short while: every request to a host a
 * config does not name is checked before it leaves and again when its connection opens, and
 * each lookup takes a thread of libuv's small pool. The connection then goes to an address
 * that was checked, so reusing a lookup gives DNS rebinding nothing. A failed lookup is not kept.
 */
export function cachingResolve(resolve: ResolveHost, now: () => number): ResolveHost {
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

export function forbiddenAddressError(reason: string): SelScraperError {
  return new SelScraperError('ERR_FETCH_FORBIDDEN_ADDRESS', reason, {
    hint: 'a page, sitemap or redirect pointed into a private network; if the source really lives there, name that host in the source config (url, urls, sitemap.url or the endpoint)',
  });
}

/**
 * Refuses a URL the policy does not name when its host is, or resolves to, a forbidden address.
 * Asked before robots.txt and the host gate, so a hostile link costs no request at all; the
 * guarded dispatcher checks again at connect time, where DNS rebinding cannot get past it.
 */
export async function assertAddressAllowed(url: string, policy: UrlPolicy | undefined, resolve: ResolveHost | undefined): Promise<void> {
  if (!policy) return;
  const parsed = new URL(url);
  if (policy.namesHost(parsed)) return;
  const literal = policy.literalRefusal(parsed);
  if (literal) throw forbiddenAddressError(literal);
  if (!resolve) return;
  const host = bareHostname(parsed);
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    // An unresolvable host fails when it is fetched, with the resolver's own error.
    return;
  }
  const bad = addresses.find((a) => isForbiddenAddress(a.address));
  if (bad) throw forbiddenAddressError(forbiddenReason(parsed.href, bad.address, host));
}

/** A net.connect lookup that fails when any address of the host is forbidden. */
function guardedLookup(resolve: ResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        const bad = addresses.find((a) => isForbiddenAddress(a.address));
        if (bad) return callback(forbiddenAddressError(forbiddenReason(hostname, bad.address, hostname)), '', 0);
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
 * An agent for URLs a page handed us: its connections only open to public addresses, whatever
 * DNS says at the moment of connecting; address literals are checked before any socket.
 */
export function createGuardedAgent(resolve: ResolveHost, tls: { rejectUnauthorized?: boolean } = {}): Dispatcher {
  const connector = buildConnector({ lookup: guardedLookup(resolve), ...tls });
  return new Agent({
    connections: 8,
    connect: (options, callback) => {
      const host = options.hostname.replace(/^\[|\]$/g, '');
      if (isForbiddenAddress(host)) {
        callback(forbiddenAddressError(forbiddenReason(`${options.protocol}//${options.host}`, host)), null);
        return;
      }
      connector(options, callback);
    },
  });
}
