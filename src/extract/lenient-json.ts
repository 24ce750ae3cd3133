import { decodeHTML } from 'entities';
import { describeError } from '../errors.ts';

/**
 * JSON.parse for JSON-LD as real sites write it. Repairs only what cannot change meaning:
 * HTML-comment and CDATA wrappers, a block HTML-escaped as a whole, raw control characters
 * inside strings, comments and trailing commas outside strings. Anything else is reported, not
 * guessed at.
 */
export function parseLenientJson(source: string): { value: unknown; repaired: boolean } | { error: string } {
  const unwrapped = unwrap(source);
  try {
    return { value: JSON.parse(unwrapped), repaired: unwrapped !== source.trim() };
  } catch (first) {
    // Some templates HTML-escape the whole block ({&quot;@type&quot;: ...}); unescape only then.
    const candidates = /^[[{]\s*&quot;/.test(unwrapped) ? [repair(decodeHTML(unwrapped))] : [repair(unwrapped)];
    for (const candidate of candidates) {
      try {
        return { value: JSON.parse(candidate), repaired: true };
      } catch {
        // fall through to the original error, which points at the real problem
      }
    }
    return { error: describeError(first) };
  }
}

function unwrap(source: string): string {
  return source
    .trim()
    .replace(/^(?:\/\/\s*)?<!--/, '')
    .replace(/(?:\/\/\s*)?-->$/, '')
    .trim()
    .replace(/^(?:\/\/\s*)?<!\[CDATA\[/, '')
    .replace(/(?:\/\/\s*)?\]\]>$/, '')
    .trim();
}

const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function repair(source: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (inString) {
      if (ch === '\\') {
        out += ch + (source[i + 1] ?? '');
        i++;
      } else if (ch === '"') {
        inString = false;
        out += ch;
      } else if (ch < ' ') {
        out += CONTROL_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
      } else {
        out += ch;
      }
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 1;
    } else if (ch === ',') {
      let j = i + 1;
      while (j < source.length && /\s/.test(source[j] as string)) j++;
      if (source[j] !== '}' && source[j] !== ']') out += ch;
    } else {
      out += ch;
    }
  }
  return out;
}
