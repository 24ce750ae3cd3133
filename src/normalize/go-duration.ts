/** Go duration strings such as "720h" or "1h30m"; SEL fails every event of a source on a bad one. */
export function parseGoDuration(value: string): number | undefined {
  const match = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(value);
  if (!match) return undefined;
  const unitNs: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  for (const part of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (unitNs[part[2] ?? 's'] ?? 0);
  }
  return total;
}
