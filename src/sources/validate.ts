import { IANAZone } from 'luxon';
import { describeError } from '../errors.ts';
import { parseFieldSelector, selectorProblem } from '../extract/css-query.ts';
import { isFieldTemplate, parseFieldTemplate } from '../extract/field-template.ts';
import { parseHttpUrl } from '../http-url.ts';
import { parseGoDuration } from '../normalize/go-duration.ts';
import { isCc0 } from '../normalize/license.ts';
import { compileConfigRegex, compileEventUrlPattern, invalidRegexMessage, type CompiledPattern } from './config-regex.ts';
import type { SourceFile } from './schema.ts';
import { splitUserinfo } from './url-credentials.ts';
import type { ExtractionMethod, SourceConfig } from './types.ts';

export type ConfigPath = readonly (string | number)[];

export interface RuleIssue {
  severity: 'error' | 'warning';
  path: ConfigPath;
  message: string;
  hint?: string;
}

/** SEL's closed vocabularies; the JSON Schema (json-schema.ts) offers the same values to editors. */
export const DOMAINS = ['arts', 'music', 'culture', 'sports', 'community', 'education', 'general'];
export const SCHEDULES = ['daily', 'weekly', 'manual'];
export const EXTRACTION_METHODS = ['', 'scraper', 'ics'];
export const TLS_FINGERPRINTS = ['', 'chrome_auto'];
const FIELD_MAP_KEYS = ['name', 'start_date', 'end_date', 'url', 'image', 'location', 'description'];

function isHttpUrl(value: string | undefined): boolean {
  const url = value ? parseHttpUrl(value) : undefined;
  return url !== undefined && url.hostname !== '';
}

/**
 * SEL's validation rules (config.go ValidateConfig; number ranges are in schema.ts), plus the
 * checks SEL skips and then pays for at run time: an unknown timezone (SEL silently uses UTC) and
 * a bad duration (SEL fails every event). Messages keep SEL's wording so people can search SEL's
 * docs for them.
 */
export function checkSourceRules(file: SourceFile): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const error = (path: ConfigPath, message: string, hint?: string) => issues.push({ severity: 'error', path, message, ...(hint ? { hint } : {}) });
  const warn = (path: ConfigPath, message: string, hint?: string) => issues.push({ severity: 'warning', path, message, ...(hint ? { hint } : {}) });

  const tier = file.tier ?? 0;
  const isIcs = file.extraction_method === 'ics';
  const hasUrls = (file.urls?.length ?? 0) > 0;

  if (!file.name?.trim()) error(['name'], 'name: required', 'every source needs a unique name');
  if (!file.url && !hasUrls && !file.sitemap) error([], 'url: required (set url, urls, or sitemap)');
  if (file.url && !hasUrls && !isHttpUrl(file.url)) {
    error(['url'], `url: must be a valid http/https URL, got "${file.url}"`);
  }
  file.urls?.forEach((url, i) => {
    if (!isHttpUrl(url)) error(['urls', i], `urls[${i}]: must be a valid http/https URL, got "${url}"`);
  });
  if (tier < 0 || tier > 3) error(['tier'], `tier: must be 0, 1, 2, or 3, got ${tier}`);
  if (file.trust_level !== undefined && file.trust_level !== 0 && (file.trust_level < 1 || file.trust_level > 10)) {
    error(['trust_level'], `trust_level: must be 1-10, got ${file.trust_level}`);
  }
  if (file.schedule !== undefined && file.schedule !== '' && !SCHEDULES.includes(file.schedule)) {
    error(['schedule'], `schedule: must be daily, weekly, or manual, got "${file.schedule}"`);
  }
  if (file.extraction_method !== undefined && !EXTRACTION_METHODS.includes(file.extraction_method)) {
    error(['extraction_method'], `extraction_method: must be "" (default), "scraper", or "ics", got "${file.extraction_method}"`);
  }
  if (file.domain !== undefined && file.domain !== '' && !DOMAINS.includes(file.domain)) {
    error(['domain'], `domain: invalid event_domain "${file.domain}" (valid: ${DOMAINS.join(', ')})`);
  }
  if (file.tls_fingerprint !== undefined && !TLS_FINGERPRINTS.includes(file.tls_fingerprint)) {
    error(['tls_fingerprint'], `tls_fingerprint: invalid value "${file.tls_fingerprint}" (valid: "" (disabled), "chrome_auto")`);
  }
  if (file.timezone && !IANAZone.isValidZone(file.timezone)) {
    error(['timezone'], `timezone: unknown IANA time zone "${file.timezone}"`, 'use a name such as America/Toronto');
  }
  if (file.multi_session_duration_threshold && parseGoDuration(file.multi_session_duration_threshold) === undefined) {
    error(
      ['multi_session_duration_threshold'],
      `multi_session_duration_threshold: not a Go duration, got "${file.multi_session_duration_threshold}"`,
      'write it like "720h" or "336h"',
    );
  }
  if (file.license && !isCc0(file.license)) {
    warn(['license'], `license: SEL accepts only CC0 events, got "${file.license}"`, 'events from this source will be reported invalid');
  }

  if (!isIcs && (tier === 1 || tier === 2) && !file.selectors?.event_list) {
    error(['selectors'], `selectors.event_list: required for tier ${tier}`);
  }
  if (isIcs && file.selectors) {
    warn(['selectors'], 'extraction_method is "ics": CSS selectors will be ignored (ICS feed is parsed directly)');
  }
  if (isIcs && tier !== 0) {
    warn(['tier'], `extraction_method is "ics": tier ${tier} will be ignored (ICS extraction does not use tier-based dispatch)`);
  }

  const iframe = file.headless?.iframe;
  if (iframe) {
    if (!iframe.selector) error(['headless', 'iframe'], 'headless.iframe.selector is required when iframe block is set');
    if (!iframe.wait_selector) error(['headless', 'iframe'], 'headless.iframe.wait_selector is required when iframe block is set');
    if (tier !== 2) warn(['headless', 'iframe'], `iframe config is only used by tier 2 (headless) sources; it will be ignored for tier ${tier}`);
  }
  const intercept = file.headless?.intercept;
  if (intercept) {
    if (!intercept.url_pattern) error(['headless', 'intercept'], 'headless.intercept.url_pattern: required when intercept block is set');
    else checkPattern(compileConfigRegex(intercept.url_pattern), ['headless', 'intercept', 'url_pattern'], error);
    if (intercept.response_format && intercept.response_format !== 'json') {
      error(['headless', 'intercept', 'response_format'], `headless.intercept.response_format: only "json" is supported, got "${intercept.response_format}"`);
    }
    if (!intercept.results_path) error(['headless', 'intercept'], 'headless.intercept.results_path: required when intercept block is set');
    if (tier !== 2) warn(['headless', 'intercept'], `intercept config is only used by tier 2 (headless) sources; it will be ignored for tier ${tier}`);
    checkFieldMap(intercept.field_map, ['headless', 'intercept', 'field_map'], 'headless.intercept', warn);
  }

  if (tier === 3 && !isIcs) {
    if (file.graphql && file.rest) error([], 'tier 3: graphql and rest are mutually exclusive; set exactly one');
    else if (!file.graphql && !file.rest) error([], 'tier 3 requires a graphql or rest config block');
  }
  if (file.graphql && tier === 3) {
    const g = file.graphql;
    if (!g.endpoint) error(['graphql'], 'graphql.endpoint: required for tier 3');
    else if (!isHttpUrl(g.endpoint)) error(['graphql', 'endpoint'], `graphql.endpoint: must be a valid http/https URL, got "${g.endpoint}"`);
    if (!g.query) error(['graphql'], 'graphql.query: required for tier 3');
    if (!g.event_field) error(['graphql'], 'graphql.event_field: required for tier 3');
    if (g.token) {
      warn(
        ['graphql', 'token'],
        'graphql.token: a token written in YAML is readable by anyone with the repository',
        'prefer the SEL_GRAPHQL_TOKEN_<NAME> environment variable',
      );
    }
    checkFieldMap(g.field_map, ['graphql', 'field_map'], 'graphql', warn);
    checkTemplates(g, ['graphql'], 'graphql', error);
  }
  if (file.rest && tier === 3 && !file.graphql) {
    const r = file.rest;
    if (!r.endpoint) error(['rest'], 'rest.endpoint: required for tier 3');
    else if (!isHttpUrl(r.endpoint)) error(['rest', 'endpoint'], `rest.endpoint: must be a valid http/https URL, got "${r.endpoint}"`);
    if (r.method !== undefined && r.method !== '' && r.method !== 'GET' && r.method !== 'POST') {
      error(['rest', 'method'], `rest.method: unsupported method "${r.method}" (supported: GET, POST)`);
    }
    if (r.body && r.method !== 'POST') warn(['rest', 'body'], 'rest.body: body is ignored unless rest.method is POST');
    if (r.flatten && r.results_field === '.') warn(['rest', 'flatten'], 'rest.flatten: flatten is ignored when rest.results_field is "." (bare-array mode)');
    checkFieldMap(r.field_map, ['rest', 'field_map'], 'rest', warn);
    checkTemplates(r, ['rest'], 'rest', error);
  }

  const sitemap = file.sitemap;
  if (sitemap) {
    if (hasUrls) error(['sitemap'], 'sitemap: mutually exclusive with urls (set one or the other)');
    if (tier === 3) error(['sitemap'], 'sitemap: not supported for tier 3 sources (use graphql/rest config instead)');
    if (!sitemap.url) error(['sitemap'], 'sitemap.url: required when sitemap block is set');
    else if (!isHttpUrl(sitemap.url)) error(['sitemap', 'url'], `sitemap.url: must be a valid http/https URL, got "${sitemap.url}"`);
    if (!sitemap.filter_pattern) error(['sitemap'], 'sitemap.filter_pattern: required when sitemap block is set');
    else checkPattern(compileConfigRegex(sitemap.filter_pattern), ['sitemap', 'filter_pattern'], error);
    if (sitemap.exclude_pattern) checkPattern(compileConfigRegex(sitemap.exclude_pattern), ['sitemap', 'exclude_pattern'], error);
    if ((sitemap.max_urls ?? 0) > 10000)
      warn(['sitemap', 'max_urls'], `sitemap.max_urls: ${sitemap.max_urls} is very high; consider a lower value to avoid overwhelming the target site`);
    if (sitemap.rate_limit_ms === 0) {
      warn(['sitemap', 'rate_limit_ms'], 'sitemap.rate_limit_ms: 0 means use default (500 ms), not no delay; set to 1 for minimal delay');
    }
    if (!file.url) warn(['sitemap'], 'url: recommended for sitemap sources (used as display/tracking identifier in scraper_run records)');
  }
  // SEL never reads event_url_pattern; we do (follow_event_urls), so a pattern we cannot use is an error here.
  if (file.event_url_pattern?.trim()) checkPattern(compileEventUrlPattern(file.event_url_pattern), ['event_url_pattern'], error);
  if (file.selectors?.description) {
    warn(['selectors', 'description'], 'selectors.description is deprecated; use description_selectors (a list)');
  }
  if (!isIcs && file.selectors) checkSelectors(file.selectors, warn);
  return issues;
}

const SINGLE_SELECTORS = ['event_list', 'name', 'start_date', 'end_date', 'location', 'description', 'url', 'image', 'pagination'] as const;
const LIST_SELECTORS = ['description_selectors', 'date_selectors'] as const;

/**
 * A CSS selector that does not compile matches nothing, in SEL and here; found while the config
 * is written, with its position, instead of on the first run. A warning, as SEL loads it.
 */
function checkSelectors(selectors: NonNullable<SourceFile['selectors']>, warn: (path: ConfigPath, message: string, hint?: string) => void): void {
  const check = (path: ConfigPath, name: string, spec: string | undefined) => {
    const css = spec === undefined ? undefined : parseFieldSelector(spec).css;
    const problem = css === undefined ? undefined : selectorProblem(css);
    if (problem) warn(path, `selectors.${name} "${spec}" is not a usable CSS selector (${problem}); it matches nothing`, SELECTOR_HINT);
  };
  for (const key of SINGLE_SELECTORS) check(['selectors', key], key, selectors[key]);
  for (const key of LIST_SELECTORS) (selectors[key] ?? []).forEach((spec, i) => check(['selectors', key, i], `${key}[${i}]`, spec));
}

const SELECTOR_HINT =
  'write it as SEL\'s cascadia reads CSS: standard selectors plus :contains("text") and :containsOwn; jQuery\'s :first, :last and :eq() are not CSS (use :first-child, :last-child, :nth-child())';

function checkPattern(compiled: CompiledPattern, path: ConfigPath, error: (path: ConfigPath, message: string, hint?: string) => void): void {
  if (!compiled.ok) error(path, invalidRegexMessage(path.join('.'), compiled.problem), compiled.hint);
}

function checkFieldMap(fieldMap: Record<string, string> | undefined, path: ConfigPath, block: string, warn: (path: ConfigPath, message: string) => void): void {
  for (const key of Object.keys(fieldMap ?? {})) {
    if (!FIELD_MAP_KEYS.includes(key)) {
      warn([...path, key], `${block}.field_map: unrecognised key "${key}" (known keys: ${FIELD_MAP_KEYS.join(', ')})`);
    }
  }
}

/** SEL refuses a url_template Go cannot parse at load time; we also check templated field_map values. */
function checkTemplates(
  block: { url_template?: string | undefined; field_map?: Record<string, string> | undefined },
  path: ConfigPath,
  name: string,
  error: (path: ConfigPath, message: string) => void,
): void {
  const templates: [ConfigPath, string, string][] = [];
  if (block.url_template) templates.push([[...path, 'url_template'], `${name}.url_template`, block.url_template]);
  for (const [key, value] of Object.entries(block.field_map ?? {})) {
    if (isFieldTemplate(value)) templates.push([[...path, 'field_map', key], `${name}.field_map.${key}`, value]);
  }
  for (const [at, where, text] of templates) {
    try {
      parseFieldTemplate(text, where);
    } catch (problem) {
      error(at, describeError(problem));
    }
  }
}

function methodOf(file: SourceFile, tier: number): ExtractionMethod {
  if (file.extraction_method === 'ics') return 'ics';
  if (tier === 1) return 'css';
  if (tier === 2) return 'headless';
  if (tier === 3) return file.rest ? 'rest' : 'graphql';
  return 'jsonld';
}

/** SEL's defaults (config.go LoadSourceConfigs), applied after the rules pass. */
export function applyDefaults(written: SourceFile, path: string, defaultTimezone: string): SourceConfig {
  const { file, originAuth } = splitUserinfo(written);
  const tier = (file.tier ?? 0) as 0 | 1 | 2 | 3;
  const selectors = file.selectors?.description ? { ...file.selectors, description_selectors: [file.selectors.description] } : file.selectors;
  const rest = file.rest ? { ...file.rest, results_field: file.rest.results_field || 'results', next_field: file.rest.next_field || 'next' } : undefined;
  const headless =
    file.headless?.iframe && !file.headless.iframe.wait_timeout_ms
      ? { ...file.headless, iframe: { ...file.headless.iframe, wait_timeout_ms: 10_000 } }
      : file.headless;
  return {
    ...file,
    ...(selectors ? { selectors } : {}),
    ...(rest ? { rest } : {}),
    ...(headless ? { headless } : {}),
    name: (file.name ?? '').trim(),
    enabled: file.enabled ?? true,
    tier,
    trust_level: file.trust_level || 5,
    max_pages: file.max_pages || 10,
    schedule: (file.schedule || 'manual') as SourceConfig['schedule'],
    timezone: file.timezone || defaultTimezone,
    method: methodOf(file, tier),
    file: path,
    ...(Object.keys(originAuth).length ? { originAuth } : {}),
  };
}

/**
 * The source read as another tier (`scrape source --tier`, as SEL's `test-fixture --tier`), with
 * SEL's rules checked again for that tier: `selectors.event_list: required for tier 1` and the like.
 */
export function withTier(source: SourceConfig, tier: 0 | 1 | 2 | 3): { config: SourceConfig; issues: RuleIssue[] } {
  const file: SourceFile = { ...source, tier };
  return { config: { ...source, tier, method: methodOf(file, tier) }, issues: checkSourceRules(file) };
}
