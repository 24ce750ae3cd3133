import * as cheerio from 'cheerio';
import type { AnyNode, Document, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { parse as parseSpecDocument } from 'parse5';
import { adapter as domhandlerTree } from 'parse5-htmlparser2-tree-adapter';
import { PSEUDOS, selectIn } from './css-query.ts';

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
