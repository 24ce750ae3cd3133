import iconv from 'iconv-lite';

/** WHATWG Encoding: these labels mean windows-1252, which is what such servers really send. */
const WINDOWS_1252_LABELS = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'cp1252', 'windows-1252', 'x-cp1252']);

/**
 * Decodes a page to text in the WHATWG encoding-sniffing order browsers use: a byte-order mark,
 * else the charset from Content-Type, else a <meta> declaration in the first 1024 bytes, else
 * UTF-8. The mark comes first because it is in the bytes themselves: a server that labels a
 * UTF-8 file with a BOM as iso-8859-1 is wrong, and believing it gives "ï»¿CafÃ©". Legacy
 * charsets go through iconv-lite because Node's own TextDecoder decodes windows-1252 as Latin-1
 * (curly quotes and dashes come out as control characters).
 */
export function decodeBody(bytes: Uint8Array, contentType: string | undefined): { text: string; charset: string } {
  const declared = charsetFromBom(bytes) ?? charsetFromContentType(contentType) ?? charsetFromMeta(bytes, contentType) ?? 'utf-8';
  const charset = WINDOWS_1252_LABELS.has(declared) ? 'windows-1252' : declared;
  if (charset === 'utf-8' || charset === 'utf8' || !iconv.encodingExists(charset)) {
    return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8' };
  }
  return { text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), charset), charset };
}

function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = contentType ? /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType) : null;
  return match?.[1]?.toLowerCase();
}

function charsetFromBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

function charsetFromMeta(bytes: Uint8Array, contentType: string | undefined): string | undefined {
  if (contentType && !/html|xml/i.test(contentType)) return undefined;
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  if (meta?.[1]) return meta[1].toLowerCase();
  const xml = /^<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  return xml?.[1]?.toLowerCase();
}
