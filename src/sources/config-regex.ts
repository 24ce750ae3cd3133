import { RE2JS } from 're2js';
import { describeError } from '../errors.ts';

/**
 * A pattern from a source config, compiled. Matching takes time linear in the text whatever the
 * pattern: configs are written by people we do not control, and a backtracking engine would let
 * one of them (`(a+)+$`) freeze the event loop, where no timeout or signal can reach it.
 */
export interface ConfigMatcher {
  /** Whether the pattern matches the text (anywhere in it for a regex, as Go's MatchString). */
  test(text: string): boolean;
  /** The pattern as written in the config, for messages. */
  readonly source: string;
}

export type CompiledPattern = { ok: true; matcher: ConfigMatcher } | { ok: false; problem: string; hint: string };

const GO_SYNTAX_HINT = "SEL reads this with Go's regexp (RE2): no lookahead, lookbehind or backreferences; (?i) sets case-insensitive";

/**
 * A regular expression in the dialect SEL's Go accepts (RE2), compiled with a linear-time RE2
 * engine; a pattern Go refuses gets Go's own message, such as "error parsing regexp: invalid or
 * unsupported Perl syntax: `(?=`".
 */
export function compileConfigRegex(pattern: string): CompiledPattern {
  try {
    const regex = RE2JS.compile(pattern);
    return { ok: true, matcher: { source: pattern, test: (text) => regex.test(text) } };
  } catch (error) {
    return { ok: false, problem: describeError(error), hint: GO_SYNTAX_HINT };
  }
}

/** SEL's wording for a pattern Go's regexp refuses. */
export function invalidRegexMessage(field: string, problem: string): string {
  return `${field}: invalid Go regex: ${problem}`;
}

/** Which sitemap URLs a sitemap source reads: those matching filter_pattern and not exclude_pattern. */
export function compileSitemapFilter(sitemap: { filter_pattern?: string | undefined; exclude_pattern?: string | undefined }): CompiledPattern {
  const include = compileConfigRegex(sitemap.filter_pattern ?? '');
  if (!include.ok) return { ...include, problem: invalidRegexMessage('sitemap.filter_pattern', include.problem) };
  const exclude = sitemap.exclude_pattern ? compileConfigRegex(sitemap.exclude_pattern) : undefined;
  if (exclude && !exclude.ok) return { ...exclude, problem: invalidRegexMessage('sitemap.exclude_pattern', exclude.problem) };
  const source = exclude ? `${include.matcher.source} and not ${exclude.matcher.source}` : include.matcher.source;
  return { ok: true, matcher: { source, test: (url) => include.matcher.test(url) && !(exclude?.matcher.test(url) ?? false) } };
}

/**
 * `event_url_pattern` (a field SEL stores but never reads): a pattern starting with `^` is a
 * regular expression tested against the whole URL; anything else is a glob over the whole URL,
 * or over path + query when it starts with `/`, where `*` is any run of characters and `?` one.
 */
export function compileEventUrlPattern(pattern: string): CompiledPattern {
  const trimmed = pattern.trim();
  if (trimmed.startsWith('^')) return compileConfigRegex(trimmed);
  const glob = RE2JS.compile(
    `^${trimmed
      .split(/([*?])/)
      .map(globPart)
      .join('')}$`,
    RE2JS.DOTALL,
  );
  const onPath = trimmed.startsWith('/');
  return {
    ok: true,
    matcher: {
      source: pattern,
      test: (url) => {
        if (!onPath) return glob.test(url);
        const parsed = new URL(url);
        return glob.test(parsed.pathname + parsed.search);
      },
    },
  };
}

function globPart(part: string): string {
  if (part === '*') return '.*';
  if (part === '?') return '.';
  return RE2JS.quote(part);
}
