import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envVariableValue, scraperKeyVariable, withEnvVariable } from '../../src/keys/env-file.ts';
import { writePrivateFileAtomically } from '../../src/private-file.ts';

describe('withEnvVariable', () => {
  it.each([
    ['replaces the one line that sets it', 'A=1\nSEL_API_KEY=old\n# c\n', 'A=1\nSEL_API_KEY=new\n# c\n'],
    ['keeps an export prefix', 'export SEL_API_KEY="old"\n', 'export SEL_API_KEY=new\n'],
    ['appends when absent, adding the missing newline', 'A=1', 'A=1\nSEL_API_KEY=new\n'],
    ['writes into an empty file', '', 'SEL_API_KEY=new\n'],
    ['keeps CRLF files CRLF', 'A=1\r\nSEL_API_KEY=old\r\n', 'A=1\r\nSEL_API_KEY=new\r\n'],
    ['does not touch a variable whose name only starts the same', 'SEL_API_KEY_OLD=x\nSEL_API_KEY=old\n', 'SEL_API_KEY_OLD=x\nSEL_API_KEY=new\n'],
    ['leaves comments that mention it alone', '# SEL_API_KEY=example\nSEL_API_KEY=old\n', '# SEL_API_KEY=example\nSEL_API_KEY=new\n'],
  ])('%s', (_label, before, after) => {
    expect(withEnvVariable(before, 'SEL_API_KEY', 'new')).toBe(after);
    expect(envVariableValue(after, 'SEL_API_KEY')).toBe('new');
  });

  it('refuses a value that would need quoting', () => {
    expect(() => withEnvVariable('', 'K', 'a b')).toThrow();
    expect(() => withEnvVariable('', 'K', 'a#b')).toThrow();
  });

  it('picks SEL_INGEST_KEY only when the file uses it and not SEL_API_KEY', () => {
    expect(scraperKeyVariable('SEL_INGEST_KEY=x\n', undefined)).toBe('SEL_INGEST_KEY');
    expect(scraperKeyVariable('SEL_INGEST_KEY=x\nSEL_API_KEY=y\n', undefined)).toBe('SEL_API_KEY');
    expect(scraperKeyVariable('', undefined)).toBe('SEL_API_KEY');
    expect(scraperKeyVariable('SEL_INGEST_KEY=x\n', 'OTHER')).toBe('OTHER');
  });
});

describe('writePrivateFileAtomically', () => {
  it('replaces the file with mode 600 whatever the old mode, leaving no temp file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sel-secret-'));
    const file = path.join(dir, '.env');
    writeFileSync(file, 'old', { mode: 0o644 });
    writePrivateFileAtomically(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['.env']);
  });

  it('leaves the original and no temp file when the target cannot be replaced', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sel-secret-'));
    // A directory in the file's place: the rename fails even for root.
    const file = path.join(dir, 'taken');
    writeFileSync(path.join(dir, 'keep'), 'x');
    mkdirSync(path.join(file, 'inside'), { recursive: true });
    expect(() => writePrivateFileAtomically(file, 'new')).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['keep', 'taken']);
  });
});
