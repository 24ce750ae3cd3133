import { describe, expect, it } from 'vitest';
import { parseSourceFile } from '../../src/sources/load.ts';
import { named, type Row } from './table.ts';

/**
 * SEL's source-config rules (scraper-anchor.md §2) as a table: a YAML config, the issues SEL
 * reports for it (in SEL's own wording, `severity: message`), and the defaults SEL fills in.
 */
type Expected = { issues: string[]; config?: Record<string, unknown> };

function check(yaml: string, expected: Expected): void {
  const parsed = parseSourceFile('src.yaml', yaml, { defaultTimezone: 'America/Toronto' });
  expect(parsed.issues.map((i) => `${i.severity}: ${i.message}`)).toEqual(expected.issues);
  if (expected.config) expect(parsed.config).toMatchObject(expected.config);
}

const head = 'name: venue\nurl: https://venue.test/\n';
const rest = 'tier: 3\nrest:\n  endpoint: https://api.venue.test/e\n';

const ROWS: Row<string, Expected>[] = [
  {
    input: head,
    expected: {
      issues: [],
      config: { enabled: true, tier: 0, trust_level: 5, max_pages: 10, schedule: 'manual', method: 'jsonld', timezone: 'America/Toronto' },
    },
    note: 'SEL’s defaults',
  },
  { input: `${head}max_pages: 0\n`, expected: { issues: [], config: { max_pages: 10 } }, note: '0 means the default' },
  { input: `${head}trust_level: 0\n`, expected: { issues: [], config: { trust_level: 5 } } },
  { input: `${head}extraction_method: scraper\n`, expected: { issues: [], config: { method: 'jsonld' } } },
  { input: `${head}extraction_method: ics\n`, expected: { issues: [], config: { method: 'ics' } } },
  { input: `${head}tier: 1\nselectors:\n  event_list: .e\n`, expected: { issues: [], config: { method: 'css' } } },
  { input: `${head}tier: 2\nselectors:\n  event_list: .e\n`, expected: { issues: [], config: { method: 'headless' } } },
  { input: `${head}${rest}`, expected: { issues: [], config: { method: 'rest' } } },
  { input: `${head}timezone: America/Vancouver\n`, expected: { issues: [], config: { timezone: 'America/Vancouver' } } },
  { input: `${head}enabled: false\n`, expected: { issues: [], config: { enabled: false } } },
  { input: 'url: https://venue.test/\n', expected: { issues: ['error: name: required'] } },
  { input: 'name: "  "\nurl: https://venue.test/\n', expected: { issues: ['error: name: required'] } },
  { input: 'name: venue\n', expected: { issues: ['error: url: required (set url, urls, or sitemap)'] } },
  { input: 'name: venue\nurl: ftp://venue.test/\n', expected: { issues: ['error: url: must be a valid http/https URL, got "ftp://venue.test/"'] } },
  { input: 'name: venue\nurl: venue.test/events\n', expected: { issues: ['error: url: must be a valid http/https URL, got "venue.test/events"'] } },
  { input: 'name: venue\nurl: not a url\nurls: [https://venue.test/a]\n', expected: { issues: [] }, note: 'url is not checked when urls is set' },
  {
    input: 'name: venue\nurls: [https://venue.test/a, "mailto:x@venue.test"]\n',
    expected: { issues: ['error: urls[1]: must be a valid http/https URL, got "mailto:x@venue.test"'] },
  },
  { input: `${head}tier: 4\n`, expected: { issues: ['error: tier: must be 0, 1, 2, or 3, got 4'] } },
  { input: `${head}trust_level: 11\n`, expected: { issues: ['error: trust_level: must be 1-10, got 11'] } },
  { input: `${head}max_pages: -1\n`, expected: { issues: ['error: max_pages: must be > 0, got -1'] } },
  { input: `${head}schedule: hourly\n`, expected: { issues: ['error: schedule: must be daily, weekly, or manual, got "hourly"'] } },
  { input: `${head}extraction_method: rss\n`, expected: { issues: ['error: extraction_method: must be "" (default), "scraper", or "ics", got "rss"'] } },
  {
    input: `${head}domain: film\n`,
    expected: { issues: ['error: domain: invalid event_domain "film" (valid: arts, music, culture, sports, community, education, general)'] },
  },
  {
    input: `${head}tls_fingerprint: firefox\n`,
    expected: { issues: ['error: tls_fingerprint: invalid value "firefox" (valid: "" (disabled), "chrome_auto")'] },
  },
  { input: `${head}tier: 1\n`, expected: { issues: ['error: selectors.event_list: required for tier 1'] } },
  { input: `${head}tier: 2\n`, expected: { issues: ['error: selectors.event_list: required for tier 2'] } },
  {
    input: `${head}tier: 1\nextraction_method: ics\n`,
    expected: { issues: ['warning: extraction_method is "ics": tier 1 will be ignored (ICS extraction does not use tier-based dispatch)'] },
    note: 'ICS needs no selectors',
  },
  {
    input: `${head}extraction_method: ics\nselectors:\n  event_list: .e\n`,
    expected: { issues: ['warning: extraction_method is "ics": CSS selectors will be ignored (ICS feed is parsed directly)'] },
  },
  { input: `${head}tier: 3\n`, expected: { issues: ['error: tier 3 requires a graphql or rest config block'] } },
  {
    input: `${head}tier: 3\nrest:\n  endpoint: https://api.venue.test/e\ngraphql:\n  endpoint: https://api.venue.test/g\n  query: "{ events { title } }"\n  event_field: events\n`,
    expected: { issues: ['error: tier 3: graphql and rest are mutually exclusive; set exactly one'] },
  },
  { input: `${head}tier: 3\nrest:\n  results_field: items\n`, expected: { issues: ['error: rest.endpoint: required for tier 3'] } },
  { input: `${head}tier: 3\nrest:\n  endpoint: /relative\n`, expected: { issues: ['error: rest.endpoint: must be a valid http/https URL, got "/relative"'] } },
  { input: `${head}${rest}  method: PUT\n`, expected: { issues: ['error: rest.method: unsupported method "PUT" (supported: GET, POST)'] } },
  { input: `${head}${rest}  body: "{}"\n`, expected: { issues: ['warning: rest.body: body is ignored unless rest.method is POST'] } },
  {
    input: `${head}${rest}  results_field: "."\n  flatten: true\n`,
    expected: { issues: ['warning: rest.flatten: flatten is ignored when rest.results_field is "." (bare-array mode)'] },
  },
  {
    input: `${head}${rest}  field_map:\n    title: name\n`,
    expected: { issues: ['warning: rest.field_map: unrecognised key "title" (known keys: name, start_date, end_date, url, image, location, description)'] },
  },
  {
    input: `${head}tier: 3\ngraphql:\n  endpoint: https://api.venue.test/g\n`,
    expected: { issues: ['error: graphql.query: required for tier 3', 'error: graphql.event_field: required for tier 3'] },
  },
  {
    input: 'name: venue\nsitemap:\n  url: https://venue.test/sitemap.xml\n  filter_pattern: /shows/\n',
    expected: { issues: ['warning: url: recommended for sitemap sources (used as display/tracking identifier in scraper_run records)'] },
  },
  {
    input: `${head}sitemap:\n  url: https://venue.test/sitemap.xml\n`,
    expected: { issues: ['error: sitemap.filter_pattern: required when sitemap block is set'] },
  },
  { input: `${head}sitemap:\n  filter_pattern: /shows/\n`, expected: { issues: ['error: sitemap.url: required when sitemap block is set'] } },
  {
    input: 'name: venue\nurls: [https://venue.test/a]\nsitemap:\n  url: https://venue.test/sitemap.xml\n  filter_pattern: /shows/\n',
    expected: {
      issues: [
        'error: sitemap: mutually exclusive with urls (set one or the other)',
        'warning: url: recommended for sitemap sources (used as display/tracking identifier in scraper_run records)',
      ],
    },
  },
  {
    input: `${head}${rest}sitemap:\n  url: https://venue.test/sitemap.xml\n  filter_pattern: /shows/\n`,
    expected: { issues: ['error: sitemap: not supported for tier 3 sources (use graphql/rest config instead)'] },
  },
  {
    input: `${head}sitemap:\n  url: https://venue.test/sitemap.xml\n  filter_pattern: /shows/\n  max_urls: -5\n`,
    expected: { issues: ['error: sitemap.max_urls: must be >= 0, got -5'] },
  },
  {
    input: `${head}sitemap:\n  url: https://venue.test/sitemap.xml\n  filter_pattern: /shows/\n  max_urls: 20000\n`,
    expected: { issues: ['warning: sitemap.max_urls: 20000 is very high; consider a lower value to avoid overwhelming the target site'] },
  },
  {
    input: `${head}sitemap:\n  url: https://venue.test/sitemap.xml\n  filter_pattern: /shows/\n  rate_limit_ms: 0\n`,
    expected: { issues: ['warning: sitemap.rate_limit_ms: 0 means use default (500 ms), not no delay; set to 1 for minimal delay'] },
  },
  {
    input: `${head}sitemap:\n  url: https://venue.test/sitemap.xml\n  filter_pattern: /shows/\n  rate_limit_ms: -1\n`,
    expected: { issues: ['error: sitemap.rate_limit_ms: must be >= 0, got -1'] },
  },
  {
    input: `${head}tier: 2\nselectors:\n  event_list: .e\nheadless:\n  iframe:\n    selector: iframe\n`,
    expected: { issues: ['error: headless.iframe.wait_selector is required when iframe block is set'] },
  },
  {
    input: `${head}headless:\n  iframe:\n    selector: iframe\n    wait_selector: .x\n`,
    expected: { issues: ['warning: iframe config is only used by tier 2 (headless) sources; it will be ignored for tier 0'] },
  },
  {
    input: `${head}tier: 2\nselectors:\n  event_list: .e\nheadless:\n  intercept:\n    url_pattern: /api/\n    response_format: xml\n    results_path: data\n`,
    expected: { issues: ['error: headless.intercept.response_format: only "json" is supported, got "xml"'] },
  },
  {
    input: `${head}tier: 2\nselectors:\n  event_list: .e\nheadless:\n  intercept:\n    url_pattern: /api/\n`,
    expected: { issues: ['error: headless.intercept.results_path: required when intercept block is set'] },
  },
];

describe('conformance: source config rules (scraper-anchor.md §2)', () => {
  it.each(named(ROWS))('%s', (_title, row) => check(row.input, row.expected));
});
