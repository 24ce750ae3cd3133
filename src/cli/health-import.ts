import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeError } from '../errors.ts';
import { entriesFromReport, type HistoryEntry } from '../health/history.ts';
import { appendHistory, historyPath } from '../health/history-file.ts';
import { parseRunReport } from '../health/report-file.ts';
import { EXIT } from '../report/exit-codes.ts';
import type { HealthImportFlags } from './health.ts';
import type { CliDeps } from './io.ts';
import { commandEnvironment } from './secrets.ts';

/** `health import`: every readable report goes in; an unreadable one is named and makes the exit 2. */
export async function importReports(files: readonly string[], flags: HealthImportFlags, deps: CliDeps): Promise<number> {
  const stateDir = path.resolve(deps.cwd, flags.stateDir);
  // The environment's secrets join the redactor: an imported report's errors are cleaned of them too.
  commandEnvironment(deps);
  const entries: HistoryEntry[] = [];
  let bad = 0;
  for (const file of files) {
    const resolved = path.resolve(deps.cwd, file);
    let text: string;
    try {
      text = readFileSync(resolved, 'utf8');
    } catch (error) {
      bad++;
      deps.stderr.write(`error: cannot read ${resolved}: ${describeError(error)}\n`);
      continue;
    }
    const parsed = parseRunReport(text);
    if (!parsed.ok) {
      bad++;
      deps.stderr.write(`error: ${resolved}: ${parsed.problem}\n`);
      continue;
    }
    entries.push(...entriesFromReport(parsed.report));
  }
  const added = await appendHistory(stateDir, entries, deps);
  deps.stdout.write(
    `${added} source run(s) added to ${historyPath(stateDir)} from ${files.length - bad} report(s)${entries.length > added ? ` (${entries.length - added} already there)` : ''}\n`,
  );
  return bad > 0 ? EXIT.usage : EXIT.ok;
}
