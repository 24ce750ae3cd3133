import { SelScraperError } from './errors.ts';

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

/**
 * A SEL server's base URL as given (a flag or SEL_SERVER_URL), checked for every command that
 * talks to one: http(s), and without /api/v1, which every request adds itself (a URL that has it
 * already would reach /api/v1/api/v1/… and a bare 404).
 */
export function serverBaseUrl(serverUrl: string): string {
  const url = parseHttpUrl(serverUrl);
  if (!url) {
    throw new SelScraperError('ERR_USAGE', `SEL server URL is not an http(s) URL: "${serverUrl}"`, { hint: 'for example https://toronto.togather.foundation' });
  }
  if (/\/api\/v1\/?$/i.test(url.pathname)) {
    const base = url.origin + url.pathname.replace(/\/api\/v1\/?$/i, '');
    throw new SelScraperError('ERR_USAGE', `SEL server URL ends in /api/v1: "${serverUrl}"`, {
      hint: `give the server's base URL, without /api/v1: --server ${base} (or SEL_SERVER_URL=${base})`,
    });
  }
  return serverUrl;
}
