import { describe, expect, it } from 'vitest';
import { escapeControl, Redactor, redactSecrets } from '../../src/keys/redact.ts';

describe('Redactor', () => {
  it('shows an API key by its prefix and hides other secrets whole', () => {
    const redactor = new Redactor().addKey('agEnTkEy-0123456789abcdef').addSecret('hunter2-password');
    expect(redactor.redact('key agEnTkEy-0123456789abcdef, password hunter2-password')).toBe('key agEnTkEy…, password [redacted]');
  });

  it('hides the credentials of a header value, with or without its scheme', () => {
    const redactor = new Redactor().addHeaders({ Authorization: 'Bearer tok-0123456789', Accept: 'application/json' });
    expect(redactor.redact('sent "Bearer tok-0123456789"; echoed tok-0123456789; accepts application/json')).toBe(
      'sent "[redacted]"; echoed [redacted]; accepts application/json',
    );
  });

  it('hides Basic credentials encoded and decoded, and URL user information', () => {
    const basic = Buffer.from('scraper:s3cret-pass').toString('base64');
    const redactor = new Redactor().addHeaderValue(`Basic ${basic}`).addUrlUserinfo('https://scraper:s3cret%2Dpass@venue.test/');
    expect(redactor.redact(`${basic} scraper:s3cret-pass s3cret%2Dpass`)).not.toMatch(/s3cret|c2NyYXBlcjpzM2NyZXQtcGFzcw/);
  });

  it('hides a URL password too short to be hidden everywhere where it stands in a URL, and leaves it elsewhere', () => {
    const redactor = new Redactor().addUrlUserinfo('postgres://sel:pw@db.test:5432/sel');
    expect(redactor.redact('cannot connect to postgres://sel:pw@db.test:5432/sel (pw is fine here)')).toBe(
      'cannot connect to postgres://sel:[redacted]@db.test:5432/sel (pw is fine here)',
    );
  });

  it('finds a secret as JSON escapes it', () => {
    const redactor = new Redactor().addSecret('quo"te\\back-slash');
    expect(redactor.redact(JSON.stringify({ reason: 'echo quo"te\\back-slash' }))).toBe('{"reason":"echo [redacted]"}');
  });

  it('ignores values too short to be secrets, so ordinary text survives', () => {
    expect(new Redactor().addSecret('1').addKey('short').redact('1 short')).toBe('1 short');
  });

  it('learns secrets as the command goes: a writer redacts with what is known when it writes', () => {
    const lines: string[] = [];
    const redactor = new Redactor();
    const out = redactor.writer({ write: (s: string) => lines.push(s) });
    redactor.addSecret('late-secret-value');
    out.write('late-secret-value\n');
    expect(lines).toEqual(['[redacted]\n']);
  });
});

describe('escapeControl', () => {
  it('escapes ANSI sequences, carriage returns and C1 controls, and keeps newlines and tabs', () => {
    expect(escapeControl('a\u001b[31mred\u001b[0m\rover\u009b2J\tb\nc')).toBe('a\\u001b[31mred\\u001b[0m\\u000dover\\u009b2J\tb\nc');
  });
});

describe('redactSecrets', () => {
  it('shows an API key by its prefix, and nothing at all of a password, a database URL or a hash, however short', () => {
    const text = 'auth failed for postgres://sel:pw1sec@db.test/sel (password pw1sec, key AgentKey_0123456789abcdefghij, hash $2b$12$abcdefghijklmnop)';
    const redacted = redactSecrets(text, {
      keys: ['AgentKey_0123456789abcdefghij'],
      others: ['postgres://sel:pw1sec@db.test/sel', 'pw1sec', '$2b$12$abcdefghijklmnop'],
    });
    expect(redacted).toBe('auth failed for [redacted] (password [redacted], key AgentKey…, hash [redacted])');
  });
});
