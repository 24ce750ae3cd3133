import type { LookupAddress } from 'node:dns';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { SelScraperError } from '../errors.ts';
import { bareHostname, forbiddenReason, isForbiddenAddress, type UrlPolicy } from './address-policy.ts';
import { lookupFrom, type ResolveHost } from './host-resolution.ts';

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

/**
 * An agent for URLs a page handed us: its connections only open to public addresses, whatever
 * DNS says at the moment of connecting; address literals are checked before any socket.
 */
export function createGuardedAgent(resolve: ResolveHost, tls: { rejectUnauthorized?: boolean } = {}): Dispatcher {
  const connector = buildConnector({
    lookup: lookupFrom(resolve, (hostname, addresses) => {
      const bad = addresses.find((a) => isForbiddenAddress(a.address));
      return bad ? forbiddenAddressError(forbiddenReason(hostname, bad.address, hostname)) : undefined;
    }),
    ...tls,
  });
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
