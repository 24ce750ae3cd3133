import type { Env } from '../config/run-config.ts';
import { describeError, SelScraperError } from '../errors.ts';
import { DATOCMS_LEGACY_MAPPING, extractGraphqlResponse } from '../extract/graphql.ts';
import { compileApiMapping } from '../extract/api-mapping.ts';
import type { FetchRequest } from '../fetch/http-client.ts';
import { Redactor } from '../keys/redact.ts';
import type { SourceConfig } from '../sources/types.ts';
import { apiHeaders, NO_TLS_FINGERPRINT_WARNING, parseJson } from './api-request.ts';
import { requestFor, type PageOutcome, type PageReaderDeps } from './page.ts';

/**
 * Where a GraphQL source's bearer token is read from: SEL_GRAPHQL_TOKEN_ and the source name
 * upper-cased, every character other than A-Z and 0-9 written as "_" (tranzac → SEL_GRAPHQL_TOKEN_TRANZAC).
 */
export function graphqlTokenVariable(sourceName: string): string {
  return `SEL_GRAPHQL_TOKEN_${sourceName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The environment variable wins; a token written in the YAML still works, as in SEL (the loader warns). */
function graphqlToken(source: SourceConfig, env: Env): { token: string; from: string } | undefined {
  const variable = graphqlTokenVariable(source.name);
  const fromEnv = env[variable]?.trim();
  if (fromEnv) return { token: fromEnv, from: variable };
  const fromYaml = source.graphql?.token?.trim();
  return fromYaml ? { token: fromYaml, from: 'graphql.token' } : undefined;
}

function graphqlRequest(source: SourceConfig, token: string | undefined, signal?: AbortSignal): FetchRequest {
  const graphql = source.graphql;
  if (!graphql?.endpoint) throw new SelScraperError('ERR_INTERNAL', `source ${source.name} has no graphql.endpoint`);
  const base = requestFor(source, graphql.endpoint, signal);
  return {
    ...base,
    method: 'POST',
    timeoutMs: Math.max(base.timeoutMs, graphql.timeout_ms ?? 0),
    headers: apiHeaders(source, undefined, {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    }),
    body: JSON.stringify({ query: graphql.query ?? '' }),
  };
}

/** Tier 3 GraphQL: one POST of the configured query; GraphQL sources have no pagination in SEL. */
export async function* readGraphqlPages(source: SourceConfig, deps: PageReaderDeps): AsyncGenerator<PageOutcome> {
  const endpoint = source.graphql?.endpoint ?? '';
  const credential = graphqlToken(source, deps.env ?? {});
  // The page's own redaction, before the run's: a token is not a key, so none of it is shown.
  const redactor = new Redactor().addSecret(credential?.token);
  try {
    compileApiMapping('graphql', source.graphql?.field_map, source.graphql?.url_template, DATOCMS_LEGACY_MAPPING);
    const doc = await deps.http.fetchDocument(graphqlRequest(source, credential?.token, deps.signal));
    const { events, warnings } = extractGraphqlResponse(parseJson(doc), source, doc.url);
    if (source.tls_fingerprint) warnings.unshift(NO_TLS_FINGERPRINT_WARNING);
    yield { ok: true, url: doc.url, events, warnings: warnings.map((w) => redactor.redact(w)) };
  } catch (error) {
    let reason = redactor.redact(describeError(error));
    if (error instanceof SelScraperError && /^HTTP 40[13] /.test(error.message)) {
      reason += credential ? `; check the token (${credential.from})` : `; the API may need a token: set ${graphqlTokenVariable(source.name)}`;
    }
    yield { ok: false, url: endpoint, error: reason };
  }
}
