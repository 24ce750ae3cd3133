/**
 * Whether a URL is a web address: http and https are the only schemes the scraper fetches,
 * follows, opens in a browser or hands to SEL, so a config or a page cannot point it at
 * file:, data: or javascript: URLs.
 */
export function isHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/** `value` (resolved against `base`) as an http(s) URL; undefined when it is not a URL or has another scheme. */
export function parseHttpUrl(value: string, base?: string | URL): URL | undefined {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return undefined;
  }
  return isHttpUrl(url) ? url : undefined;
}
