import { isHttpUrl } from '../http-url.ts';

/** Hosts SEL's server refuses in an event's url or image (validation.go AllowTestDomains). */
function isReservedTestHost(hostname: string): boolean {
  return hostname === 'example.com' || hostname.endsWith('.example.com');
}

export type UrlResult = { ok: true; value: string } | { ok: false; reason: string };

/** An absolute http(s) URL from what a page wrote, resolved against the page it was on. */
export function absoluteHttpUrl(value: string | undefined, base: string): UrlResult | undefined {
  const parsed = parseHttpUrl(value, base);
  return parsed?.ok ? { ok: true, value: parsed.url.href } : parsed;
}

/** As absoluteHttpUrl, and refused when SEL's server would reject the whole event for it. */
export function publishableUrl(value: string | undefined, base: string): UrlResult | undefined {
  const parsed = parseHttpUrl(value, base);
  if (!parsed?.ok) return parsed;
  if (isReservedTestHost(parsed.url.hostname)) {
    return { ok: false, reason: `SEL rejects events linking to the reserved test domain: "${parsed.url.href}"` };
  }
  return { ok: true, value: parsed.url.href };
}

/** Parsed once, so checks on the URL need no second parse of its text. */
function parseHttpUrl(value: string | undefined, base: string): { ok: true; url: URL } | { ok: false; reason: string } | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim(), base);
  } catch {
    return { ok: false, reason: `not a URL: "${value}"` };
  }
  if (!isHttpUrl(url)) return { ok: false, reason: `not an http(s) URL: "${value}"` };
  return { ok: true, url };
}

export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return url;
  }
}
