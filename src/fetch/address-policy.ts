import { isIP } from 'node:net';
import { parseHttpUrl } from '../http-url.ts';

/**
 * Addresses a URL handed to us by a page, feed, sitemap or redirect may not lead to: the network
 * the runner itself is in (loopback, private ranges, link-local with the cloud metadata service
 * at 169.254.169.254, CGNAT) and addresses that are not hosts at all (unspecified, multicast,
 * reserved, documentation). Pure: the browser's routing and the HTTP client both ask it.
 */
const FORBIDDEN_V4: readonly [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8 private
  [0x64400000, 10], // 100.64/10 CGNAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local, cloud metadata
  [0xac100000, 12], // 172.16/12 private
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0000200, 24], // 192.0.2/24 documentation
  [0xc0a80000, 16], // 192.168/16 private
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // 198.51.100/24 documentation
  [0xcb007100, 24], // 203.0.113/24 documentation
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved, broadcast
];

export function isForbiddenAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const kind = isIP(ip);
  if (kind === 4) return forbiddenV4(ipv4Number(ip));
  if (kind === 6) return forbiddenV6(ipv6Groups(ip));
  return false;
}

function ipv4Number(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function forbiddenV4(n: number): boolean {
  return FORBIDDEN_V4.some(([base, bits]) => n >>> (32 - bits) === base >>> (32 - bits));
}

/** The eight 16-bit groups of an IPv6 address (an embedded dotted IPv4 tail included). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = ipv4Number(dotted[1] ?? '');
    text = text.slice(0, dotted.index) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function forbiddenV6(g: number[]): boolean {
  const [a = 0, b = 0, , , , f = 0, gg = 0, h = 0] = g;
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return true; // :: unspecified
  if (zeroTo(7) && h === 1) return true; // ::1 loopback
  const v4 = ((gg << 16) | h) >>> 0;
  if (zeroTo(5) && f === 0xffff) return forbiddenV4(v4); // ::ffff:a.b.c.d mapped
  if (zeroTo(6)) return forbiddenV4(v4); // ::a.b.c.d compatible (deprecated)
  if (a === 0x64 && b === 0xff9b) return forbiddenV4(v4); // 64:ff9b::/96 NAT64 of an IPv4 address
  if (a === 0x2002) return forbiddenV4(((b << 16) | (g[2] ?? 0)) >>> 0); // 6to4 wraps an IPv4 address
  if ((a & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((a & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((a & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((a & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  if (a === 0x2001 && b === 0x0db8) return true; // 2001:db8::/32 documentation
  return false;
}

/** A hostname as URL parsing gives it: IPv6 literals lose their brackets. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * What one source config names, which decides two things for every URL it fetches: whether
 * credentials (its headers, tokens, URL user information) may go there (only to the origins it
 * names), and whether the URL may reach a private or special address (only on the hosts it
 * names: a staging site on the LAN, or 127.0.0.1 in tests, is the config's own choice; a link
 * or redirect to one is a page's).
 */
export class UrlPolicy {
  private readonly origins = new Set<string>();
  private readonly hosts = new Set<string>();

  constructor(namedUrls: Iterable<string>) {
    for (const raw of namedUrls) {
      const url = parseHttpUrl(raw);
      if (!url) continue;
      this.origins.add(url.origin);
      this.hosts.add(bareHostname(url));
    }
  }

  /** Credentials may be sent to this URL. */
  namesOrigin(url: string | URL): boolean {
    const parsed = typeof url === 'string' ? parseHttpUrl(url) : url;
    return parsed !== undefined && this.origins.has(parsed.origin);
  }

  /** The URL's host is one the config names, so it may resolve to any address. */
  namesHost(url: string | URL): boolean {
    const parsed = typeof url === 'string' ? parseHttpUrl(url) : url;
    return parsed !== undefined && this.hosts.has(bareHostname(parsed));
  }

  /**
   * Why this URL may not be fetched when its host is an address literal of the forbidden kind
   * and the config does not name it; undefined otherwise (hostnames are checked once resolved).
   */
  literalRefusal(url: string | URL): string | undefined {
    const parsed = typeof url === 'string' ? parseHttpUrl(url) : url;
    if (!parsed || this.namesHost(parsed)) return undefined;
    const host = bareHostname(parsed);
    return isForbiddenAddress(host) ? forbiddenReason(parsed.href, host) : undefined;
  }
}

export function forbiddenReason(url: string, address: string, hostname?: string): string {
  const via = hostname && hostname !== address ? `${hostname} resolves to ${address}` : address;
  return `refused ${url}: ${via} is a private, loopback, link-local or special address, and the source config does not name this host`;
}
