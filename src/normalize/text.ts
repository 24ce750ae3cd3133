import { decodeHTML } from 'entities';

/** Whitespace the rewrites in cleanText change: anything but single spaces. */
const UNTIDY_SPACE = /[\t\n\v\f\r\u00a0\u2000-\u200a\u202f\u205f\u3000]| {2}/;

/**
 * Plain text from text that may carry HTML: tags removed (block ends become line breaks),
 * entities decoded (twice, for the many sites that double-encode "&amp;amp;"), whitespace tidied.
 */
export function cleanText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let text = value;
  if (text.includes('<')) {
    text = text
      .replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<\s*br\s*\/?>/gi, '\n')
      .replace(/<\/\s*(p|div|li|h[1-6]|tr)\s*>/gi, '\n')
      .replace(/<[^>]*>/g, '');
  }
  if (text.includes('&')) {
    text = decodeHTML(text);
    if (/&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i.test(text)) text = decodeHTML(text);
  }
  // Most values are already tidy; the three rewrites below are then identities, so skip them.
  if (UNTIDY_SPACE.test(text)) {
    text = text
      .replace(/[\t\f\v \u00a0\u2000-\u200a\u202f\u205f\u3000]+/g, ' ')
      .replace(/ *\r?\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n');
  }
  text = text.trim();
  return text === '' ? undefined : text;
}

/** Like cleanText, on one line: for names and places. */
export function cleanLine(value: string | undefined): string | undefined {
  const text = cleanText(value);
  return text?.includes('\n') ? text.replace(/\s*\n\s*/g, ' ') : text;
}
