import { BlockList, isIP } from 'node:net';

/**
 * Addresses a URL handed to us by a page (not named by the config) may not reach: this host,
 * private and shared networks, link-local (cloud metadata at 169.254.169.254), multicast and
 * unspecified addresses. SEL's browser refuses the same ranges.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
/** The same mapping as URLs write it: [::ffff:127.0.0.1] becomes [::ffff:7f00:1]. */
const MAPPED_IPV4_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

function mappedIpv4(ip: string): string | undefined {
  const dotted = MAPPED_IPV4.exec(ip)?.[1];
  if (dotted) return dotted;
  const hex = MAPPED_IPV4_HEX.exec(ip);
  if (!hex) return undefined;
  const high = parseInt(hex[1] ?? '0', 16);
  const low = parseInt(hex[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether `ip` (v4 or v6, IPv4-mapped included) is one a page may not steer the runner to. */
export function isForbiddenAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  const mapped = mappedIpv4(bare);
  if (mapped) return FORBIDDEN.check(mapped, 'ipv4');
  const family = isIP(bare);
  if (family === 4) return FORBIDDEN.check(bare, 'ipv4');
  if (family === 6) return FORBIDDEN.check(bare, 'ipv6');
  return false;
}
