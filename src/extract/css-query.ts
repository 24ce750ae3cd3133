import { compile, is, selectAll } from 'css-select';
import type { AnyNode, Document, Element } from 'domhandler';
import { describeError } from '../errors.ts';
import { textLine } from './css-text.ts';

/**
 * A field selector as SEL configs write it: plain CSS, or `css::attribute` to read an attribute
 * instead of text (Scrapy's `css::attr(name)` and `::text` are accepted too). An empty CSS part,
 * or the word `self`, means the event container itself.
 */
export interface FieldSelector {
  /** As written in the config, for messages. */
  spec: string;
  /** Undefined: the container. */
  css?: string;
  attribute?: string;
}

export function parseFieldSelector(spec: string): FieldSelector {
  const split = spec.indexOf('::');
  const cssPart = (split >= 0 ? spec.slice(0, split) : spec).trim();
  const field: FieldSelector = { spec };
  if (cssPart !== '' && cssPart.toLowerCase() !== 'self') field.css = cssPart;
  if (split >= 0) {
    const raw = spec.slice(split + 2).trim();
    const attribute = /^attr\((.+)\)$/i.exec(raw)?.[1]?.trim() ?? raw;
    if (attribute !== '' && attribute.toLowerCase() !== 'text') field.attribute = attribute;
  }
  return field;
}

/**
 * SEL's selector engine (cascadia) matches `:contains("x")` case-insensitively and knows
 * `:containsOwn`; css-select's `:contains` is case-sensitive. Real configs rely on cascadia's
 * reading (`h4:not(:contains(Schedule))`), so ours follows it.
 */
export const PSEUDOS = {
  contains: (element: Element, text?: string | null) => includesFolded(textLine(element), text),
  containsown: (element: Element, text?: string | null) =>
    includesFolded(element.children.map((child) => (child.type === 'text' ? child.data : '')).join(''), text),
};

/** css-what unquotes the argument of the pseudos it knows (`:contains`) but not of ours. */
function includesFolded(haystack: string, needle: string | null | undefined): boolean {
  const text = (needle ?? '').replace(/^(["'])(.*)\1$/s, '$2');
  return haystack.toLowerCase().includes(text.toLowerCase());
}

/**
 * Selectors compiled once for the run: a source's selectors are used for every container of
 * every page it reads. css-select itself, not cheerio's wrapper: cheerio adds jQuery's `:first`
 * and `:eq()`, which SEL's cascadia refuses, and reads a selector inside a container as if it
 * began at the container (`.list h2` would miss an h2 of a card in `.list`), where cascadia
 * matches its ancestors against the whole document.
 */
type CompiledSelector = ReturnType<typeof compile<AnyNode, Element>>;
const compiled = new Map<string, CompiledSelector | string>();
const COMPILED_MAX = 4096;
const QUERY_OPTIONS = { pseudos: PSEUDOS, xmlMode: false };

/** The selector compiled, or why it cannot be (a string). */
function compiledQuery(css: string): CompiledSelector | string {
  let query = compiled.get(css);
  if (query === undefined) {
    try {
      query = compile<AnyNode, Element>(css, QUERY_OPTIONS);
    } catch (error) {
      query = describeError(error);
    }
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(css, query);
  }
  return query;
}

/** Why a CSS selector cannot be used, or undefined when it compiles. */
export function selectorProblem(css: string): string | undefined {
  const query = compiledQuery(css);
  return typeof query === 'string' ? query : undefined;
}

/** The elements inside `root` (not `root` itself) that `css` matches, in document order; none for a selector that cannot be used. */
export function selectIn(root: Element | Document, css: string): Element[] {
  const query = compiledQuery(css);
  return typeof query === 'string' ? [] : selectAll(query, root, QUERY_OPTIONS);
}

/**
 * Elements a field selector picks in a container: the container itself when it matches (SEL's
 * "self-match", here for every field, so `event_list: a.card` + `url: a.card` works), else its
 * matching descendants in document order.
 */
export function matchesIn(container: Element, field: FieldSelector): Element[] {
  if (field.css === undefined) return [container];
  const query = compiledQuery(field.css);
  if (typeof query === 'string') return [];
  if (is(container, query, QUERY_OPTIONS)) return [container];
  return selectAll(query, container, QUERY_OPTIONS);
}
