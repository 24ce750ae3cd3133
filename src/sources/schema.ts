import { z } from 'zod';

/**
 * SEL's source-config schema (internal/scraper/config.go), field for field, strict so that a
 * typo is an error instead of a silently ignored key. Types follow SEL's Go structs; defaults and
 * cross-field rules live in validate.ts because they need the whole document.
 */

/** Node timers hold at most 2^31-1 ms (about 24.8 days); a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;
/** A body cap beyond this could not be decoded into one string anyway (V8 strings stop near 512 MiB). */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

/**
 * A whole number within [min, max], range-checked at load so that a negative timeout is a config
 * error with its position instead of a Node ERR_OUT_OF_RANGE mid-run. Below the minimum the
 * message is SEL's where SEL has one ("must be >= 0, got -1"; max_pages says "must be > 0").
 */
function wholeNumber(bounds: { min?: number; max?: number; below?: string; above?: string } = {}) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER, below = `must be >= ${min}`, above = `must be at most ${max}` } = bounds;
  // Range checks first: a value both out of range and not an integer is reported by its range.
  return z
    .number()
    .min(min, { error: (issue) => `${below}, got ${String(issue.input)}` })
    .max(max, { error: (issue) => `${above}, got ${String(issue.input)}` })
    .int();
}
const count = wholeNumber();
const milliseconds = wholeNumber({ max: MAX_TIMER_MS, above: `must be at most ${MAX_TIMER_MS} (about 24 days)` });
const seconds = wholeNumber({ max: Math.floor(MAX_TIMER_MS / 1000), above: `must be at most ${Math.floor(MAX_TIMER_MS / 1000)} (about 24 days)` });
const bytes = wholeNumber({ max: MAX_BODY_BYTES, above: `must be at most ${MAX_BODY_BYTES} (256 MiB)` });
/** tier and trust_level: their ranges are SEL's rules in validate.ts, with SEL's messages. */
const integer = z.number().int();
function coordinate(limit: number) {
  const error = (issue: { input: unknown }) => `must be between -${limit} and ${limit}, got ${String(issue.input)}`;
  return z.number().min(-limit, { error }).max(limit, { error });
}
const stringMap = z.record(z.string(), z.string());

const fieldMapSchema = z.record(z.string(), z.string());

const defaultLocationSchema = z.strictObject({
  name: z.string().optional(),
  street_address: z.string().optional(),
  address_locality: z.string().optional(),
  address_region: z.string().optional(),
  postal_code: z.string().optional(),
  address_country: z.string().optional(),
  latitude: coordinate(90).optional(),
  longitude: coordinate(180).optional(),
});

const selectorsSchema = z.strictObject({
  event_list: z.string().optional(),
  name: z.string().optional(),
  start_date: z.string().optional(),
  end_date: z.string().optional(),
  date_selectors: z.array(z.string()).optional(),
  location: z.string().optional(),
  description: z.string().optional(),
  description_selectors: z.array(z.string()).optional(),
  url: z.string().optional(),
  image: z.string().optional(),
  pagination: z.string().optional(),
});

const headlessSchema = z.strictObject({
  wait_selector: z.string().optional(),
  wait_timeout_ms: milliseconds.optional(),
  wait_network_idle: z.boolean().optional(),
  undetected: z.boolean().optional(),
  pagination_button: z.string().optional(),
  headers: stringMap.optional(),
  rate_limit_ms: milliseconds.optional(),
  iframe: z
    .strictObject({
      selector: z.string().optional(),
      wait_selector: z.string().optional(),
      wait_timeout_ms: milliseconds.optional(),
    })
    .optional(),
  intercept: z
    .strictObject({
      url_pattern: z.string().optional(),
      response_format: z.string().optional(),
      results_path: z.string().optional(),
      cache_endpoint: z.boolean().optional(),
      field_map: fieldMapSchema.optional(),
    })
    .optional(),
});

const restSchema = z.strictObject({
  endpoint: z.string().optional(),
  results_field: z.string().optional(),
  next_field: z.string().optional(),
  url_template: z.string().optional(),
  timeout_ms: milliseconds.optional(),
  method: z.string().optional(),
  body: z.string().optional(),
  content_type: z.string().optional(),
  headers: stringMap.optional(),
  field_map: fieldMapSchema.optional(),
  flatten: z.boolean().optional(),
});

const graphqlSchema = z.strictObject({
  endpoint: z.string().optional(),
  query: z.string().optional(),
  event_field: z.string().optional(),
  token: z.string().optional(),
  timeout_ms: milliseconds.optional(),
  url_template: z.string().optional(),
  field_map: fieldMapSchema.optional(),
});

const sitemapSchema = z.strictObject({
  url: z.string().optional(),
  filter_pattern: z.string().optional(),
  exclude_pattern: z.string().optional(),
  max_urls: count.optional(),
  rate_limit_ms: milliseconds.optional(),
});

export const sourceFileSchema = z.strictObject({
  name: z.string().optional(),
  url: z.string().optional(),
  urls: z.array(z.string()).optional(),
  tier: integer.optional(),
  extraction_method: z.string().optional(),
  schedule: z.string().optional(),
  trust_level: integer.optional(),
  license: z.string().optional(),
  domain: z.string().optional(),
  timezone: z.string().optional(),
  enabled: z.boolean().optional(),
  max_pages: wholeNumber({ below: 'must be > 0' }).optional(),
  event_url_pattern: z.string().optional(),
  notes: z.string().optional(),
  follow_event_urls: z.boolean().optional(),
  skip_multi_session_check: z.boolean().optional(),
  multi_session_duration_threshold: z.string().optional(),
  tls_fingerprint: z.string().optional(),
  default_location: defaultLocationSchema.optional(),
  headers: stringMap.optional(),
  insecure_skip_verify: z.boolean().optional(),
  request_timeout_seconds: seconds.optional(),
  max_body_bytes: bytes.optional(),
  selectors: selectorsSchema.optional(),
  headless: headlessSchema.optional(),
  rest: restSchema.optional(),
  graphql: graphqlSchema.optional(),
  sitemap: sitemapSchema.optional(),
});

export type SourceFile = z.infer<typeof sourceFileSchema>;
