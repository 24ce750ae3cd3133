import { Option, type Command } from 'commander';
import { KEY_ROLES, type KeyRole } from '../keys/api-key.ts';
import { examples } from './help.ts';
import type { CliDeps } from './io.ts';
import { intOption } from './options.ts';

export interface StoreOptionFlags {
  databaseUrl?: string;
  server?: string;
  adminKey?: string;
  json?: boolean;
}

export interface CreateKeyFlags extends StoreOptionFlags {
  role: KeyRole;
  expiresInDays?: number;
  sourceId?: string;
}

export interface ListKeyFlags extends StoreOptionFlags {
  maxAgeDays: number;
  expiryWarningDays: number;
}

export interface RotateKeyFlags extends StoreOptionFlags {
  envFile?: string;
  envVar?: string;
  name?: string;
  expiresInDays?: number;
  keepOld?: boolean;
}

export interface CheckKeyFlags {
  key?: string;
  keyFile?: string;
  databaseUrl?: string;
  server?: string;
  json?: boolean;
}

interface OptionSpec {
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
  choices?: readonly string[];
  default?: unknown;
}

const DATABASE_URL: OptionSpec = { flags: '--database-url <url>', description: "SEL's PostgreSQL database (default: $DATABASE_URL, also read from .env)" };
const SERVER: OptionSpec = {
  flags: '--server <url>',
  description: 'SEL server base URL, to go through its admin API (default: $SEL_SERVER_URL when no database URL is set)',
};
const ADMIN_KEY: OptionSpec = {
  flags: '--admin-key <key>',
  description: 'admin API key for --server, exchanged for a short-lived admin token (default: $SEL_ADMIN_API_KEY)',
};
const JSON_OUTPUT: OptionSpec = { flags: '--json', description: 'print the result as one JSON object on stdout' };

const STORE_OPTIONS = [DATABASE_URL, SERVER, ADMIN_KEY, JSON_OUTPUT];

const CREATE_OPTIONS: OptionSpec[] = [
  { flags: '--role <role>', description: 'what the key may do: agent (submit events) or admin (manage keys)', choices: KEY_ROLES, default: 'agent' },
  { flags: '--expires-in-days <n>', description: 'days until the key stops working (required for admin keys)', parse: intOption(1, 36_500) },
  { flags: '--source-id <uuid>', description: "tie the key to a row of SEL's sources table" },
  ...STORE_OPTIONS,
];

const LIST_OPTIONS: OptionSpec[] = [
  {
    flags: '--max-age-days <n>',
    description: "flag active keys at least this old as due for rotation (SEL's guide: every 90 days)",
    parse: intOption(1, 36_500),
    default: 90,
  },
  { flags: '--expiry-warning-days <n>', description: 'flag active keys that expire within this many days', parse: intOption(0, 36_500), default: 14 },
  ...STORE_OPTIONS,
];

const ROTATE_OPTIONS: OptionSpec[] = [
  { flags: '--env-file <file>', description: 'write the new key into this env file (only its line changes; mode 600); without it the new key is printed once' },
  { flags: '--env-var <name>', description: 'the variable that holds the key (default: SEL_API_KEY, or SEL_INGEST_KEY when the file uses that)' },
  { flags: '--name <name>', description: 'name of the new key (default: the old name with "(rotated <date>)")' },
  { flags: '--expires-in-days <n>', description: "days until the new key stops working (default: the old key's lifetime)", parse: intOption(1, 36_500) },
  { flags: '--keep-old', description: 'do not revoke the old key (revoke it later, once nothing uses it)' },
  DATABASE_URL,
  {
    ...SERVER,
    description:
      'SEL server base URL: checks the new key before the old one is revoked, and is the key store when no database URL is set (default: $SEL_SERVER_URL)',
  },
  ADMIN_KEY,
  JSON_OUTPUT,
];

const CHECK_OPTIONS: OptionSpec[] = [
  {
    flags: '--key <key>',
    description: 'the key to check (default: $SEL_API_KEY, else $SEL_INGEST_KEY, also read from .env); visible in `ps`, prefer --key-file',
  },
  { flags: '--key-file <path>', description: 'read the key to check from a file, or from standard input with -' },
  { ...DATABASE_URL, description: `${DATABASE_URL.description}; names the exact reason a key is rejected` },
  {
    ...SERVER,
    description: 'SEL server base URL, asked whether it accepts the key and with which role (default: $SEL_SERVER_URL); with a database too, both are asked',
  },
  JSON_OUTPUT,
];

function withOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    if (spec.parse) option.argParser(spec.parse);
    if (spec.default !== undefined) option.default(spec.default);
    command.addOption(option);
  }
  return command;
}

const STORE_HELP = `
Key store (checked in this order):
  --database-url <url>   SEL's PostgreSQL, as the server's own \`api-key\` CLI uses it
  --server <url>         SEL's admin HTTP API, with --admin-key or $SEL_ADMIN_API_KEY
  $DATABASE_URL          (environment or .env) the database
  $SEL_SERVER_URL        (environment or .env) the admin API
`;

const ROTATE_HELP = `
Examples:
  # a build host's .env, against SEL's database, checked with the server it feeds
  sel-scraper api-key rotate Ab3dE_9x --env-file .env --database-url "$DATABASE_URL" --server https://staging.example.org
  # through the admin API, keeping the old key until the other hosts have the new one
  sel-scraper api-key rotate 1f0c9a2e --env-file /etc/sel-scraper/.env --server https://staging.example.org --keep-old

Exit status: 0 rotated; 3 stopped half way with both keys active (the output says what to run next);
4 the server rejected the new key (rolled back: new key revoked, env file restored); 2 bad usage
or an env file that cannot be read or written (nothing changed, or rolled back); 5 store or server unreachable.
`;

export function registerApiKeyCommands(program: Command, deps: CliDeps, setExitCode: (code: number) => void): void {
  const apiKey = program
    .command('api-key')
    .description('create, list, revoke and check SEL API keys')
    .addHelpText(
      'after',
      STORE_HELP +
        examples([
          ['api-key create lakeshore-scraper --role agent', 'a key for one scraper'],
          ['api-key list', 'every key, and those due for rotation'],
          ['api-key check', 'is the key in .env accepted?'],
        ]),
    );
  withOptions(apiKey.command('create').argument('<name>', 'what the key is for, e.g. the scraper that uses it'), CREATE_OPTIONS)
    .description('mint a key; it is printed once and never again')
    .addHelpText(
      'after',
      examples([
        ['api-key create lakeshore-scraper --role agent', 'an agent key for a build host'],
        ['api-key create ops --role admin --expires-in-days 30', 'admin keys need an expiry'],
      ]),
    )
    .action(async (name: string, flags: CreateKeyFlags) => setExitCode(await (await import('./api-key-create.ts')).createApiKey(name, flags, deps)));
  withOptions(apiKey.command('list'), LIST_OPTIONS)
    .description('every key with its full id, prefix, role, status (active, revoked, expired), age, and keys due for rotation or about to expire')
    .addHelpText(
      'after',
      examples([
        ['api-key list', 'against $DATABASE_URL or the admin API'],
        ['api-key list --json --max-age-days 60', 'for a script: ageDays, rotationDue, expiresSoon'],
      ]),
    )
    .action(async (flags: ListKeyFlags) => setExitCode(await (await import('./api-key-list.ts')).listApiKeys(flags, deps)));
  withOptions(apiKey.command('revoke').argument('<id>', "a full id, at least 8 characters of one, or the key's 8-character prefix"), STORE_OPTIONS)
    .description('revoke a key; it stops working at once')
    .addHelpText('after', examples([['api-key revoke 7cf1a375', "an id prefix from `api-key list`, or the key's prefix"]]))
    .action(async (id: string, flags: StoreOptionFlags) => setExitCode(await (await import('./api-key-revoke.ts')).revokeApiKey(id, flags, deps)));
  withOptions(
    apiKey.command('rotate').argument('<id>', 'the key to replace: a full id, at least 8 characters of one, or its 8-character prefix'),
    ROTATE_OPTIONS,
  )
    .description(
      'replace a key in one safe step: create a new one with the same role, write it into --env-file, check it with the server, then revoke the old one',
    )
    .addHelpText('after', ROTATE_HELP)
    .action(async (id: string, flags: RotateKeyFlags) => setExitCode(await (await import('./api-key-rotate.ts')).rotateApiKey(id, flags, deps)));
  withOptions(apiKey.command('check'), CHECK_OPTIONS)
    .description('would SEL accept this key? With a database, says exactly why not')
    .addHelpText(
      'after',
      examples([
        ['api-key check', 'the key of .env, asked of $SEL_SERVER_URL'],
        ['api-key check --key-file ~/.config/sel/agent.key', 'a key kept in a file'],
        ['api-key check --database-url "$DATABASE_URL"', 'why the database rejects it'],
      ]),
    )
    .action(async (flags: CheckKeyFlags) => setExitCode(await (await import('./api-key-check.ts')).checkApiKey(flags, deps)));
}
