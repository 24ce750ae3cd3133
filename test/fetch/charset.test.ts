import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/fetch/charset.ts';

const BOM_UTF8 = Buffer.from([0xef, 0xbb, 0xbf]);

describe('decodeBody (WHATWG encoding sniffing order)', () => {
  it('lets a UTF-8 byte-order mark win over a Content-Type charset, and drops the mark', () => {
    const body = Buffer.concat([BOM_UTF8, Buffer.from('Café', 'utf8')]);
    expect(decodeBody(body, 'text/html; charset=iso-8859-1')).toEqual({ text: 'Café', charset: 'utf-8' });
  });

  it('lets a UTF-16LE byte-order mark win over a Content-Type charset', () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Café', 'utf16le')]);
    expect(decodeBody(body, 'text/html; charset=utf-8')).toEqual({ text: 'Café', charset: 'utf-16le' });
  });

  it('lets a byte-order mark win over a <meta charset>', () => {
    const body = Buffer.concat([BOM_UTF8, Buffer.from('<meta charset="windows-1252"><p>Café</p>', 'utf8')]);
    expect(decodeBody(body, 'text/html').text).toBe('<meta charset="windows-1252"><p>Café</p>');
  });

  it('uses the Content-Type charset over a <meta charset> when there is no mark', () => {
    const body = Buffer.concat([Buffer.from('<meta charset="utf-8"><p>'), Buffer.from([0x43, 0x61, 0x66, 0xe9]), Buffer.from('</p>')]);
    expect(decodeBody(body, 'text/html; charset=iso-8859-1')).toEqual({ text: '<meta charset="utf-8"><p>Café</p>', charset: 'windows-1252' });
  });
});
