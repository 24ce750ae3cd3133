import type { SourceFile } from './schema.ts';

/** Every URL a config names itself: the hosts and origins it vouches for. */
export function namedUrls(source: Pick<SourceFile, 'url' | 'urls' | 'sitemap' | 'rest' | 'graphql'>): string[] {
  return [source.url, ...(source.urls ?? []), source.sitemap?.url, source.rest?.endpoint, source.graphql?.endpoint].filter((u): u is string => !!u);
}

/**
 * User information in a config's URLs (`https://user:pass@host/…`) becomes Basic auth for that
 * origin, as curl makes it, and leaves the URLs: they reach events (`source.url`), reports and
 * messages, where a password must not. Returns the config with clean URLs and the Authorization
 * value per origin.
 */
export function splitUserinfo(file: SourceFile): { file: SourceFile; originAuth: Record<string, string> } {
  const originAuth: Record<string, string> = {};
  const clean = (raw: string): string => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return raw;
    }
    if (!url.username && !url.password) return raw;
    const credentials = `${decode(url.username)}:${decode(url.password)}`;
    originAuth[url.origin] ??= `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    url.username = '';
    url.password = '';
    return url.href;
  };
  const out: SourceFile = { ...file };
  if (file.url !== undefined) out.url = clean(file.url);
  if (file.urls) out.urls = file.urls.map(clean);
  if (file.sitemap?.url !== undefined) out.sitemap = { ...file.sitemap, url: clean(file.sitemap.url) };
  if (file.rest?.endpoint !== undefined) out.rest = { ...file.rest, endpoint: clean(file.rest.endpoint) };
  if (file.graphql?.endpoint !== undefined) out.graphql = { ...file.graphql, endpoint: clean(file.graphql.endpoint) };
  return { file: out, originAuth };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
