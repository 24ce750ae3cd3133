import { describe, expect, it } from 'vitest';
import { cleanLine, cleanText } from '../../src/normalize/text.ts';

describe('cleanText', () => {
  it('drops scripts, styles and comments with their content', () => {
    expect(cleanText('<p>Hi</p><script>alert("x")</script><style>p{}</style><!-- note -->there')).toBe('Hi\nthere');
  });

  it('decodes double-encoded entities', () => {
    expect(cleanText('Rock &amp;amp; Roll')).toBe('Rock & Roll');
  });

  it('keeps paragraphs as line breaks and collapses other whitespace', () => {
    expect(cleanText('<p>One\t two</p>\n\n\n<p>Three&nbsp;four</p>')).toBe('One two\n\nThree four');
  });
});

describe('cleanLine', () => {
  it('puts text on one line', () => {
    expect(cleanLine('A<br>B')).toBe('A B');
  });
});
