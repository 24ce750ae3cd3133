import { SelScraperError } from '../errors.ts';

/**
 * The part of Go's text/template that SEL source configs use in `field_map` values and
 * `url_template`: literal text with field references such as `{{.slug}}` or `{{ .venue.name }}`
 * (and Go's `{{-`/`-}}` whitespace trimming). Anything else Go would accept (pipes, functions,
 * `if`, `range`) is refused with a message, so a config never silently renders half a value.
 */
export interface FieldTemplate {
  readonly text: string;
  readonly parts: readonly TemplatePart[];
}

type TemplatePart = { readonly literal: string } | { readonly path: readonly string[] };

export type TemplateRender = { ok: true; value: string } | { ok: false; missing: string };

const ACTION = /^\s*\.((?:[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?\s*$/;

/** SEL's rule for telling a template from a dot path: the value contains `{{`. */
export function isFieldTemplate(value: string): boolean {
  return value.includes('{{');
}

/** Parses a template once; `where` names the config key for the error message. */
export function parseFieldTemplate(text: string, where: string): FieldTemplate {
  const parts: TemplatePart[] = [];
  let rest = text;
  let trimNext = false;
  while (rest !== '') {
    const open = rest.indexOf('{{');
    let literal = open === -1 ? rest : rest.slice(0, open);
    if (trimNext) literal = literal.trimStart();
    if (open === -1) {
      if (literal) parts.push({ literal });
      break;
    }
    const close = rest.indexOf('}}', open + 2);
    if (close === -1) throw templateError(where, text, `unclosed action "${rest.slice(open)}"`);
    let inner = rest.slice(open + 2, close);
    if (/^-\s/.test(inner)) {
      literal = literal.trimEnd();
      inner = inner.slice(1);
    }
    trimNext = /\s-$/.test(inner);
    if (trimNext) inner = inner.slice(0, -1);
    if (literal) parts.push({ literal });
    const match = ACTION.exec(inner);
    if (!match) {
      throw templateError(
        where,
        text,
        `unsupported action "{{${rest.slice(open + 2, close)}}}": only field references such as {{.slug}} or {{.venue.name}} are supported`,
      );
    }
    parts.push({ path: match[1] ? match[1].split('.') : [] });
    rest = rest.slice(close + 2);
  }
  return { text, parts };
}

/**
 * Renders a template against one API item. A missing (or null) field fails the whole value,
 * as SEL's `missingkey=error` does, rather than producing "2026-12-05T" or "https://x.test/".
 * Numbers print as JSON writes them (SEL prints Go floats, e.g. 1.234567e+06 for 1234567).
 */
export function renderFieldTemplate(template: FieldTemplate, data: unknown): TemplateRender {
  let value = '';
  for (const part of template.parts) {
    if ('literal' in part) {
      value += part.literal;
      continue;
    }
    const found = valueAtKeys(data, part.path);
    if (found === undefined || found === null) return { ok: false, missing: `.${part.path.join('.')}` };
    value += typeof found === 'string' ? found : JSON.stringify(found);
  }
  return { ok: true, value };
}

/** Follows object keys (and array indexes given as numbers) from `data`; undefined if any step is absent. */
export function valueAtKeys(data: unknown, keys: readonly string[]): unknown {
  let current = data;
  for (const key of keys) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (typeof current === 'object' && current !== null && !Array.isArray(current) && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else return undefined;
  }
  return current;
}

function templateError(where: string, text: string, problem: string): SelScraperError {
  return new SelScraperError('ERR_CONFIG_INVALID', `${where}: invalid template ${JSON.stringify(text)}: ${problem}`, {
    hint: 'sel-scraper supports the {{.field}} subset of Go templates that SEL source configs use',
  });
}
