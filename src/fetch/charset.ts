/**
 * Decodes a page to text: charset from Content-Type, else a byte-order mark, else a <meta>
 * declaration in the first 1024 bytes (as browsers do), else UTF-8. WHATWG labels such as
 * "iso-8859-1" map to windows-1252, which is what servers that say so actually send.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | undefined): { text: string; charset: string } {
  const charset = charsetFromContentType(contentType) ?? charsetFromBom(bytes) ?? charsetFromMeta(bytes, contentType) ?? 'utf-8';
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return { text: decoder.decode(bytes), charset: decoder.encoding };
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
