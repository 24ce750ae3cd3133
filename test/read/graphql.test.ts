import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/fetch/http-client.ts';
import { graphqlTokenVariable, readGraphqlPages } from '../../src/read/graphql.ts';
import type { PageOutcome } from '../../src/read/page.ts';
import type { SourceFile } from '../../src/sources/schema.ts';
import { applyDefaults } from '../../src/sources/validate.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { useOfflineAgent } from '../helpers/offline-agent.ts';

const CMS = 'https://graphql.cms.test';
const ENV_TOKEN = 'env-token-0123456789abcdef';
const YAML_TOKEN = 'yaml-token-fedcba9876543210';
const query = '{ allEvents { title startDate } }';
const json = { headers: { 'content-type': 'application/json' } };
const answer = { data: { allEvents: [{ title: 'Late Set', startDate: '2026-12-12T21:00:00-05:00' }] } };
const agent = useOfflineAgent();

function source(graphql: Partial<NonNullable<SourceFile['graphql']>> = {}, name = 'the-club') {
  return applyDefaults({ name, tier: 3, graphql: { endpoint: `${CMS}/`, query, event_field: 'allEvents', ...graphql } }, `${name}.yaml`, 'America/Toronto');
}

async function read(config: ReturnType<typeof source>, env: Record<string, string> = {}): Promise<PageOutcome[]> {
  const deps = { http: createHttpClient({ dispatcher: agent(), userAgent: 'sel-scraper/test' }), clock: new FakeClock(), env };
  const pages: PageOutcome[] = [];
  for await (const page of readGraphqlPages(config, deps)) pages.push(page);
  return pages;
}

describe('readGraphqlPages', () => {
  it('names the token variable after the source, upper-cased, other characters as _', () => {
    expect(graphqlTokenVariable('tranzac')).toBe('SEL_GRAPHQL_TOKEN_TRANZAC');
    expect(graphqlTokenVariable('the-club.ca 2')).toBe('SEL_GRAPHQL_TOKEN_THE_CLUB_CA_2');
  });

  it('POSTs the query as JSON and maps the events', async () => {
    agent()
      .get(CMS)
      .intercept({ path: '/', method: 'POST', body: JSON.stringify({ query }), headers: { 'content-type': 'application/json', accept: 'application/json' } })
      .reply(200, answer, json);
    const [only] = await read(source());
    expect(only?.ok && only.events.map((e) => e.name)).toEqual(['Late Set']);
  });

  it('sends the token from SEL_GRAPHQL_TOKEN_<NAME> as a Bearer token, ahead of the YAML one', async () => {
    agent()
      .get(CMS)
      .intercept({ path: '/', method: 'POST', headers: { authorization: `Bearer ${ENV_TOKEN}` } })
      .reply(200, answer, json);
    const [only] = await read(source({ token: YAML_TOKEN }), { SEL_GRAPHQL_TOKEN_THE_CLUB: ENV_TOKEN });
    expect(only?.ok).toBe(true);
  });

  it('still sends a token written in the YAML when the variable is not set', async () => {
    agent()
      .get(CMS)
      .intercept({ path: '/', method: 'POST', headers: { authorization: `Bearer ${YAML_TOKEN}` } })
      .reply(200, answer, json);
    const [only] = await read(source({ token: YAML_TOKEN }));
    expect(only?.ok).toBe(true);
  });

  it('never shows the token in a failure, and names the variable to check', async () => {
    agent()
      .get(CMS)
      .intercept({ path: '/', method: 'POST' })
      .reply(401, { error: `invalid token ${ENV_TOKEN}` }, json);
    const [only] = await read(source(), { SEL_GRAPHQL_TOKEN_THE_CLUB: ENV_TOKEN });
    expect(only?.ok).toBe(false);
    const text = JSON.stringify(only);
    expect(text).not.toContain(ENV_TOKEN);
    expect(only?.ok === false && only.error).toMatch(/HTTP 401 .*check the token \(SEL_GRAPHQL_TOKEN_THE_CLUB\)/);
  });

  it('redacts the token when the API echoes it in errors[]', async () => {
    agent()
      .get(CMS)
      .intercept({ path: '/', method: 'POST' })
      .reply(200, { errors: [{ message: `token ${ENV_TOKEN} has expired` }] }, json);
    const [only] = await read(source(), { SEL_GRAPHQL_TOKEN_THE_CLUB: ENV_TOKEN });
    expect(only?.ok === false && only.error).toBe('graphql: API errors: token [redacted] has expired');
  });

  it('suggests the token variable when the API refuses a request sent without one', async () => {
    agent().get(CMS).intercept({ path: '/', method: 'POST' }).reply(403, 'forbidden');
    const [only] = await read(source());
    expect(only?.ok === false && only.error).toMatch(/the API may need a token: set SEL_GRAPHQL_TOKEN_THE_CLUB$/);
  });
});
