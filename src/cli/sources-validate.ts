import path from 'node:path';
import { defaultTimezone, loadEnvironment } from '../config/run-config.ts';
import { EXIT } from '../report/exit-codes.ts';
import { loadSourceDirectory } from '../sources/load.ts';
import { formatConfigIssue } from '../sources/types.ts';
import type { CliDeps } from './io.ts';
import type { ValidateFlags } from './sources.ts';

/** `sources validate`: every issue with file:line:col, then the sources that loaded. */
export async function validateSources(flags: ValidateFlags, deps: CliDeps): Promise<number> {
  const env = loadEnvironment(deps.env, deps.cwd);
  const loaded = await loadSourceDirectory(path.resolve(deps.cwd, flags.sources), { defaultTimezone: defaultTimezone(env) });
  // Issues quote config values: the secrets of every config that loaded are known before they are printed.
  for (const source of loaded.sources) deps.redactor?.addSource(source);
  const errors = loaded.issues.filter((i) => i.severity === 'error').length;
  if (flags.json) {
    deps.stdout.write(
      JSON.stringify({
        sources: loaded.sources.map((s) => ({ name: s.name, file: s.file, method: s.method, enabled: s.enabled })),
        broken: loaded.broken.map((b) => ({ name: b.name, file: b.file })),
        issues: loaded.issues,
      }) + '\n',
    );
  } else {
    for (const issue of loaded.issues) deps.stderr.write(formatConfigIssue(issue) + '\n');
    for (const s of loaded.sources) deps.stdout.write(`${s.name.padEnd(32)} ${s.method.padEnd(8)} ${s.enabled ? 'enabled' : 'disabled'}\n`);
    deps.stdout.write(`\n${loaded.sources.length} valid, ${loaded.broken.length} invalid, ${errors} error(s), ${loaded.issues.length - errors} warning(s)\n`);
  }
  return errors > 0 ? EXIT.usage : EXIT.ok;
}
