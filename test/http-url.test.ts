import { describe, expect, it } from 'vitest';
import { isHttpUrl, parseHttpUrl } from '../src/http-url.ts';

describe('http(s) URL check', () => {
  it('accepts http and https URLs, resolved against a base', () => {
    expect(parseHttpUrl('https://example.org/a')?.href).toBe('https://example.org/a');
    expect(parseHttpUrl('/events?page=2', 'http://example.org/list')?.href).toBe('http://example.org/events?page=2');
  });

  it('refuses other schemes and text that is not a URL', () => {
    for (const value of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'ftp://example.org/', 'not a url']) {
      expect(parseHttpUrl(value)).toBeUndefined();
    }
    expect(isHttpUrl(new URL('chrome://settings'))).toBe(false);
  });
});
