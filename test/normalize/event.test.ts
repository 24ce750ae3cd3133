import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/extract/raw-event.ts';
import { extractJsonLd } from '../../src/extract/jsonld.ts';
import { normalizeEvent, type NormalizeOutcome } from '../../src/normalize/event.ts';
import { groupOccurrences } from '../../src/normalize/group.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import type { SourceFile } from '../../src/sources/schema.ts';

const now = new Date('2026-11-25T12:00:00Z');
const page = 'https://venue.test/whats-on';

function source(extra: Partial<SourceFile> = {}) {
  return applyDefaults({ name: 'venue', url: page, license: 'CC0-1.0', timezone: 'America/Toronto', ...extra }, 'venue.yaml', 'America/Toronto');
}

function raw(extra: Partial<RawEvent> = {}): RawEvent {
  return { pageUrl: page, name: 'Show', description: 'A show.', startDate: '2027-01-10T20:00:00', location: { name: 'Hall' }, ...extra };
}

function valid(outcome: NormalizeOutcome) {
  if (outcome.kind !== 'valid') throw new Error(`expected valid, got ${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome;
}

describe('normalizeEvent', () => {
  it('produces the EventInput SEL accepts, with CC0 mapped to its URL', () => {
    const { event } = valid(normalizeEvent(raw({ url: '/shows/1', image: 'img/1.jpg' }), { source: source({ domain: 'music' }), now }));
    expect(event).toEqual({
      name: 'Show',
      description: 'A show.',
      startDate: '2027-01-10T20:00:00-05:00',
      eventDomain: 'music',
      url: 'https://venue.test/shows/1',
      image: 'https://venue.test/img/1.jpg',
      location: { name: 'Hall' },
      license: 'https://creativecommons.org/publicdomain/zero/1.0/',
      source: { url: page, eventId: 'https://venue.test/shows/1', name: 'venue', license: 'https://creativecommons.org/publicdomain/zero/1.0/' },
    });
  });

  it('uses the source’s default_location when the page gives none', () => {
    const { event } = valid(
      normalizeEvent(raw({ location: undefined as never }), { source: source({ default_location: { name: 'Main Hall', address_locality: 'Toronto' } }), now }),
    );
    expect(event.location).toEqual({ name: 'Main Hall', addressLocality: 'Toronto' });
  });

  it('reports an event with no place at all as invalid, with what to do', () => {
    const { location: _drop, ...noPlace } = raw();
    expect(normalizeEvent(noPlace, { source: source(), now })).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('default_location') });
  });

  it('sends an online event with its virtual location', () => {
    const { location: _drop, ...online } = raw({ virtualLocation: { url: 'https://zoom.test/j/1' } });
    const { event } = valid(normalizeEvent(online, { source: source(), now }));
    expect(event.virtualLocation).toEqual({ '@type': 'VirtualLocation', url: 'https://zoom.test/j/1' });
  });

  it('names a place that only has an address by its address', () => {
    const { event } = valid(normalizeEvent(raw({ location: { streetAddress: '1 Main St', addressLocality: 'Toronto' } }), { source: source(), now }));
    expect(event.location).toEqual({ name: '1 Main St', streetAddress: '1 Main St', addressLocality: 'Toronto' });
  });

  it('reports missing names and unreadable start dates as invalid with the reason', () => {
    expect(normalizeEvent(raw({ name: '  ' }), { source: source(), now })).toMatchObject({ kind: 'invalid', reason: 'no name' });
    expect(normalizeEvent(raw({ startDate: 'soon' }), { source: source(), now })).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('start date'),
    });
  });

  it('drops a reserved test-domain url that would make SEL reject the whole event', () => {
    const outcome = valid(normalizeEvent(raw({ url: 'https://example.com/x' }), { source: source(), now }));
    expect(outcome.event.url).toBeUndefined();
    expect(outcome.warnings.join()).toMatch(/reserved test domain/);
  });

  it('refuses a non-CC0 license, which SEL rejects', () => {
    expect(normalizeEvent(raw(), { source: source({ license: 'CC-BY-4.0' }), now })).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('CC0') });
  });

  it('gives events without @id or url distinct, stable ids instead of the page URL', () => {
    const a = valid(normalizeEvent(raw({ name: 'A' }), { source: source(), now })).event.source.eventId;
    const b = valid(normalizeEvent(raw({ name: 'B' }), { source: source(), now })).event.source.eventId;
    const again = valid(normalizeEvent(raw({ name: 'A' }), { source: source(), now })).event.source.eventId;
    expect(a).not.toBe(b);
    expect(a).toBe(again);
    expect(a.startsWith(page + '#event-')).toBe(true);
  });

  it('resolves a relative @id against the page', () => {
    const { event } = valid(normalizeEvent(raw({ id: '#show-1' }), { source: source(), now }));
    expect(event.source.eventId).toBe('https://venue.test/whats-on#show-1');
  });

  it('skips cancelled events', () => {
    expect(normalizeEvent(raw({ cancelled: true }), { source: source(), now })).toMatchObject({ kind: 'skipped' });
  });

  it('turns occurrences into RFC 3339, sorted, the earliest as startDate', () => {
    const { event } = valid(
      normalizeEvent(
        raw({
          startDate: undefined as never,
          occurrences: [{ startDate: '2027-06-02T20:00:00' }, { startDate: '2027-06-01T19:00:00', endDate: '2027-06-01T21:00:00' }],
        }),
        { source: source(), now },
      ),
    );
    expect(event.startDate).toBe('2027-06-01T19:00:00-04:00');
    expect(event.occurrences).toEqual([
      { startDate: '2027-06-01T19:00:00-04:00', endDate: '2027-06-01T21:00:00-04:00' },
      { startDate: '2027-06-02T20:00:00-04:00' },
    ]);
  });

  it('uses SEL’s Go-duration threshold as nanoseconds', () => {
    const { event } = valid(normalizeEvent(raw(), { source: source({ multi_session_duration_threshold: '720h', skip_multi_session_check: true }), now }));
    expect(event.multi_session_duration_threshold).toBe(720 * 3600 * 1e9);
    expect(event.skip_multi_session_check).toBe(true);
  });

  it('cuts an over-long description to SEL’s limit instead of losing the event', () => {
    const outcome = valid(normalizeEvent(raw({ description: 'x'.repeat(10_500) }), { source: source(), now }));
    expect([...(outcome.event.description ?? '')].length).toBe(10_000);
  });
});

describe('groupOccurrences', () => {
  it('merges rows with the same URL and name into one event with occurrences (SEL grouping)', () => {
    const rows = [
      raw({ url: '/hamlet', name: 'Hamlet', startDate: '2027-06-01T20:00' }),
      raw({ url: '/hamlet', name: 'Hamlet', startDate: '2027-06-02T20:00' }),
      raw({ url: '/tempest', name: 'Tempest' }),
    ];
    const grouped = groupOccurrences(rows);
    expect(grouped.map((g) => [g.name, g.occurrences?.length ?? 0])).toEqual([
      ['Hamlet', 2],
      ['Tempest', 0],
    ]);
  });

  it('never merges rows without a URL', () => {
    expect(groupOccurrences([raw(), raw()])).toHaveLength(2);
  });

  it('never merges rows that carry their own identity, such as ICS occurrences', () => {
    const rows = [raw({ url: '/yoga', id: 'uid-1:2027-01-04', opaqueId: true }), raw({ url: '/yoga', id: 'uid-1:2027-01-11', opaqueId: true })];
    expect(groupOccurrences(rows)).toHaveLength(2);
  });
});

describe('JSON-LD events through normalisation', () => {
  const jsonLdPage = (node: object, url = page) => extractJsonLd(`<script type="application/ld+json">${JSON.stringify(node)}</script>`, url).events;
  const one = (node: object, url = page) => {
    const [first] = groupOccurrences(jsonLdPage(node, url));
    if (!first) throw new Error('no event extracted');
    return valid(normalizeEvent(first, { source: source(), now })).event;
  };
  const base = { '@type': 'Event', name: 'Workshop', location: { name: 'Hall' }, description: 'Hands on.' };

  it('keeps the end and door time of a single subEvent at the event’s own start', () => {
    const event = one({
      ...base,
      startDate: '2027-03-05T10:00',
      subEvent: { startDate: '2027-03-05T10:00', endDate: '2027-03-05T12:00', doorTime: '2027-03-05T09:30' },
    });
    expect(event).toMatchObject({ startDate: '2027-03-05T10:00:00-05:00', endDate: '2027-03-05T12:00:00-05:00', doorTime: '2027-03-05T09:30:00-05:00' });
    expect(event.occurrences).toBeUndefined();
  });

  it('keeps a single subEvent at the start as an occurrence when its end differs from the event’s', () => {
    const event = one({
      ...base,
      startDate: '2027-03-05T10:00',
      endDate: '2027-03-07T17:00',
      subEvent: { startDate: '2027-03-05T10:00', endDate: '2027-03-05T12:00' },
    });
    expect(event.endDate).toBe('2027-03-07T17:00:00-05:00');
    expect(event.occurrences).toEqual([{ startDate: '2027-03-05T10:00:00-05:00', endDate: '2027-03-05T12:00:00-05:00' }]);
  });

  it.each([
    ['a plain string', 'ext-id-123', 'ext-id-123'],
    ['a number', 42, '42'],
    ['an {"@value"} object', { '@value': 'ext-id-123' }, 'ext-id-123'],
    ['a PropertyValue', { '@type': 'PropertyValue', propertyID: 'ticketing', value: 'T-77' }, 'T-77'],
    ['a PropertyValue whose value is an {"@value"}', { '@type': 'PropertyValue', value: { '@value': 'T-78' } }, 'T-78'],
    [
      'an array of PropertyValues',
      [
        { '@type': 'PropertyValue', propertyID: 'x' },
        { '@type': 'PropertyValue', value: 'T-79' },
      ],
      'T-79',
    ],
  ])('sends an identifier given as %s verbatim as the eventId, whatever page it is read on', (_shape, identifier, eventId) => {
    const node = { ...base, url: 'https://venue.test/workshop', startDate: '2027-03-05T10:00', identifier };
    expect(one(node, 'https://venue.test/page-1').source.eventId).toBe(eventId);
    expect(one(node, 'https://venue.test/page-2').source.eventId).toBe(eventId);
  });

  it('still resolves a relative @id against the page, as JSON-LD defines it', () => {
    expect(one({ ...base, '@id': '/events/9#event', startDate: '2027-03-05T10:00' }).source.eventId).toBe('https://venue.test/events/9#event');
  });

  it('merges the same identified event read on two pages into one event', () => {
    const node = { ...base, url: 'https://venue.test/workshop', startDate: '2027-03-05T10:00', identifier: 'ext-1' };
    const rows = [...jsonLdPage(node, 'https://venue.test/page-1'), ...jsonLdPage(node, 'https://venue.test/page-2')];
    expect(groupOccurrences(rows)).toHaveLength(1);
  });
});

describe('occurrences are a set', () => {
  it('sends the same event listed on two pages once, with no duplicate occurrence', () => {
    const row = raw({ url: '/hamlet', name: 'Hamlet', startDate: '2027-06-01T20:00', endDate: '2027-06-01T22:00' });
    const [grouped] = groupOccurrences([row, { ...row, pageUrl: `${page}?page=2` }]);
    const { event } = valid(normalizeEvent(grouped as RawEvent, { source: source(), now }));
    expect(event).toMatchObject({ startDate: '2027-06-01T20:00:00-04:00', endDate: '2027-06-01T22:00:00-04:00' });
    expect(event.occurrences).toBeUndefined();
  });

  it('keeps one occurrence per distinct start and end, whatever way the time was written', () => {
    const rows = [
      raw({ url: '/hamlet', name: 'Hamlet', startDate: '2027-06-01T20:00' }),
      raw({ url: '/hamlet', name: 'Hamlet', startDate: '2027-06-02T20:00' }),
      raw({ url: '/hamlet', name: 'Hamlet', startDate: '2027-06-01T20:00:00-04:00' }),
      raw({ url: '/hamlet', name: 'Hamlet', startDate: '2027-06-02T20:00', endDate: '2027-06-02T23:00' }),
    ];
    const { event } = valid(normalizeEvent(groupOccurrences(rows)[0] as RawEvent, { source: source(), now }));
    expect(event.occurrences).toEqual([
      { startDate: '2027-06-01T20:00:00-04:00' },
      { startDate: '2027-06-02T20:00:00-04:00' },
      { startDate: '2027-06-02T20:00:00-04:00', endDate: '2027-06-02T23:00:00-04:00' },
    ]);
  });
});
