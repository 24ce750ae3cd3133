import * as cheerio from 'cheerio';
import { compile, is, selectAll } from 'css-select';
import type { AnyNode, Document, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { parse as parseSpecDocument } from 'parse5';
import { adapter as domhandlerTree } from 'parse5-htmlparser2-tree-adapter';
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
export interface HtmlPage {
  (selector: string | Element): cheerio.Cheerio<AnyNode>;
  /** The parsed document, for `selectIn`. */
  readonly root: Document;
  /** False when the page's text has no `<base` at all, as most pages do: looking for the element walks the whole tree. */
  readonly mayHaveBase: boolean;
}

const BASE_TAG = /<base[\s/>]/i;

/**
 * One query function for every page, each page handed to it as the root to search.
 * `cheerio.load` per page would build a class per page, which V8 keeps in old space where it
 * holds the page's whole tree through young-generation collections, so every tree was copied
 * and promoted before it could be freed (three quarters of what a page allocated survived).
 */
const fastQuery = cheerio.load('', { xml: { xmlMode: false, decodeEntities: true }, pseudos: PSEUDOS });

/** A page parsed the way every CSS reader here needs it (cascadia pseudos), by the parser asked for. */
export function loadHtml(html: string, parsing: HtmlParsing = {}): HtmlPage {
  // parse5 as cheerio.load runs it (scripting on: <noscript> is text, as in SEL's Go parser),
  // into the same node types htmlparser2 builds; htmlparser2's defaults are cheerio's for HTML.
  const document = parsing.spec ? parseSpecDocument(html, { treeAdapter: domhandlerTree, scriptingEnabled: true }) : parseDocument(html);
  return Object.assign((selector: string | Element) => fastQuery(selector, undefined, document), { root: document, mayHaveBase: BASE_TAG.test(html) });
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

/** The URL relative links resolve against: the page's <base href> if it has one. */
export function documentBase(page: HtmlPage, pageUrl: string): string {
  if (!page.mayHaveBase) return pageUrl;
  const href = selectIn(page.root, 'base[href]')[0]?.attribs.href;
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
