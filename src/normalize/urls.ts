/** Hosts SEL's server refuses in an event's url or image (validation.go AllowTestDomains). */
function isReservedTestHost(hostname: string): boolean {
  return hostname === 'example.com' || hostname.endsWith('.example.com');
}

export type UrlResult = { ok: true; value: string } | { ok: false; reason: string };

/** An absolute http(s) URL from what a page wrote, resolved against the page it was on. */
export function absoluteHttpUrl(value: string | undefined, base: string): UrlResult | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim(), base);
  } catch {
    return { ok: false, reason: `not a URL: "${value}"` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `not an http(s) URL: "${value}"` };
  return { ok: true, value: url.href };
}

/** As absoluteHttpUrl, and refused when SEL's server would reject the whole event for it. */
export function publishableUrl(value: string | undefined, base: string): UrlResult | undefined {
  const result = absoluteHttpUrl(value, base);
  if (result?.ok && isReservedTestHost(new URL(result.value).hostname)) {
    return { ok: false, reason: `SEL rejects events linking to the reserved test domain: "${result.value}"` };
  }
  return result;
}

export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return url;
  }
}
