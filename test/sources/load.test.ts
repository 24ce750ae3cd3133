import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSourceDirectory, parseSourceFile } from '../../src/sources/load.ts';
import { formatConfigIssue } from '../../src/sources/types.ts';
import { needsReference, referenceMissing, referencePath } from '../helpers/reference.ts';

const options = { defaultTimezone: 'America/Toronto' };
const realConfigs = referencePath('sel-configs');

function issuesOf(yaml: string): string[] {
  return parseSourceFile('src.yaml', yaml, options).issues.map(formatConfigIssue);
}

async function directory(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sel-sources-'));
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

describe('loading SEL source configs', () => {
  it.skipIf(referenceMissing !== undefined)(needsReference('loads all 257 real SEL configs unchanged, with no error'), async () => {
    const loaded = await loadSourceDirectory(realConfigs, options);
    expect(loaded.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(loaded.sources).toHaveLength(257);
    expect(loaded.sources.filter((s) => !s.enabled)).toHaveLength(53);
    const methods = Object.fromEntries(
      ['ics', 'css', 'jsonld', 'headless', 'rest', 'graphql'].map((m) => [m, loaded.sources.filter((s) => s.method === m).length]),
    );
    expect(methods).toEqual({ ics: 66, css: 109, jsonld: 38, headless: 29, rest: 14, graphql: 1 });
  });

  it('applies SEL defaults: enabled, tier 0, trust 5, max_pages 10, schedule manual, the default zone', () => {
    const { config } = parseSourceFile('a.yaml', 'name: a\nurl: https://a.test/\n', options);
    expect(config).toMatchObject({ enabled: true, tier: 0, trust_level: 5, max_pages: 10, schedule: 'manual', timezone: 'America/Toronto', method: 'jsonld' });
  });

  it('points an unknown key at its line and column with a did-you-mean hint', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\nmax_page: 3\n')).toEqual(['src.yaml:3:1: error: unknown key "max_page" (did you mean `max_pages`?)']);
  });

  it('points an unknown nested key at its own line', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\ntier: 1\nselectors:\n  event_list: .e\n  nmae: h2\n')).toEqual([
      'src.yaml:6:3: error: unknown key "selectors.nmae" (did you mean `name`?)',
    ]);
  });

  it('reports a wrong type with the value it found', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\ntrust_level: high\n')).toEqual(['src.yaml:3:14: error: trust_level: expected number, got string "high"']);
  });

  it('reports a bad URL with SEL wording at the value', () => {
    expect(issuesOf('name: a\nurl: "ftp://a.test/"\n')).toEqual(['src.yaml:2:6: error: url: must be a valid http/https URL, got "ftp://a.test/"']);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(issuesOf('name: [a\nurl: b\n')[0]).toMatch(/^src\.yaml:\d+:\d+: error: YAML: /);
  });

  it('refuses an unknown time zone, which SEL would silently read as UTC', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\ntimezone: America/Torono\n')[0]).toMatch(/3:11: error: timezone: unknown IANA time zone "America\/Torono"/);
  });

  it('requires selectors.event_list for tier 1 as SEL does', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\ntier: 1\n')[0]).toMatch(/selectors\.event_list: required for tier 1/);
  });

  it('warns at its position of a CSS selector that cannot be used, jQuery pseudos included, and loads the config as SEL does', () => {
    const yaml =
      'name: a\nurl: https://a.test/\ntier: 1\nselectors:\n  event_list: "div.card"\n  name: "h2::text"\n  location: "p:first"\n  date_selectors: ["span.when", "b["]\n';
    const { config, issues } = parseSourceFile('src.yaml', yaml, options);
    expect(config?.selectors).toMatchObject({ location: 'p:first', date_selectors: ['span.when', 'b['] });
    expect(issues.map(formatConfigIssue)).toEqual([
      expect.stringMatching(
        /^src\.yaml:7:13: warning: selectors\.location "p:first" is not a usable CSS selector \(.*:first.*\); it matches nothing \(.*:first-child/,
      ),
      expect.stringMatching(/^src\.yaml:8:33: warning: selectors\.date_selectors\[1\] "b\[" is not a usable CSS selector/),
    ]);
  });

  it('skips files starting with _ and reports a duplicate name at the second file', async () => {
    const dir = await directory({
      '_example.yaml': 'name: x\n',
      'a.yaml': 'name: same\nurl: https://a.test/\n',
      'b.yaml': 'url: https://b.test/\nname: Same\n',
    });
    const loaded = await loadSourceDirectory(dir, options);
    expect(loaded.sources.map((s) => s.name)).toEqual(['same']);
    expect(loaded.broken.map((b) => b.name)).toEqual(['Same']);
    expect(formatConfigIssue(loaded.issues[0]!)).toMatch(/b\.yaml:2:7: error: duplicate source name "Same" \(already defined in .*a\.yaml\)/);
  });

  it('warns that .yml files are not read, instead of ignoring them silently', async () => {
    const dir = await directory({ 'a.yml': 'name: a\n' });
    const loaded = await loadSourceDirectory(dir, options);
    expect(loaded.sources).toEqual([]);
    expect(loaded.issues[0]).toMatchObject({ severity: 'warning', message: expect.stringContaining('.yaml') });
  });

  it('fails clearly when the directory does not exist', async () => {
    await expect(loadSourceDirectory('/nonexistent/sources', options)).rejects.toMatchObject({ code: 'ERR_CONFIG_NOT_FOUND' });
  });
});

describe('template checks at load time', () => {
  it('refuses a url_template with an action SEL configs cannot use, pointing at it', () => {
    const yaml = 'name: a\nurl: https://a.test/\ntier: 3\nrest:\n  endpoint: https://a.test/api\n  url_template: "https://a.test/{{ .slug | upper }}"\n';
    expect(issuesOf(yaml)[0]).toMatch(/^src\.yaml:6:17: error: .*url_template/);
  });
});

describe('config regexes at load time (Go RE2 dialect)', () => {
  const sitemap = (pattern: string) => `name: a\nurl: https://a.test/\nsitemap:\n  url: https://a.test/sitemap.xml\n  filter_pattern: "${pattern}"\n`;

  it('refuses a lookbehind in filter_pattern at its position, in SEL’s words, with a hint', () => {
    expect(issuesOf(sitemap('(?<=/events/)gala'))).toEqual([
      'src.yaml:5:19: error: sitemap.filter_pattern: invalid Go regex: error parsing regexp: invalid named capture: `(?<=/events/)gala` ' +
        "(SEL reads this with Go's regexp (RE2): no lookahead, lookbehind or backreferences; (?i) sets case-insensitive)",
    ]);
  });

  it('accepts (?i), which SEL’s Go reads and JavaScript does not', () => {
    expect(issuesOf(sitemap('(?i)/EVENTS/'))).toEqual([]);
  });

  it('refuses a backreference in exclude_pattern at its position', () => {
    const yaml = `${sitemap('/events/')}  exclude_pattern: '/(\\w+)/\\1'\n`;
    expect(issuesOf(yaml)).toEqual([
      expect.stringMatching(/^src\.yaml:6:20: error: sitemap\.exclude_pattern: invalid Go regex: error parsing regexp: invalid escape sequence: `\\1`/),
    ]);
  });

  it('refuses a lookahead in headless.intercept.url_pattern at its position', () => {
    const yaml =
      'name: a\nurl: https://a.test/\ntier: 2\nselectors:\n  event_list: .e\nheadless:\n  intercept:\n    url_pattern: "api(?=/v2)"\n    results_path: data\n';
    expect(issuesOf(yaml)).toEqual([expect.stringMatching(/^src\.yaml:8:18: error: headless\.intercept\.url_pattern: invalid Go regex: .*`\(\?=`/)]);
  });

  it('refuses an event_url_pattern regex that Go cannot read, which would otherwise follow no event page', () => {
    const yaml = 'name: a\nurl: https://a.test/\nfollow_event_urls: true\nevent_url_pattern: "^https://a\\\\.test/(?!shop)"\n';
    expect(issuesOf(yaml)).toEqual([expect.stringMatching(/^src\.yaml:4:20: error: event_url_pattern: invalid Go regex: /)]);
  });
});

describe('number ranges at load time', () => {
  const base = 'name: a\nurl: https://a.test/\n';

  it('refuses a negative request_timeout_seconds and max_body_bytes at their values, in SEL’s words', () => {
    expect(issuesOf(`${base}request_timeout_seconds: -5\nmax_body_bytes: -1\n`)).toEqual([
      'src.yaml:3:26: error: request_timeout_seconds: must be >= 0, got -5',
      'src.yaml:4:17: error: max_body_bytes: must be >= 0, got -1',
    ]);
  });

  it('keeps SEL’s own wording for max_pages, sitemap.max_urls and sitemap.rate_limit_ms', () => {
    const yaml = `${base}max_pages: -1\nsitemap:\n  url: https://a.test/s.xml\n  filter_pattern: x\n  max_urls: -2\n  rate_limit_ms: -3\n`;
    expect(issuesOf(yaml)).toEqual([
      'src.yaml:3:12: error: max_pages: must be > 0, got -1',
      'src.yaml:7:13: error: sitemap.max_urls: must be >= 0, got -2',
      'src.yaml:8:18: error: sitemap.rate_limit_ms: must be >= 0, got -3',
    ]);
  });

  it('refuses a time in milliseconds that a Node timer cannot hold (it would fire after 1 ms)', () => {
    const yaml = `${base}tier: 3\nrest:\n  endpoint: https://a.test/api\n  timeout_ms: 2147483648\n`;
    expect(issuesOf(yaml)).toEqual(['src.yaml:6:15: error: rest.timeout_ms: must be at most 2147483647 (about 24 days), got 2147483648']);
  });

  it('refuses timeouts and waits that are negative or too long, wherever they are', () => {
    const yaml =
      `${base}tier: 2\nselectors:\n  event_list: .e\nrequest_timeout_seconds: 3000000\n` +
      'headless:\n  wait_timeout_ms: -1\n  rate_limit_ms: -1\n  iframe:\n    selector: iframe\n    wait_selector: .e\n    wait_timeout_ms: -1\n';
    expect(issuesOf(yaml)).toEqual([
      'src.yaml:6:26: error: request_timeout_seconds: must be at most 2147483 (about 24 days), got 3000000',
      'src.yaml:8:20: error: headless.wait_timeout_ms: must be >= 0, got -1',
      'src.yaml:9:18: error: headless.rate_limit_ms: must be >= 0, got -1',
      'src.yaml:13:22: error: headless.iframe.wait_timeout_ms: must be >= 0, got -1',
    ]);
  });

  it('refuses a body cap larger than a page can be held in memory', () => {
    expect(issuesOf(`${base}max_body_bytes: 1073741824\n`)).toEqual([
      'src.yaml:3:17: error: max_body_bytes: must be at most 268435456 (256 MiB), got 1073741824',
    ]);
  });

  it('refuses a fractional count and reports a number too large for an integer once', () => {
    expect(issuesOf(`${base}max_pages: 1.5\nrequest_timeout_seconds: 1e20\n`)).toEqual([
      'src.yaml:3:12: error: max_pages: expected int, got number 1.5',
      'src.yaml:4:26: error: request_timeout_seconds: must be at most 2147483 (about 24 days), got 100000000000000000000',
    ]);
  });

  it('refuses coordinates off the globe in default_location', () => {
    expect(issuesOf(`${base}default_location:\n  latitude: 91\n  longitude: -181\n`)).toEqual([
      'src.yaml:4:13: error: default_location.latitude: must be between -90 and 90, got 91',
      'src.yaml:5:14: error: default_location.longitude: must be between -180 and 180, got -181',
    ]);
  });

  it('still reads 0 as SEL’s default, not as a range error', () => {
    const { config, issues } = parseSourceFile('a.yaml', `${base}request_timeout_seconds: 0\nmax_body_bytes: 0\nmax_pages: 0\n`, options);
    expect(issues).toEqual([]);
    expect(config).toMatchObject({ max_pages: 10, request_timeout_seconds: 0, max_body_bytes: 0 });
  });
});
