import type { AnyNode } from 'domhandler';

/** Elements that start a new line when a browser lays the page out. */
const BLOCK_ELEMENTS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);
const HIDDEN_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'head']);

/**
 * The text a reader sees in an element, with line breaks where <br> and block elements put
 * them. SEL's colly reads raw text nodes back to back, so "<p>Doors</p><p>7pm</p>" became
 * "Doors7pm"; a date parser and a description both need the break.
 */
export function textLines(node: AnyNode): string {
  const out: string[] = [];
  collect(node, out);
  return out
    .join('')
    .replace(/[\t\f\v \u00a0\u2000-\u200b\u202f\u205f\u3000]+/g, ' ')
    .replace(/ *\n[ \n]*/g, (run) => (run.split('\n').length > 2 ? '\n\n' : '\n'))
    .trim();
}

/** textLines on one line: names, places and date texts ("Dec 8<br>7:30pm" → "Dec 8 7:30pm"). */
export function textLine(node: AnyNode): string {
  return textLines(node).replace(/\s+/g, ' ');
}

function collect(node: AnyNode, out: string[]): void {
  if (node.type === 'text') {
    out.push(node.data.replace(/[\r\n]+/g, ' '));
    return;
  }
  if (!('children' in node)) return;
  const name = 'name' in node ? node.name.toLowerCase() : '';
  if (HIDDEN_ELEMENTS.has(name)) return;
  if (name === 'br') {
    out.push('\n');
    return;
  }
  const block = BLOCK_ELEMENTS.has(name);
  if (block) out.push('\n');
  for (const child of node.children) collect(child, out);
  if (block) out.push('\n');
}

/**
 * The same text in a string of its own. htmlparser2 hands out text and attribute values as
 * slices of the page, and V8 keeps a slice's whole page alive for as long as the slice lives:
 * an event's name kept until its source ends would keep every page it came from.
 */
export function detached(text: string): string {
  // Concatenation then slice makes V8 copy the characters into a new string.
  return (' ' + text).slice(1);
}
