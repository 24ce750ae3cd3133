import type { Element } from 'domhandler';
import { isElement } from '../extract/css-selector.ts';
import { FIELD_CUES } from './cues.ts';

/**
 * CSS selectors a person would write for an element: tag and class names that say what it is,
 * without the ones that change from build to build or from one state to another. Written for
 * cheerio and for SEL's cascadia alike, so only plain selectors, `>`, `:nth-child` and `:has`.
 */

const IDENT = /^-?[A-Za-z_][A-Za-z0-9_-]*$/;
/** State and layout classes that differ between cards of one list, or between two loads of a page. */
const UNSTABLE = /^(?:active|current|selected|first|last|odd|even|hidden|visible|is-.*|has-.*|js-.*|ng-.*|css-.*|sc-.*|jsx-.*|svelte-.*)$/i;

/** Classes fit for a selector: CSS identifiers without generated hashes or state, those naming an event card first. */
export function stableClasses(element: Element): string[] {
  const classes = (element.attribs.class ?? '')
    .split(/\s+/)
    .filter((c) => c.length > 0 && c.length <= 60 && IDENT.test(c) && !UNSTABLE.test(c) && !/\d{4,}|[a-z]\d[a-z]\d/i.test(c));
  const unique = [...new Set(classes)];
  return unique.sort((a, b) => Number(FIELD_CUES.card.test(b)) - Number(FIELD_CUES.card.test(a)));
}

/** `tag#id` when the id is a stable identifier, else `tag.class` of its best class, else undefined. */
export function distinctiveSelector(element: Element): string | undefined {
  const id = element.attribs.id;
  if (id && IDENT.test(id) && !/\d{3,}/.test(id)) return `${element.name}#${id}`;
  const first = stableClasses(element)[0];
  return first ? `${element.name}.${first}` : undefined;
}

export function parentElement(element: Element): Element | undefined {
  const parent = element.parent;
  return parent && isElement(parent) && parent.name !== 'html' && parent.name !== 'body' ? parent : undefined;
}

export function elementChildren(element: Element): Element[] {
  return element.children.filter(isElement);
}

/**
 * Selectors for an element inside an event container, most specific first: its classes, its
 * itemprop, its tag, its place among siblings (table cells), and the same under its parent.
 */
export function relativeSelectors(element: Element, container: Element): string[] {
  const specs: string[] = [];
  const tag = element.name;
  const classes = stableClasses(element).slice(0, 3);
  for (const c of classes) specs.push(`${tag}.${c}`);
  const itemprop = element.attribs.itemprop;
  if (itemprop && IDENT.test(itemprop)) specs.push(`[itemprop=${itemprop}]`);
  specs.push(tag);
  const parent = parentElement(element);
  if (parent) {
    const siblings = elementChildren(parent);
    if (siblings.filter((s) => s.name === tag).length > 1 && classes.length === 0) specs.push(`${tag}:nth-child(${siblings.indexOf(element) + 1})`);
    if (parent !== container) {
      const step = distinctiveSelector(parent) ?? parent.name;
      specs.push(`${step} ${tag}`);
      if (classes[0]) specs.push(`${step} ${tag}.${classes[0]}`);
    }
  }
  return specs;
}

/** The text that says what an element holds: its class names, id, itemprop, and a table column's heading. */
export function cueText(element: Element, columnLabel: (cell: Element) => string | undefined): string {
  return [element.attribs.class, element.attribs.id, element.attribs.itemprop, columnLabel(element)].filter(Boolean).join(' ');
}
