import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveServerSettings } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { createNetwork } from '../fetch/network.ts';
import { renderSummary } from '../report/render.ts';
import { readFailures } from '../run/failures.ts';
import { defaultFailuresPath } from '../run/journal.ts';
import { runReplay } from '../run/replay.ts';
import { isRunId } from '../run/run-id.ts';
import { preparePrivateStateDir } from '../run/state-dir.ts';
import { batchSettings } from '../submit/batch-submitter.ts';
import { asInvoked, PROGRAM } from './command-name.ts';
import type { CliDeps } from './io.ts';
import { deliveryClient, progressView } from './run-client.ts';
import type { ScrapeReplayFlags } from './scrape.ts';
import { commandEnvironment, keyFromFlags } from './secrets.ts';

/** `scrape replay <file>`, loaded only when that command runs. */
export async function scrapeReplay(file: string, flags: ScrapeReplayFlags, deps: CliDeps): Promise<number> {
  const env = commandEnvironment(deps);
  const settings = resolveServerSettings({ server: flags.server, key: await keyFromFlags(flags, deps) }, env);
  const stateDir = path.resolve(deps.cwd, flags.stateDir);
  const input = failuresInput(file, stateDir, deps.cwd);
  const records = await readFailures(input);
  if (records.length === 0)
    throw new SelScraperError('ERR_USAGE', `${file} lists no events`, { hint: 'nothing to replay: the run it came from delivered everything' });
  if (!flags.failures) {
    try {
      preparePrivateStateDir(stateDir, (line) => deps.stderr.write(line + '\n'));
    } catch {
      // Said where it matters: writing the failures file there fails too, and prints its events on stderr instead.
    }
  }
  const view = progressView(flags, deps);
  const network = createNetwork({ dispatcher: deps.dispatcher, connections: 8 });
  const human = flags.json ? deps.stderr : deps.stdout;
  try {
    const report = await runReplay(
      {
        file: input,
        records,
        allowAdminKey: flags.allowAdminKey ?? false,
        batches: batchSettings({
          concurrency: flags.concurrency,
          batchSize: flags.batchSize,
          pollTimeoutSeconds: flags.pollTimeout,
          ratePerMinute: flags.rateLimit,
        }),
        serverUrl: settings.serverUrl,
        timeoutMs: flags.timeout > 0 ? flags.timeout * 1000 : undefined,
        failuresFile: (replayId) => (flags.failures ? path.resolve(deps.cwd, flags.failures) : defaultFailuresPath(stateDir, replayId)),
      },
      {
        client: deliveryClient(settings, flags, network.selFetch, deps, view.onWait),
        clock: deps.clock,
        log: (line) => view.notice(asInvoked(line, deps.command ?? PROGRAM)),
        progress: view.sink,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.redactor ? { redactor: deps.redactor } : {}),
      },
    );
    view.close();
    human.write(renderSummary(report, { command: deps.command ?? PROGRAM, verbose: flags.verbose ?? false }) + '\n');
    if (flags.json) deps.stdout.write(JSON.stringify(report) + '\n');
    return report.exitCode;
  } finally {
    view.close();
    await network.close();
  }
}

/** The file to replay: a path, or a run id standing for that run's failures file in the state folder. */
function failuresInput(argument: string, stateDir: string, cwd: string): string {
  const file = path.resolve(cwd, argument);
  const runId = argument.toUpperCase();
  return !existsSync(file) && isRunId(runId) ? defaultFailuresPath(stateDir, runId) : file;
}
