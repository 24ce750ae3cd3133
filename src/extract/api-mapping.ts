import { isFieldTemplate, parseFieldTemplate, renderFieldTemplate, valueAtKeys, type FieldTemplate } from './field-template.ts';
import type { ExtractResult, RawEvent } from './raw-event.ts';

export type Item = Record<string, unknown>;

const API_FIELDS = ['name', 'start_date', 'end_date', 'url', 'image', 'location', 'description'] as const;

export type ApiField = (typeof API_FIELDS)[number];

type FieldRule = { kind: 'path'; spec: string } | { kind: 'template'; spec: string; template: FieldTemplate } | { kind: 'identity' };

/** How API items become raw events: SEL's `field_map` and `url_template`, compiled once. */
export interface ApiMapping {
  block: 'rest' | 'graphql';
  rules: ReadonlyMap<ApiField, FieldRule>;
  urlTemplate?: FieldTemplate;
  /** Whether the rules came from the user (worth a warning when they find nothing) or a fallback. */
  explicit: boolean;
}

/**
 * Compiles `field_map` and `url_template`. With an empty field_map, `fallback` applies: REST maps
 * each field from the item key of the same name, GraphQL uses SEL's DatoCMS mapping. Throws
 * ERR_CONFIG_INVALID for a template outside the supported subset.
 */
export function compileApiMapping(
  block: 'rest' | 'graphql',
  fieldMap: Readonly<Record<string, string>> | undefined,
  urlTemplate: string | undefined,
  fallback: 'identity' | Readonly<Partial<Record<ApiField, string>>>,
): ApiMapping {
  const rules = new Map<ApiField, FieldRule>();
  const given = Object.entries(fieldMap ?? {}).filter(([key, spec]) => (API_FIELDS as readonly string[]).includes(key) && spec.trim() !== '');
  const explicit = given.length > 0;
  if (explicit) {
    for (const [key, spec] of given) rules.set(key as ApiField, ruleFor(spec, `${block}.field_map.${key}`));
  } else if (fallback === 'identity') {
    for (const key of API_FIELDS) rules.set(key, { kind: 'identity' });
  } else {
    for (const [key, spec] of Object.entries(fallback)) rules.set(key as ApiField, ruleFor(spec, `${block}.field_map.${key}`));
  }
  const mapping: ApiMapping = { block, rules, explicit };
  if (urlTemplate?.trim()) mapping.urlTemplate = parseFieldTemplate(urlTemplate, `${block}.url_template`);
  return mapping;
}

function ruleFor(spec: string, where: string): FieldRule {
  return isFieldTemplate(spec) ? { kind: 'template', spec, template: parseFieldTemplate(spec, where) } : { kind: 'path', spec: spec.trim() };
}

/**
 * Maps API items to raw events. Warns once per template key that is missing (SEL leaves the
 * field empty without a word) and once per configured dot path that matched no item (a typo).
 */
export function mapApiItems(items: readonly Item[], mapping: ApiMapping, pageUrl: string): ExtractResult {
  const missingKeys = new Map<string, { where: string; key: string; count: number }>();
  const emptyPaths = new Map<ApiField, number>();
  const noteMissing = (where: string, key: string) => {
    const entry = missingKeys.get(`${where} ${key}`) ?? { where, key, count: 0 };
    entry.count++;
    missingKeys.set(`${where} ${key}`, entry);
  };
  const events = items.map((item) => {
    const values = new Map<ApiField, string>();
    for (const [field, rule] of mapping.rules) {
      const result = applyRule(rule, field, item);
      if (result.value !== undefined) values.set(field, result.value);
      else if (result.missing) noteMissing(`${mapping.block}.field_map.${field}`, result.missing);
      else if (rule.kind === 'path') emptyPaths.set(field, (emptyPaths.get(field) ?? 0) + 1);
    }
    if (mapping.urlTemplate) {
      const rendered = renderFieldTemplate(mapping.urlTemplate, item);
      if (!rendered.ok) noteMissing(`${mapping.block}.url_template`, rendered.missing);
      else if (rendered.value.trim()) values.set('url', rendered.value.trim());
    }
    return toRawEvent(values, pageUrl);
  });

  const warnings: string[] = [];
  for (const { where, key, count } of missingKeys.values()) {
    warnings.push(`${pageUrl}: ${where}: ${key} is missing in ${count} of ${items.length} item(s), so the field was left empty there`);
  }
  if (mapping.explicit) {
    for (const [field, count] of emptyPaths) {
      const rule = mapping.rules.get(field);
      if (count === items.length && rule?.kind === 'path') {
        warnings.push(`${pageUrl}: ${mapping.block}.field_map.${field}: "${rule.spec}" found no value in any of the ${items.length} item(s)`);
      }
    }
  }
  return { events, warnings };
}

export function applyRule(rule: FieldRule, field: ApiField, item: Item): { value?: string; missing?: string } {
  if (rule.kind === 'template') {
    const rendered = renderFieldTemplate(rule.template, item);
    if (!rendered.ok) return { missing: rendered.missing };
    const value = rendered.value.trim();
    return value ? { value } : {};
  }
  const raw = rule.kind === 'path' ? valueAtPath(item, rule.spec) : identityValue(item, field);
  const value = scalarText(raw);
  return value === undefined ? {} : { value };
}

/**
 * A dot path through nested objects. A key that itself contains dots is matched first, and a
 * numeric step indexes an array (`rooms.0.name`); SEL knows neither.
 */
function valueAtPath(item: Item, spec: string): unknown {
  if (Object.hasOwn(item, spec)) return item[spec];
  return valueAtKeys(item, spec.split('.'));
}

/** REST without a field_map: each field from the item key that spells it, in any case or style. */
function identityValue(item: Item, field: ApiField): unknown {
  if (Object.hasOwn(item, field)) return item[field];
  const wanted = field.replace(/_/g, '');
  const key = Object.keys(item).find((k) => k.replace(/_/g, '').toLowerCase() === wanted);
  return key === undefined ? undefined : item[key];
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function toRawEvent(values: ReadonlyMap<ApiField, string>, pageUrl: string): RawEvent {
  const event: RawEvent = { pageUrl };
  const set = <K extends keyof RawEvent>(key: K, value: RawEvent[K] | undefined) => {
    if (value !== undefined) event[key] = value;
  };
  set('name', values.get('name'));
  set('startDate', values.get('start_date'));
  set('endDate', values.get('end_date'));
  set('url', values.get('url'));
  set('image', values.get('image'));
  set('description', values.get('description'));
  const location = values.get('location');
  if (location) event.location = { name: location };
  return event;
}

/** A top-level key as written (e.g. "@odata.nextLink"), else a dot path ("data.events"). */
export function fieldOf(body: Item, name: string): unknown {
  if (Object.hasOwn(body, name)) return body[name];
  return name.includes('.') ? valueAtKeys(body, name.split('.')) : undefined;
}

export function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function listKeys(value: Item): string {
  const keys = Object.keys(value);
  if (keys.length === 0) return 'no fields';
  const shown = keys
    .slice(0, 8)
    .map((k) => `"${k}"`)
    .join(', ');
  return keys.length > 8 ? `fields ${shown}, …` : `fields ${shown}`;
}
