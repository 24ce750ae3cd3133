import { describe, expect, it } from 'vitest';
import { relNextLink } from '../../src/read/page.ts';

const page = 'https://venue.test/events/?page=1';

describe('relNextLink', () => {
  it('reads <link rel="next"> in the head, resolved against the page', () => {
    expect(relNextLink('<html><head><link rel="next" href="?page=2&amp;x=1"></head><body></body></html>', page)).toBe('https://venue.test/events/?page=2&x=1');
  });

  it('reads an <a rel=next> in the body, with any quoting and case', () => {
    expect(relNextLink(`<body>${'<p>filler</p>'.repeat(500)}<A class="pager" REL = NEXT href='/events/2'>More</A></body>`, page)).toBe(
      'https://venue.test/events/2',
    );
  });

  it('takes the first of several in document order', () => {
    expect(relNextLink('<link rel="next" href="/a"><a rel="next" href="/b">', page)).toBe('https://venue.test/a');
  });

  it('ignores rel=next on other tags, in text and in other attribute values', () => {
    const html = '<div rel="next" href="/div"></div><p>rel="next"</p><span data-x="rel=nextish"></span><a href="/real" rel="next">';
    expect(relNextLink(html, page)).toBe('https://venue.test/real');
  });

  it('finds rel=next when another attribute comes first, and a data-rel one as before', () => {
    expect(relNextLink('<a href="/x" class="n" rel="prev next">', page)).toBeUndefined();
    expect(relNextLink('<a href="/x" data-rel="next">', page)).toBe('https://venue.test/x');
  });

  it('needs the tag to be closed', () => {
    expect(relNextLink('<a rel="next" href="/x"', page)).toBeUndefined();
  });

  it('gives nothing for a missing href, a non-http link or no rel=next at all', () => {
    expect(relNextLink('<link rel="next">', page)).toBeUndefined();
    expect(relNextLink('<a rel="next" href="javascript:void(0)">', page)).toBeUndefined();
    expect(relNextLink('<a rel="nofollow" href="/x"><link rel="prev" href="/y">', page)).toBeUndefined();
  });

  it('does not take a tag name that only starts like one (<abbr>, <linked>)', () => {
    expect(relNextLink('<abbr rel="next" href="/abbr"><linked rel="next" href="/l"><a rel="next" href="/ok">', page)).toBe('https://venue.test/ok');
  });
});
