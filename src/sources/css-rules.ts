import type { SourceConfig } from './types.ts';

/**
 * Which event URLs `follow_event_urls` may fetch, from `event_url_pattern` (a field SEL stores
 * but never reads). A pattern starting with `^` is a regular expression tested against the
 * whole URL; anything else is a glob over the whole URL, or over path + query when it starts
 * with `/`, where `*` is any run of characters and `?` one character.
 */
export function detailFilter(source: SourceConfig, warnings: string[]): (url: string) => boolean {
  const pattern = source.event_url_pattern?.trim();
  if (!pattern) return () => true;
  if (pattern.startsWith('^')) {
    try {
      const regex = new RegExp(pattern);
      return (url) => regex.test(url);
    } catch (error) {
      warnings.push(`event_url_pattern "${pattern}" is not a valid regular expression (${(error as Error).message}); no event pages are followed`);
      return () => false;
    }
  }
  const glob = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (url) => {
    const parsed = new URL(url);
    return glob.test(pattern.startsWith('/') ? parsed.pathname + parsed.search : url);
  };
}
