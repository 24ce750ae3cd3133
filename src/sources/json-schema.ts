import { z } from 'zod';
import { sourceFileSchema } from './schema.ts';
import { DOMAINS, EXTRACTION_METHODS, SCHEDULES, TLS_FINGERPRINTS } from './validate.ts';

/** Where the shipped copy (schema/source.schema.json) is published, for `$schema=` lines in configs. */
const SOURCE_SCHEMA_URL = 'https://raw.githubusercontent.com/Togather-Foundation/sel-scraper/main/schema/source.schema.json';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema> };

/** Hover text for editors: what each top-level key does (the README's config reference, in one line each). */
const DESCRIPTIONS: Record<string, string> = {
  name: 'Unique source name (case-insensitive); sent as source.name with every event',
  url: 'Page to read (required unless urls or sitemap is set); also source.url of the events',
  urls: 'Several pages to read, instead of url (not with sitemap)',
  tier: '0 JSON-LD, 1 CSS selectors, 2 headless browser, 3 REST/GraphQL API (ignored for extraction_method: ics)',
  extraction_method: '"ics" reads url as an iCalendar feed, whatever the tier',
  schedule: "Used by the SEL server's scheduler only",
  trust_level: '1-10 (0 means the default, 5)',
  license: 'SEL accepts only CC0 events',
  domain: 'eventDomain of the events',
  timezone: 'IANA zone for times written without an offset (default: DEFAULT_TIMEZONE, else America/Toronto)',
  enabled: 'false: scrape all skips the source',
  max_pages: 'Pages followed by pagination (tier 1 and 2) or REST paging (0 means 10)',
  follow_event_urls: "Tier 0: also read each event's own page for its JSON-LD",
  default_location: 'Location of events that name none',
  headers: "HTTP headers sent to the source's own hosts only",
  selectors: 'CSS selectors (tier 1 and 2); event_list is required for them',
  headless: 'Browser settings (tier 2)',
  rest: 'REST API (tier 3)',
  graphql: 'GraphQL API (tier 3)',
  sitemap: "Find the pages to read in a sitemap; each is read with the source's tier",
};

/**
 * The JSON Schema of a source config, generated from the zod schema that loads configs, with
 * SEL's closed vocabularies (validate.ts) as enums and its main cross-field rules as
 * conditions, so an editor completes values and flags a tier 1 source without selectors. The
 * loader stays the judge: it also checks URLs, regexes, zones and templates.
 */
export function sourceJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(sourceFileSchema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  const properties = generated.properties ?? {};
  const narrow = (name: string, extra: JsonSchema) => (properties[name] = { ...properties[name], ...extra });
  properties.tier = { type: 'integer', enum: [0, 1, 2, 3] };
  narrow('trust_level', { minimum: 0, maximum: 10 });
  narrow('schedule', { enum: ['', ...SCHEDULES] });
  narrow('extraction_method', { enum: EXTRACTION_METHODS });
  narrow('domain', { enum: ['', ...DOMAINS] });
  narrow('tls_fingerprint', { enum: TLS_FINGERPRINTS });
  for (const [name, description] of Object.entries(DESCRIPTIONS)) if (properties[name]) narrow(name, { description });
  const notIcs = { not: { required: ['extraction_method'], properties: { extraction_method: { const: 'ics' } } } };
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: SOURCE_SCHEMA_URL,
    title: 'SEL source config',
    description: 'A Shared Events Library scraper source (configs/sources/*.yaml), as sel-scraper and SEL read it',
    ...rest,
    properties,
    required: ['name'],
    anyOf: [{ required: ['url'] }, { required: ['urls'] }, { required: ['sitemap'] }],
    allOf: [
      {
        if: { required: ['tier'], properties: { tier: { enum: [1, 2] } }, ...notIcs },
        then: { required: ['selectors'], properties: { selectors: { type: 'object', required: ['event_list'] } } },
      },
      {
        if: { required: ['tier'], properties: { tier: { const: 3 } }, ...notIcs },
        then: { oneOf: [{ required: ['rest'] }, { required: ['graphql'] }] },
      },
    ],
  };
}
