import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSourceDirectory, parseSourceFile } from '../../src/sources/load.ts';
import { formatConfigIssue } from '../../src/sources/types.ts';
import { MAX_CONFIG_BYTES } from '../../src/sources/yaml-guards.ts';

const options = { defaultTimezone: 'America/Toronto' };
const good = 'name: good\nurl: https://good.test/\n';

function issuesOf(yaml: string): string[] {
  return parseSourceFile('src.yaml', yaml, options).issues.map(formatConfigIssue);
}

async function directory(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sel-hostile-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

/** The billion laughs: nine levels of nine aliases each expand to 9^9 strings. */
function aliasBomb(): string {
  const lines = ['name: bomb', 'url: https://bomb.test/', 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level <= 9; level++)
    lines.push(
      `l${level}: &l${level} [${Array(9)
        .fill(`*l${level - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n') + '\n';
}

describe('hostile YAML is a located config error for its file', () => {
  it('stops an alias bomb at the alias that expands too far, and loads the other configs', async () => {
    const loaded = await loadSourceDirectory(await directory({ 'a-bomb.yaml': aliasBomb(), 'b-good.yaml': good }), options);
    expect(loaded.sources.map((s) => s.name)).toEqual(['good']);
    expect(loaded.broken.map((b) => path.basename(b.file))).toEqual(['a-bomb.yaml']);
    expect(loaded.issues.map(formatConfigIssue)).toEqual([
      expect.stringMatching(/a-bomb\.yaml:7:10: error: YAML: document contains excessive aliasing \(its aliases expand to more than 10000 values/),
    ]);
  });

  it('allows the few aliases a real config might use', () => {
    const { config, issues } = parseSourceFile(
      'a.yaml',
      `${good}headers: &h {X-A: '1'}\nrest: {endpoint: https://good.test/api, headers: *h}\ntier: 3\n`,
      options,
    );
    expect(issues).toEqual([]);
    expect(config?.rest?.headers).toEqual({ 'X-A': '1' });
  });

  it('refuses more aliases than any config needs, however small each is', () => {
    const yaml = `${good}urls: &u [https://good.test/]\nx: [${Array(101).fill('*u').join(', ')}]\n`;
    expect(issuesOf(yaml)).toEqual([expect.stringMatching(/^src\.yaml:4:\d+: error: YAML: more than 100 aliases/)]);
  });

  it('refuses an anchor whose value contains its own alias', () => {
    expect(issuesOf(`${good}selectors: &s {event_list: *s}\n`)).toEqual(['src.yaml:3:28: error: YAML: anchor "s" value contains itself']);
  });

  it('refuses an alias to an anchor that does not exist', () => {
    expect(issuesOf(`${good}headers: *h\n`)[0]).toMatch(/^src\.yaml:3:10: error: YAML: unknown anchor "h" referenced/);
  });

  it('refuses nesting deeper than any config needs before anything walks it recursively', () => {
    expect(issuesOf(`${good}x: ${'['.repeat(200)}${']'.repeat(200)}\n`)[0]).toMatch(/^src\.yaml:3:\d+: error: YAML: nested more than 64 levels deep/);
  });

  it('refuses a file over 1 MiB without parsing it, and loads the other configs', async () => {
    const big = `${good}notes: "${'x'.repeat(MAX_CONFIG_BYTES)}"\n`;
    const loaded = await loadSourceDirectory(await directory({ 'a-big.yaml': big, 'b-good.yaml': good }), options);
    expect(loaded.sources.map((s) => s.name)).toEqual(['good']);
    expect(loaded.broken).toMatchObject([{ name: 'a-big' }]);
    expect(loaded.issues.map(formatConfigIssue)).toEqual([
      expect.stringMatching(
        new RegExp(`a-big\\.yaml:1:1: error: file is ${Buffer.byteLength(big)} bytes, over the 1048576-byte \\(1 MiB\\) limit for a source config; not read`),
      ),
    ]);
  });

  it('reports a .yaml entry that is not a file as an error for that entry only', async () => {
    const dir = await directory({ 'b-good.yaml': good });
    await mkdir(path.join(dir, 'a-folder.yaml'));
    const loaded = await loadSourceDirectory(dir, options);
    expect(loaded.sources.map((s) => s.name)).toEqual(['good']);
    expect(loaded.issues.map(formatConfigIssue)).toEqual([expect.stringMatching(/a-folder\.yaml:1:1: error: not a regular file/)]);
  });

  it('points a duplicate key at its second occurrence, naming the line of the first, as SEL’s YAML does', () => {
    expect(issuesOf(`${good}name: again\n`)).toEqual(['src.yaml:3:1: error: YAML: mapping key "name" already defined at line 1']);
  });

  it('finds duplicate keys in nested mappings too', () => {
    expect(issuesOf(`${good}tier: 1\nselectors:\n  event_list: .e\n  name: h2\n  event_list: .f\n`)).toEqual([
      'src.yaml:7:3: error: YAML: mapping key "event_list" already defined at line 5',
    ]);
  });

  it('loads a large valid config (30,000 headers, under 1 MiB) whole, duplicate keys checked in one pass', () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `  X-H${i}: v${i}`);
    const yaml = `${good}headers:\n${lines.join('\n')}\n`;
    expect(Buffer.byteLength(yaml)).toBeLessThan(MAX_CONFIG_BYTES);
    const { config, issues } = parseSourceFile('big.yaml', yaml, options);
    expect(issues).toEqual([]);
    expect(Object.keys(config?.headers ?? {})).toHaveLength(30_000);
    expect(config?.headers?.['X-H29999']).toBe('v29999');
  });

  it('finds a duplicate among 30,000 keys', () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `  X-H${i}: v${i}`);
    expect(issuesOf(`${good}headers:\n${lines.join('\n')}\n  X-H7: again\n`)).toEqual([
      'src.yaml:30004:3: error: YAML: mapping key "X-H7" already defined at line 11',
    ]);
  });

  it('shows the first 20 issues of a file and counts the rest', () => {
    const unknown = Array.from({ length: 5_000 }, (_, i) => `unknown_${i}: 1`).join('\n');
    const issues = issuesOf(`${good}${unknown}\n`);
    expect(issues).toHaveLength(21);
    expect(issues[19]).toMatch(/^src\.yaml:22:1: error: unknown key "unknown_19"/);
    expect(issues[20]).toBe('src.yaml:23:1: error: 4980 more issue(s) in this file (4980 error(s)) not shown (fix the ones above and validate again)');
  });
});
