import { z } from 'zod';

/**
 * SEL's source-config schema (internal/scraper/config.go), field for field, strict so that a
 * typo is an error instead of a silently ignored key. Types follow SEL's Go structs; defaults and
 * cross-field rules live in validate.ts because they need the whole document.
 */
const nonNegativeInt = z.number().int();
const stringMap = z.record(z.string(), z.string());

const fieldMapSchema = z.record(z.string(), z.string());

export const defaultLocationSchema = z.strictObject({
  name: z.string().optional(),
  street_address: z.string().optional(),
  address_locality: z.string().optional(),
  address_region: z.string().optional(),
  postal_code: z.string().optional(),
  address_country: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});

export const selectorsSchema = z.strictObject({
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

export const headlessSchema = z.strictObject({
  wait_selector: z.string().optional(),
  wait_timeout_ms: nonNegativeInt.optional(),
  wait_network_idle: z.boolean().optional(),
  undetected: z.boolean().optional(),
  pagination_button: z.string().optional(),
  headers: stringMap.optional(),
  rate_limit_ms: nonNegativeInt.optional(),
  iframe: z
    .strictObject({
      selector: z.string().optional(),
      wait_selector: z.string().optional(),
      wait_timeout_ms: nonNegativeInt.optional(),
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

export const restSchema = z.strictObject({
  endpoint: z.string().optional(),
  results_field: z.string().optional(),
  next_field: z.string().optional(),
  url_template: z.string().optional(),
  timeout_ms: nonNegativeInt.optional(),
  method: z.string().optional(),
  body: z.string().optional(),
  content_type: z.string().optional(),
  headers: stringMap.optional(),
  field_map: fieldMapSchema.optional(),
  flatten: z.boolean().optional(),
});

export const graphqlSchema = z.strictObject({
  endpoint: z.string().optional(),
  query: z.string().optional(),
  event_field: z.string().optional(),
  token: z.string().optional(),
  timeout_ms: nonNegativeInt.optional(),
  url_template: z.string().optional(),
  field_map: fieldMapSchema.optional(),
});

export const sitemapSchema = z.strictObject({
  url: z.string().optional(),
  filter_pattern: z.string().optional(),
  exclude_pattern: z.string().optional(),
  max_urls: nonNegativeInt.optional(),
  rate_limit_ms: nonNegativeInt.optional(),
});

export const sourceFileSchema = z.strictObject({
  name: z.string().optional(),
  url: z.string().optional(),
  urls: z.array(z.string()).optional(),
  tier: nonNegativeInt.optional(),
  extraction_method: z.string().optional(),
  schedule: z.string().optional(),
  trust_level: nonNegativeInt.optional(),
  license: z.string().optional(),
  domain: z.string().optional(),
  timezone: z.string().optional(),
  enabled: z.boolean().optional(),
  max_pages: nonNegativeInt.optional(),
  event_url_pattern: z.string().optional(),
  notes: z.string().optional(),
  follow_event_urls: z.boolean().optional(),
  skip_multi_session_check: z.boolean().optional(),
  multi_session_duration_threshold: z.string().optional(),
  tls_fingerprint: z.string().optional(),
  default_location: defaultLocationSchema.optional(),
  headers: stringMap.optional(),
  insecure_skip_verify: z.boolean().optional(),
  request_timeout_seconds: nonNegativeInt.optional(),
  max_body_bytes: nonNegativeInt.optional(),
  selectors: selectorsSchema.optional(),
  headless: headlessSchema.optional(),
  rest: restSchema.optional(),
  graphql: graphqlSchema.optional(),
  sitemap: sitemapSchema.optional(),
});

export type SourceFile = z.infer<typeof sourceFileSchema>;
