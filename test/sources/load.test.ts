import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSourceDirectory, parseSourceFile } from '../../src/sources/load.ts';
import { formatConfigIssue } from '../../src/sources/types.ts';
import { needsReference, referenceMissing, referencePath } from '../helpers/reference.ts';

const options = { defaultTimezone: 'America/Toronto' };
const realConfigs = referencePath('sel-configs');

function issuesOf(yaml: string): string[] {
  return parseSourceFile('src.yaml', yaml, options).issues.map(formatConfigIssue);
}

async function directory(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sel-sources-'));
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

describe('loading SEL source configs', () => {
  it.skipIf(referenceMissing !== undefined)(needsReference('loads all 257 real SEL configs unchanged, with no error'), async () => {
    const loaded = await loadSourceDirectory(realConfigs, options);
    expect(loaded.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(loaded.sources).toHaveLength(257);
    expect(loaded.sources.filter((s) => !s.enabled)).toHaveLength(53);
    const methods = Object.fromEntries(['ics', 'css', 'jsonld', 'headless', 'rest', 'graphql'].map((m) => [m, loaded.sources.filter((s) => s.method === m).length]));
    expect(methods).toEqual({ ics: 66, css: 109, jsonld: 38, headless: 29, rest: 14, graphql: 1 });
  });

  it('applies SEL defaults: enabled, tier 0, trust 5, max_pages 10, schedule manual, the default zone', () => {
    const { config } = parseSourceFile('a.yaml', 'name: a\nurl: https://a.test/\n', options);
    expect(config).toMatchObject({ enabled: true, tier: 0, trust_level: 5, max_pages: 10, schedule: 'manual', timezone: 'America/Toronto', method: 'jsonld' });
  });

  it('points an unknown key at its line and column with a did-you-mean hint', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\nmax_page: 3\n')).toEqual(['src.yaml:3:1: error: unknown key "max_page" (did you mean `max_pages`?)']);
  });

  it('points an unknown nested key at its own line', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\ntier: 1\nselectors:\n  event_list: .e\n  nmae: h2\n')).toEqual(['src.yaml:6:3: error: unknown key "selectors.nmae" (did you mean `name`?)']);
  });

  it('reports a wrong type with the value it found', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\ntrust_level: high\n')).toEqual(['src.yaml:3:14: error: trust_level: expected number, got string "high"']);
  });

  it('reports a bad URL with SEL wording at the value', () => {
    expect(issuesOf('name: a\nurl: "ftp://a.test/"\n')).toEqual(['src.yaml:2:6: error: url: must be a valid http/https URL, got "ftp://a.test/"']);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(issuesOf('name: [a\nurl: b\n')[0]).toMatch(/^src\.yaml:\d+:\d+: error: YAML: /);
  });

  it('refuses an unknown time zone, which SEL would silently read as UTC', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\ntimezone: America/Torono\n')[0]).toMatch(/3:11: error: timezone: unknown IANA time zone "America\/Torono"/);
  });

  it('requires selectors.event_list for tier 1 as SEL does', () => {
    expect(issuesOf('name: a\nurl: https://a.test/\ntier: 1\n')[0]).toMatch(/selectors\.event_list: required for tier 1/);
  });

  it('skips files starting with _ and reports a duplicate name at the second file', async () => {
    const dir = await directory({
      '_example.yaml': 'name: x\n',
      'a.yaml': 'name: same\nurl: https://a.test/\n',
      'b.yaml': 'url: https://b.test/\nname: Same\n',
    });
    const loaded = await loadSourceDirectory(dir, options);
    expect(loaded.sources.map((s) => s.name)).toEqual(['same']);
    expect(loaded.broken.map((b) => b.name)).toEqual(['Same']);
    expect(formatConfigIssue(loaded.issues[0]!)).toMatch(/b\.yaml:2:7: error: duplicate source name "Same" \(already defined in .*a\.yaml\)/);
  });

  it('warns that .yml files are not read, instead of ignoring them silently', async () => {
    const dir = await directory({ 'a.yml': 'name: a\n' });
    const loaded = await loadSourceDirectory(dir, options);
    expect(loaded.sources).toEqual([]);
    expect(loaded.issues[0]).toMatchObject({ severity: 'warning', message: expect.stringContaining('.yaml') });
  });

  it('fails clearly when the directory does not exist', async () => {
    await expect(loadSourceDirectory('/nonexistent/sources', options)).rejects.toMatchObject({ code: 'ERR_CONFIG_NOT_FOUND' });
  });
});

describe('template checks at load time', () => {
  it('refuses a url_template with an action SEL configs cannot use, pointing at it', () => {
    const yaml = 'name: a\nurl: https://a.test/\ntier: 3\nrest:\n  endpoint: https://a.test/api\n  url_template: "https://a.test/{{ .slug | upper }}"\n';
    expect(issuesOf(yaml)[0]).toMatch(/^src\.yaml:6:17: error: .*url_template/);
  });
});
