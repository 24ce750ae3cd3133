import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';

/** The variables that make a `.env` a secret: SEL's own docs ask for `chmod 600` on it. */
const SECRET_VARIABLE = /^(DATABASE_URL|TEST_DATABASE_URL|SEL_API_KEY|SEL_INGEST_KEY|SEL_ADMIN_API_KEY|SEL_GRAPHQL_TOKEN_.+)$/;

/**
 * A warning when the `.env` in `cwd` holds a key or a database URL and other users can read it;
 * undefined when all is well, when there is no such file, or on Windows, where mode bits do not
 * say who can read a file. A file that cannot be read is loadEnvironment's error to report.
 */
export function envFileExposure(cwd: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  const file = path.join(cwd, '.env');
  let secrets: string[];
  try {
    const parsed = dotenv.parse(readFileSync(file));
    secrets = Object.keys(parsed).filter((name) => SECRET_VARIABLE.test(name) && parsed[name]);
  } catch {
    return undefined;
  }
  return secrets.length === 0 ? undefined : secretFileExposure(file, secrets.join(', '), platform);
}

/**
 * A warning when a file holding `what` (a key file, a .env) can be read by other users;
 * undefined when only its owner can, or on Windows.
 */
export function secretFileExposure(file: string, what: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o044) === 0) return undefined;
  const who = [mode & 0o040 ? 'group' : '', mode & 0o004 ? 'others' : ''].filter(Boolean).join(' and ');
  return `warning: ${file} holds ${what} and is readable by ${who} (mode ${mode.toString(8).padStart(3, '0')}); run: chmod 600 ${file}`;
}

/** A line that assigns `name` in dotenv syntax, with or without `export `. */
function assignsVariable(line: string, name: string): boolean {
  const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]/.exec(line);
  return match?.[1] === name;
}

/** The value a `.env` text gives `name` (dotenv's own parser, so quoting and comments read as it reads them). */
export function envVariableValue(text: string, name: string): string | undefined {
  return dotenv.parse(text)[name];
}

/**
 * The `.env` text with `name` set to `value`: the line that assigns it is rewritten in place
 * (keeping an `export ` prefix), every other line and comment stays byte for byte, and a file
 * without the variable gets it appended. More than one assignment would leave the file's meaning
 * to the reader's rules (dotenv keeps the first), so every one of them is rewritten.
 * `value` must be printable ASCII without quotes or spaces: every SEL key is.
 */
export function withEnvVariable(text: string, name: string, value: string): string {
  if (!/^[\x21-\x7e]+$/.test(value) || /["'`#\\]/.test(value)) throw new Error('an env value must be printable ASCII without quotes, spaces, # or backslashes');
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  let found = false;
  const rewritten = lines.map((line) => {
    if (!assignsVariable(line, name)) return line;
    found = true;
    return `${/^\s*export\s/.test(line) ? 'export ' : ''}${name}=${value}`;
  });
  if (found) return rewritten.join(newline);
  const body = text === '' || text.endsWith('\n') ? text : text + newline;
  return `${body}${name}=${value}${newline}`;
}

/** The variable a key lives in: the one asked for, else the one the file already uses for the scraper key. */
export function scraperKeyVariable(text: string, asked: string | undefined): string {
  if (asked) return asked;
  const parsed = dotenv.parse(text);
  if (parsed.SEL_API_KEY === undefined && parsed.SEL_INGEST_KEY !== undefined) return 'SEL_INGEST_KEY';
  return 'SEL_API_KEY';
}
