import { describe, expect, it } from 'vitest';
import { extractGraphqlResponse } from '../../src/extract/graphql.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';

const endpoint = 'https://graphql.cms.test/';

function source(graphql: Partial<NonNullable<SourceFile['graphql']>> = {}) {
  return applyDefaults(
    { name: 'club', tier: 3, graphql: { endpoint, query: '{ allEvents { title } }', event_field: 'allEvents', ...graphql } },
    'club.yaml',
    'America/Toronto',
  );
}

const datoEvent = {
  title: 'Late Set',
  startDate: '2026-12-12T21:00:00-05:00',
  endDate: '2026-12-12T23:00:00-05:00',
  slug: 'late-set',
  description: '<p>Trio</p>',
  photo: { url: 'https://img.cms.test/late.jpg' },
  rooms: [{ name: 'Southern Cross' }, { name: 'Main Hall' }],
};

describe('extractGraphqlResponse', () => {
  it("maps DatoCMS events with SEL's legacy mapping when there is no field_map", () => {
    const { events } = extractGraphqlResponse({ data: { allEvents: [datoEvent] } }, source({ url_template: 'https://club.test/events/{{.slug}}' }), endpoint);
    expect(events).toEqual([
      {
        pageUrl: endpoint,
        name: 'Late Set',
        startDate: '2026-12-12T21:00:00-05:00',
        endDate: '2026-12-12T23:00:00-05:00',
        description: '<p>Trio</p>',
        image: 'https://img.cms.test/late.jpg',
        location: { name: 'Southern Cross' },
        url: 'https://club.test/events/late-set',
      },
    ]);
  });

  it('uses the field_map instead of the legacy mapping when one is given', () => {
    const body = { data: { allEvents: [{ headline: 'Talk', when: '2027-02-02T18:00:00Z' }] } };
    const { events } = extractGraphqlResponse(body, source({ field_map: { name: 'headline', start_date: 'when' } }), endpoint);
    expect(events).toEqual([{ pageUrl: endpoint, name: 'Talk', startDate: '2027-02-02T18:00:00Z' }]);
  });

  it('fails with every message of errors[] even when data came back too', () => {
    const body = { data: { allEvents: [datoEvent] }, errors: [{ message: 'Field "startDate" is deprecated' }, { message: 'Rate limited' }] };
    expect(() => extractGraphqlResponse(body, source(), endpoint)).toThrow('graphql: API errors: Field "startDate" is deprecated; Rate limited');
  });

  it('fails naming the fields under data when event_field is not there', () => {
    expect(() => extractGraphqlResponse({ data: { allShows: [] } }, source(), endpoint)).toThrow(
      /no "allEvents" under data in the response \(it has fields "allShows"\)/,
    );
  });

  it('fails when event_field is not a list', () => {
    expect(() => extractGraphqlResponse({ data: { allEvents: { title: 'x' } } }, source(), endpoint)).toThrow(
      /data\.allEvents is an object, not a list of events/,
    );
  });

  it('fails when the response has no data object', () => {
    expect(() => extractGraphqlResponse({ message: 'Unauthorized' }, source(), endpoint)).toThrow(/has no "data" object/);
  });
});
