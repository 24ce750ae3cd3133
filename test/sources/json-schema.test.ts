import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sourceJsonSchema } from '../../src/sources/json-schema.ts';
import { needsReference, referenceMissing, referencePath } from '../helpers/reference.ts';

const root = path.resolve(import.meta.dirname, '../..');
const realConfigs = referencePath('sel-configs');
const shipped = path.join(root, 'schema/source.schema.json');

const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(sourceJsonSchema());

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
    .map((f) => path.join(dir, f));
}

function errorsOf(yaml: string): string[] {
  return validate(parse(yaml)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

describe('the JSON Schema of a source config', () => {
  it('is shipped as schema/source.schema.json, exactly as `sources schema` generates it (regenerate: node bin/sel-scraper sources schema > schema/source.schema.json)', () => {
    expect(readFileSync(shipped, 'utf8')).toBe(JSON.stringify(sourceJsonSchema(), null, 2) + '\n');
  });

  it('is a valid draft 2020-12 schema that Ajv compiles in strict mode', () => {
    expect(typeof validate).toBe('function');
  });

  it('accepts the bundled demo configs', () => {
    for (const file of yamlFiles(path.join(root, 'configs/sources'))) expect(errorsOf(readFileSync(file, 'utf8')), file).toEqual([]);
  });

  it.skipIf(referenceMissing !== undefined)(needsReference('accepts every one of the 257 real SEL configs'), () => {
    const files = yamlFiles(realConfigs);
    expect(files).toHaveLength(257);
    const rejected = files.flatMap((file) => errorsOf(readFileSync(file, 'utf8')).map((e) => `${path.basename(file)}: ${e}`));
    expect(rejected).toEqual([]);
  });

  it.each([
    ['an unknown key', 'name: a\nurl: https://a.test/\nmax_page: 3\n', 'must NOT have additional properties'],
    ['a nested unknown key', 'name: a\nurl: https://a.test/\ntier: 1\nselectors:\n  event_list: li\n  titel: h2\n', 'must NOT have additional properties'],
    ['a wrong type', 'name: a\nurl: https://a.test/\nenabled: "yes"\n', 'must be boolean'],
    ['a tier out of range', 'name: a\nurl: https://a.test/\ntier: 7\n', 'must be equal to one of the allowed values'],
    ['a negative max_pages', 'name: a\nurl: https://a.test/\nmax_pages: -1\n', 'must be >= 0'],
    ['an unknown schedule', 'name: a\nurl: https://a.test/\nschedule: hourly\n', 'must be equal to one of the allowed values'],
    ['no name', 'url: https://a.test/\n', "must have required property 'name'"],
    ['no url, urls or sitemap', 'name: a\n', "must have required property 'url'"],
    [
      'a tier 1 source without selectors.event_list',
      'name: a\nurl: https://a.test/\ntier: 1\nselectors:\n  name: h2\n',
      "must have required property 'event_list'",
    ],
    ['a tier 3 source without rest or graphql', 'name: a\nurl: https://a.test/\ntier: 3\n', "must have required property 'rest'"],
  ])('rejects %s', (_what, yaml, message) => {
    expect(errorsOf(yaml).join('\n')).toContain(message);
  });

  it('lets an ICS source keep a tier without selectors, as SEL does', () => {
    expect(errorsOf('name: a\nurl: https://a.test/cal.ics\nextraction_method: ics\ntier: 1\n')).toEqual([]);
  });
});
