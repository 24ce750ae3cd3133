import { PROGRAM } from './command-name.ts';

/**
 * The "Examples:" block of a command's --help: each command line (after the program name) with
 * what it does. Written with the program's own name; main() shows it as the user runs it.
 */
export function examples(lines: readonly (readonly [args: string, what: string])[], after = ''): string {
  const commands = lines.map(([args]) => `  ${PROGRAM} ${args}`);
  const width = Math.max(...commands.map((c) => c.length));
  const body = commands.map((c, i) => `${c.padEnd(width)}   # ${lines[i]?.[1] ?? ''}`);
  return `\nExamples:\n${body.join('\n')}\n${after ? `\n${after}\n` : ''}`;
}
