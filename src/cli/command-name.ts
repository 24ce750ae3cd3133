import path from 'node:path';

export const PROGRAM = 'sel-scraper';

/**
 * How the user ran this program, so hints and help show a command that works when pasted:
 * `npx sel-scraper` under npx (npm exec), `sel-scraper` when found on PATH (a global install,
 * node_modules/.bin in an npm script), else `node <script>` as run from a checkout, relative to
 * the working directory.
 */
export function invokedCommand(input: { script: string | undefined; env: Record<string, string | undefined>; cwd: string }): string {
  const { script, env, cwd } = input;
  if (env.npm_command === 'exec' || env.npm_lifecycle_event === 'npx') return `npx ${PROGRAM}`;
  if (!script) return PROGRAM;
  const resolved = path.resolve(cwd, script);
  const onPath = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => path.resolve(cwd, dir) === path.dirname(resolved));
  if (onPath && path.basename(resolved) === PROGRAM) return PROGRAM;
  const relative = path.relative(cwd, resolved);
  const shown = relative.length < resolved.length && relative !== '' ? relative : resolved;
  return `node ${shellWord(shown)}`;
}

/** A path as one shell word: quoted only when it has to be. */
function shellWord(text: string): string {
  return /^[\w./@:+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

const COMMAND_GROUPS = ['scrape', 'sources', 'api-key', 'health', 'report'];
// Commands, and help's usage line of the program itself.
const COMMAND_MENTION = new RegExp(`\\b${PROGRAM} (?=(?:${COMMAND_GROUPS.join('|')})\\b|\\[options\\])`, 'g');

/**
 * A hint or help text with each `sel-scraper <command>` it suggests written as the user runs the
 * program. Hints are written deep in the code, where how the program was started is not known;
 * they are shown in one place, which knows.
 */
export function asInvoked(text: string, command: string): string {
  return command === PROGRAM ? text : text.replace(COMMAND_MENTION, `${command} `);
}
