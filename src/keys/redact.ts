/** SEL looks keys up by their first 8 characters; that much identifies a key without revealing it. */
const KEY_PREFIX_LENGTH = 8;

export function keyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX_LENGTH);
}

/** How a key is shown anywhere: its prefix and an ellipsis, never more. */
export function describeKey(key: string): string {
  return `${keyPrefix(key)}…`;
}

/** What a secret that is not an API key (a password, a token, a cookie) is shown as. */
const REDACTED = '[redacted]';

/**
 * Shorter values are not secrets worth hiding, and hiding them would mangle ordinary text (a
 * header value "1" would blank every digit one).
 */
const MIN_SECRET_LENGTH = 6;

/** Header names whose values are credentials, whatever the config calls them. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|key|token|secret|auth|session|passw|signature|credential/i;

function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** The parts of a source config that may hold secrets (structural, so keys/ needs no sources/ import). */
export interface SourceSecrets {
  headers?: Readonly<Record<string, string>> | undefined;
  rest?: { headers?: Readonly<Record<string, string>> | undefined } | undefined;
  headless?: { headers?: Readonly<Record<string, string>> | undefined } | undefined;
  graphql?: { token?: string | undefined } | undefined;
  originAuth?: Readonly<Record<string, string>> | undefined;
}

/**
 * Every secret of one command, and the one place text is cleaned of them before it leaves the
 * process (stdout, stderr, the journal, the failures file, --out, error messages). Secrets are
 * added as the command learns them (flags, environment, key files, source configs); API keys
 * keep their public prefix, anything else becomes [redacted]. Text a server or a page sends
 * back is cleaned too, since the search is for the secret wherever it appears.
 */
export class Redactor {
  /** secret → what replaces it; longest first at redaction, so a token inside a header value goes with it. */
  private readonly replacements = new Map<string, string>();
  private ordered: [string, string][] | undefined;

  /** An API key (SEL's agent or admin keys): shown by its prefix. */
  addKey(key: string | undefined): this {
    if (key && key.length > KEY_PREFIX_LENGTH) this.put(key, describeKey(key));
    return this;
  }

  /** A password, token or other credential: never shown at all. */
  addSecret(secret: string | undefined): this {
    const value = secret?.trim();
    if (value && value.length >= MIN_SECRET_LENGTH) this.put(value, REDACTED);
    return this;
  }

  /** A header value: the whole value, and its credentials part after an auth scheme ("Bearer x", "Basic x"). */
  addHeaderValue(value: string): this {
    this.addSecret(value);
    const scheme = /^\s*(\w+)\s+(\S.*)$/.exec(value);
    if (scheme) {
      this.addSecret(scheme[2]);
      if (scheme[1]?.toLowerCase() === 'basic') this.addBasicCredentials(scheme[2] ?? '');
    }
    return this;
  }

  /** The credentials of configured headers; other headers (Accept, User-Agent) are not secret. */
  addHeaders(headers: Readonly<Record<string, string>> | undefined): this {
    for (const [name, value] of Object.entries(headers ?? {})) if (isCredentialHeader(name)) this.addHeaderValue(value);
    return this;
  }

  /** What a source config holds that is secret: credential headers, a GraphQL token, URL user information. */
  addSource(source: SourceSecrets): this {
    this.addHeaders(source.headers).addHeaders(source.rest?.headers).addHeaders(source.headless?.headers);
    this.addSecret(source.graphql?.token);
    for (const value of Object.values(source.originAuth ?? {})) this.addHeaderValue(value);
    return this;
  }

  /** The user information of a URL (`https://user:password@host/`), as written and decoded. */
  addUrlUserinfo(url: string | undefined): this {
    if (!url) return this;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this;
    }
    if (!parsed.password) return this;
    this.addSecret(parsed.password);
    this.addSecret(safeDecode(parsed.password));
    this.addSecret(`${parsed.username}:${parsed.password}`);
    // However short, a password between its user's colon and the @ is hidden there: in that
    // place it cannot be ordinary text.
    for (const password of new Set([parsed.password, safeDecode(parsed.password)])) {
      this.put(`${parsed.username}:${password}@`, `${parsed.username}:${REDACTED}@`);
    }
    return this;
  }

  redact(text: string): string {
    if (this.replacements.size === 0) return text;
    this.ordered ??= [...this.replacements].sort((a, b) => b[0].length - a[0].length);
    let out = text;
    for (const [secret, replacement] of this.ordered) if (out.includes(secret)) out = out.split(secret).join(replacement);
    return out;
  }

  /** A writer whose every line is redacted first. */
  writer(inner: { write(text: string): unknown }, escape = false): { write(text: string): void } {
    return { write: (text) => void inner.write(this.redact(escape ? escapeControl(text) : text)) };
  }

  private put(secret: string, replacement: string): void {
    if (this.replacements.has(secret)) return;
    this.replacements.set(secret, replacement);
    // The same secret as a JSON string shows its quotes and backslashes escaped.
    const inJson = JSON.stringify(secret).slice(1, -1);
    if (inJson !== secret) this.replacements.set(inJson, replacement);
    this.ordered = undefined;
  }

  private addBasicCredentials(encoded: string): void {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return;
    this.addSecret(decoded);
    this.addSecret(decoded.slice(colon + 1));
  }
}

/** The secrets of one message: API keys (shown by their prefix) and everything else (shown as [redacted]). */
export interface MessageSecrets {
  keys?: readonly (string | undefined)[];
  others?: readonly (string | undefined)[];
}

/**
 * Replaces every occurrence of the given secrets in a text. Only an API key may show its prefix;
 * a password, a database URL, a token or a hash shows nothing of itself, however short.
 */
export function redactSecrets(text: string, secrets: MessageSecrets): string {
  const redactor = new Redactor();
  for (const key of secrets.keys ?? []) if (key) redactor.addKey(key);
  for (const other of secrets.others ?? []) if (other) redactor.addSecret(other);
  return redactor.redact(text);
}

// C0 controls but tab and newline, DEL, and C1 controls (CSI 0x9b starts an escape sequence alone).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from pages and servers made safe for a terminal: an ANSI escape or a carriage return in
 * an error page cannot recolour, move the cursor or overwrite a line; each shows as \u001b etc.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * User input echoed in a message (an id to revoke, a source id) might be a key pasted in the
 * wrong place: it is shown whole only when it cannot be one (short, or UUID characters only).
 */
export function describeUserInput(text: string): string {
  return text.length <= KEY_PREFIX_LENGTH || /^[0-9a-f-]+$/i.test(text) ? text : describeKey(text);
}

/** Text for a fixed-width table cell: each control character one "?", so columns stay aligned. */
export function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, '?');
}
