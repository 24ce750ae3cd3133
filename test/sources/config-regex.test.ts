import { describe, expect, it } from 'vitest';
import { compileConfigRegex, compileEventUrlPattern, compileSitemapFilter, type CompiledPattern } from '../../src/sources/config-regex.ts';

function matcher(compiled: CompiledPattern) {
  if (!compiled.ok) throw new Error(`expected the pattern to compile: ${compiled.problem}`);
  return compiled.matcher;
}

function problem(compiled: CompiledPattern): string {
  if (compiled.ok) throw new Error(`expected the pattern to be refused: ${compiled.matcher.source}`);
  return compiled.problem;
}

// A backtracking engine takes 2^n steps on these; RE2 answers in one pass. If the engine under
// the matcher ever backtracks again, these tests hang until vitest's timeout instead of passing.
const longUrl = `https://venue.test/${'a'.repeat(10_000)}!`;

describe('regular expressions from configs (Go RE2 dialect, linear time)', () => {
  it('answers (a+)+$ against a 10,000-character URL', () => {
    expect(matcher(compileConfigRegex('(a+)+$')).test(longUrl)).toBe(false);
    expect(matcher(compileConfigRegex('/(a+)+$')).test(`https://venue.test/${'a'.repeat(10_000)}`)).toBe(true);
  });

  it('matches anywhere in the text, as Go MatchString and a sitemap filter expect', () => {
    const events = matcher(compileConfigRegex('/events/.+'));
    expect(events.test('https://venue.test/events/gala')).toBe(true);
    expect(events.test('https://venue.test/events/')).toBe(false);
  });

  it('reads (?i) as Go does: case-insensitive from there on', () => {
    const shows = matcher(compileConfigRegex('(?i)/SHOWS/'));
    expect(shows.test('https://venue.test/shows/hamlet')).toBe(true);
    expect(shows.test('https://venue.test/Shows/hamlet')).toBe(true);
  });

  it('refuses lookbehind, lookahead and backreferences with Go’s own messages', () => {
    expect(problem(compileConfigRegex('(?<=/events/)gala'))).toBe('error parsing regexp: invalid named capture: `(?<=/events/)gala`');
    expect(problem(compileConfigRegex('/events/(?!archive)'))).toBe('error parsing regexp: invalid or unsupported Perl syntax: `(?!`');
    expect(problem(compileConfigRegex(String.raw`/(\w+)/\1`))).toBe('error parsing regexp: invalid escape sequence: `\\1`');
  });

  it('explains the dialect in the hint of a refused pattern', () => {
    const compiled = compileConfigRegex('a(?=b)');
    expect(!compiled.ok && compiled.hint).toMatch(/RE2.*lookahead, lookbehind or backreferences/);
  });
});

describe('sitemap filters', () => {
  it('keeps URLs that match filter_pattern and not exclude_pattern', () => {
    const filter = matcher(compileSitemapFilter({ filter_pattern: '/events/', exclude_pattern: '(?i)/ARCHIVE/' }));
    expect(filter.test('https://venue.test/events/a')).toBe(true);
    expect(filter.test('https://venue.test/events/archive/a')).toBe(false);
    expect(filter.test('https://venue.test/news/a')).toBe(false);
  });

  it('names the field whose pattern Go refuses, in SEL’s words', () => {
    expect(problem(compileSitemapFilter({ filter_pattern: '/events/', exclude_pattern: '(?<!x)' }))).toBe(
      'sitemap.exclude_pattern: invalid Go regex: error parsing regexp: invalid named capture: `(?<!x)`',
    );
  });
});

describe('event_url_pattern', () => {
  it('reads a path glob over path and query, * being any run and ? one character', () => {
    const glob = matcher(compileEventUrlPattern('/calendar/*'));
    expect(glob.test('https://venue.test/calendar/a?x=1')).toBe(true);
    expect(glob.test('https://venue.test/shop/calendar/a')).toBe(false);
    expect(matcher(compileEventUrlPattern('/e/?')).test('https://venue.test/e/7')).toBe(true);
    expect(matcher(compileEventUrlPattern('/e/?')).test('https://venue.test/e/77')).toBe(false);
  });

  it('reads regex characters in a glob literally', () => {
    const glob = matcher(compileEventUrlPattern('/a.b(c)/*'));
    expect(glob.test('https://venue.test/a.b(c)/1')).toBe(true);
    expect(glob.test('https://venue.test/axb(c)/1')).toBe(false);
  });

  it('reads a glob that does not start with / over the whole URL', () => {
    expect(matcher(compileEventUrlPattern('https://venue.test/e/*')).test('https://venue.test/e/1')).toBe(true);
    expect(matcher(compileEventUrlPattern('https://venue.test/e/*')).test('https://other.test/e/1')).toBe(false);
  });

  it('answers a glob of many stars against a long URL in one pass', () => {
    expect(matcher(compileEventUrlPattern('/*a*a*a*a*a*a*a*a*a*a*b')).test(longUrl)).toBe(false);
  });

  it('reads a pattern starting with ^ as a Go regular expression', () => {
    expect(matcher(compileEventUrlPattern(String.raw`^https://venue\.test/e/\d+$`)).test('https://venue.test/e/12')).toBe(true);
    expect(problem(compileEventUrlPattern('^https://venue.test/(?=e)'))).toMatch(/^error parsing regexp: /);
  });
});
