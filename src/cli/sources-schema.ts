import { EXIT } from '../report/exit-codes.ts';
import { sourceJsonSchema } from '../sources/json-schema.ts';
import type { CliDeps } from './io.ts';

/** `sources schema`: the JSON Schema of a source config, as shipped in schema/source.schema.json. */
export function printSourceSchema(deps: CliDeps): number {
  deps.stdout.write(JSON.stringify(sourceJsonSchema(), null, 2) + '\n');
  return EXIT.ok;
}
