import { describe, expect, it } from 'vitest';
import { SeenKeys } from '../../src/submit/event-key.ts';

describe('SeenKeys', () => {
  it('claims a key once', () => {
    const seen = new SeenKeys();
    expect(seen.claim('https://venue.test|https://venue.test/events/1')).toBe(true);
    expect(seen.claim('https://venue.test|https://venue.test/events/1')).toBe(false);
  });

  it('tells apart keys that differ in one character, and knows the keys it starts with', () => {
    const seen = new SeenKeys(['https://venue.test|https://venue.test/events/1']);
    expect(seen.claim('https://venue.test|https://venue.test/events/1')).toBe(false);
    expect(seen.claim('https://venue.test|https://venue.test/events/2')).toBe(true);
    expect(seen.claim('https://venue.tesT|https://venue.test/events/2')).toBe(true);
  });
});
