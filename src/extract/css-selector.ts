import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
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
const PSEUDOS = {
  contains: (element: Element, text?: string | null) => includesFolded(textLine(element), text),
  containsown: (element: Element, text?: string | null) =>
    includesFolded(element.children.map((child) => (child.type === 'text' ? child.data : '')).join(''), text),
};

/** css-what unquotes the argument of the pseudos it knows (`:contains`) but not of ours. */
function includesFolded(haystack: string, needle: string | null | undefined): boolean {
  const text = (needle ?? '').replace(/^(["'])(.*)\1$/s, '$2');
  return haystack.toLowerCase().includes(text.toLowerCase());
}

export interface HtmlParsing {
  /**
   * Build the tree as the HTML standard does (parse5, like SEL's Go parser): an implied
   * <tbody> around table rows, <html>/<head>/<body> where a page leaves them out, <noscript>
   * read as text. Otherwise htmlparser2 builds the same tree for well-formed pages in a third of
   * the time and garbage, without those insertions.
   */
  spec?: boolean;
}

/** A parsed page to query: `$(selector)` over the whole page, `$(element)` to search inside one of its elements. */
export type HtmlPage = (selector: string | Element) => cheerio.Cheerio<AnyNode>;

const SPEC = { pseudos: PSEUDOS };

/**
 * One query function for every htmlparser2 page, each page handed to it as the root to search.
 * `cheerio.load` per page would build a class per page, which V8 keeps in old space where it
 * holds the page's whole tree through young-generation collections, so every tree was copied
 * and promoted before it could be freed (three quarters of what a page allocated survived).
 */
const fastQuery = cheerio.load('', { xml: { xmlMode: false, decodeEntities: true }, pseudos: PSEUDOS });

/** A page parsed the way every CSS reader here needs it (cascadia pseudos), by the parser asked for. */
export function loadHtml(html: string, parsing: HtmlParsing = {}): HtmlPage {
  if (parsing.spec) {
    const $ = cheerio.load(html, SPEC);
    return (selector) => $(selector);
  }
  // htmlparser2's defaults are cheerio's for HTML: entities decoded, names lower-cased.
  const document = parseDocument(html);
  return (selector) => fastQuery(selector, undefined, document);
}

/**
 * Element names whose matches depend on what only the standard's tree building adds or moves:
 * <tbody> (and so a `tr`'s parent and position among its siblings), the document elements, and
 * <noscript>/<template> contents. Names inside quotes, [attributes], .classes and #ids do not count.
 */
const SPEC_TREE_NAMES = /(?:^|[\s>+~,(])(?:tbody|tr|html|head|body|noscript|template)(?![\w-])|:root\b/i;

/** Whether selectors need the standard's tree (see HtmlParsing.spec) to match as SEL's would. */
export function needsSpecTree(selectors: readonly string[]): boolean {
  return selectors.some((css) => SPEC_TREE_NAMES.test(css.replace(/"[^"]*"|'[^']*'|\[[^\]]*\]/g, '[]')));
}

/** Why a CSS selector cannot be used, or undefined when it compiles. */
export function selectorProblem(css: string): string | undefined {
  try {
    loadHtml('')(css);
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

/**
 * Elements a field selector picks in a container: the container itself when it matches (SEL's
 * "self-match", here for every field, so `event_list: a.card` + `url: a.card` works), else its
 * matching descendants in document order.
 */
export function matchesIn($: HtmlPage, container: Element, field: FieldSelector): Element[] {
  if (field.css === undefined) return [container];
  const self = $(container);
  if (self.is(field.css)) return [container];
  return self.find(field.css).toArray();
}

/** The URL relative links resolve against: the page's <base href> if it has one. */
export function documentBase($: HtmlPage, pageUrl: string): string {
  const href = $('base[href]').first().attr('href');
  if (!href) return pageUrl;
  try {
    return new URL(href.trim(), pageUrl).href;
  } catch {
    return pageUrl;
  }
}

/** Elements only: a selector result typed as any node (text, comments) narrowed for attribs. */
export function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}
