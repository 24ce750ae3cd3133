import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadEnvironment, type Env } from '../config/run-config.ts';
import { describeError, SelScraperError } from '../errors.ts';
import { envFileExposure, secretFileExposure } from '../keys/env-file.ts';
import type { Redactor } from '../keys/redact.ts';
import type { CliDeps } from './io.ts';

const KEY_VARIABLES = ['SEL_API_KEY', 'SEL_INGEST_KEY', 'SEL_ADMIN_API_KEY'];
const URL_VARIABLES = ['DATABASE_URL', 'TEST_DATABASE_URL', 'SEL_SERVER_URL'];
const TOKEN_VARIABLE = /^SEL_GRAPHQL_TOKEN_.+$/;

/** Teaches the command's redactor every secret the environment (process and .env) holds. */
export function redactEnvironment(redactor: Redactor, env: Env): void {
  for (const name of KEY_VARIABLES) redactor.addKey(env[name]);
  for (const name of URL_VARIABLES) {
    redactor.addUrlUserinfo(env[name]);
    if (name !== 'SEL_SERVER_URL') redactor.addSecret(env[name]);
  }
  for (const [name, value] of Object.entries(env)) if (TOKEN_VARIABLE.test(name)) redactor.addSecret(value);
}

/**
 * The environment of a command that reads secrets from it: warned about when its `.env` is
 * readable by others, and every secret in it known to the redactor before anything is printed.
 */
export function commandEnvironment(deps: CliDeps): Env {
  const env = loadEnvironment(deps.env, deps.cwd);
  if (deps.redactor) redactEnvironment(deps.redactor, env);
  const exposure = envFileExposure(deps.cwd);
  if (exposure) deps.stderr.write(exposure + '\n');
  return env;
}

/**
 * The key of `--key` or `--key-file` (a path, or `-` for standard input): a key on the command
 * line is visible to every user of the machine in `ps`, a key file is not. Undefined when
 * neither is given, so the environment decides.
 */
export async function keyFromFlags(flags: { key?: string | undefined; keyFile?: string | undefined }, deps: CliDeps): Promise<string | undefined> {
  if (flags.key !== undefined && flags.keyFile !== undefined) {
    throw new SelScraperError('ERR_USAGE', '--key and --key-file both given; pass the key one way', {
      hint: 'prefer --key-file: a key in the arguments shows in `ps` to every user of the machine',
    });
  }
  if (flags.keyFile === undefined) return flags.key;
  let text: string;
  if (flags.keyFile === '-') {
    if (!deps.readStdin) throw new SelScraperError('ERR_USAGE', '--key-file - needs the key on standard input, which this command cannot read');
    text = await deps.readStdin();
  } else {
    const file = path.resolve(deps.cwd, flags.keyFile);
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new SelScraperError('ERR_USAGE', `cannot read the key file ${file}: ${(error as NodeJS.ErrnoException).code ?? describeError(error)}`, {
        cause: error,
      });
    }
    const exposure = secretFileExposure(file, 'an API key');
    if (exposure) deps.stderr.write(exposure + '\n');
  }
  const key = text.trim();
  deps.redactor?.addKey(key);
  if (!key) throw new SelScraperError('ERR_KEY_MISSING', `the key file ${flags.keyFile === '-' ? '(standard input)' : flags.keyFile} is empty`);
  return key;
}
