import { SelScraperError } from '../errors.ts';
import type { SourceConfig } from '../sources/types.ts';
import type { ExtractResult } from './raw-event.ts';
import { compileApiMapping, fieldOf, isItem, jsonKind, listKeys, mapApiItems, type ApiField } from './api-mapping.ts';

/** What SEL maps when a GraphQL source has no field_map: the DatoCMS event model (Tranzac). */
export const DATOCMS_LEGACY_MAPPING: Readonly<Partial<Record<ApiField, string>>> = {
  name: 'title',
  start_date: 'startDate',
  end_date: 'endDate',
  description: 'description',
  image: 'photo.url',
  location: 'rooms.0.name',
};

const MAX_ERROR_TEXT = 500;

/**
 * Events from a GraphQL response: the list at `data.<event_field>`. Any entry in `errors[]`
 * fails the page with the server's messages, as SEL does, even when some data came back.
 */
export function extractGraphqlResponse(body: unknown, source: SourceConfig, pageUrl: string): ExtractResult {
  const graphql = source.graphql;
  if (!graphql?.event_field) throw new SelScraperError('ERR_INTERNAL', `source ${source.name} has no graphql.event_field`);
  const mapping = compileApiMapping('graphql', graphql.field_map, graphql.url_template, DATOCMS_LEGACY_MAPPING);
  if (!isItem(body)) throw new SelScraperError('ERR_EXTRACT', `graphql: ${pageUrl} answered with ${jsonKind(body)}, not a GraphQL response object`);

  const errors = Array.isArray(body.errors) ? body.errors : [];
  if (errors.length > 0) {
    const messages = errors.map((e) => (isItem(e) && typeof e.message === 'string' ? e.message : JSON.stringify(e))).join('; ');
    const text = messages.length > MAX_ERROR_TEXT ? `${messages.slice(0, MAX_ERROR_TEXT)}…` : messages;
    throw new SelScraperError('ERR_EXTRACT', `graphql: API errors: ${text}`);
  }
  const data = body.data;
  if (!isItem(data)) throw new SelScraperError('ERR_EXTRACT', `graphql: the response from ${pageUrl} has no "data" object`);
  const list = fieldOf(data, graphql.event_field);
  if (list === undefined) {
    throw new SelScraperError(
      'ERR_EXTRACT',
      `graphql: no "${graphql.event_field}" under data in the response (it has ${listKeys(data)}); check graphql.event_field`,
    );
  }
  if (list === null) return { events: [], warnings: [] };
  if (!Array.isArray(list)) throw new SelScraperError('ERR_EXTRACT', `graphql: data.${graphql.event_field} is ${jsonKind(list)}, not a list of events`);
  const items = list.filter(isItem);
  const mapped = mapApiItems(items, mapping, pageUrl);
  const skipped = list.length - items.length;
  return skipped > 0
    ? { events: mapped.events, warnings: [`${pageUrl}: skipped ${skipped} entries of data.${graphql.event_field} that are not objects`, ...mapped.warnings] }
    : mapped;
}
