import path from 'node:path';
import { defaultTimezone, loadEnvironment, resolveServerSettings } from '../config/run-config.ts';
import { createNetwork } from '../fetch/network.ts';
import { renderSummary } from '../report/render.ts';
import { findRunToResume, runDefinition } from '../run/run-definition.ts';
import { runScrape } from '../run/scrape-run.ts';
import { batchSettings } from '../submit/batch-submitter.ts';
import { runSelClient } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import type { CliDeps } from './io.ts';
import type { ScrapeAllFlags } from './scrape.ts';

/** `scrape all`, loaded only when that command runs. */
export async function scrapeAll(flags: ScrapeAllFlags, deps: CliDeps): Promise<number> {
  const env = loadEnvironment(deps.env, deps.cwd);
  const dryRun = flags.dryRun ?? false;
  const stateDir = path.resolve(deps.cwd, flags.stateDir);
  const resume = flags.resume === undefined ? undefined : findRunToResume(flags.resume, stateDir, dryRun);
  const settings = dryRun ? undefined : resolveServerSettings({ server: flags.server, key: flags.key }, env);
  const definition = runDefinition(resume, settings, {
    sourcesDir: path.resolve(deps.cwd, flags.sources),
    only: flags.source ?? [],
    fixtures: flags.fixtures ? path.resolve(deps.cwd, flags.fixtures) : null,
    batchSize: flags.batchSize,
    defaultTimezone: defaultTimezone(env),
  });
  if (resume) deps.stderr.write(`resuming run ${resume.runId}: sources from ${definition.sourcesDir}${definition.fixtures ? `, fixtures from ${definition.fixtures}` : ''}\n`);

  const network = createNetwork({ dispatcher: deps.dispatcher, connections: 8 });
  const human = flags.json ? deps.stderr : deps.stdout;
  try {
    const http = await network.sources({ fixturesDir: definition.fixtures, clock: deps.clock, maxRetryAfterMs: flags.maxRetryAfter * 1000, hostDelayMs: flags.hostDelay * 1000 });
    const browser = network.browser(env, { fixtures: definition.fixtures !== null });
    const client = settings
      ? runSelClient({ baseUrl: settings.serverUrl, apiKey: settings.apiKey, fetch: network.selFetch, clock: deps.clock, userAgent: USER_AGENT, ratePerMinute: flags.rateLimit, maxRetryAfterMs: flags.maxRetryAfter * 1000 })
      : undefined;
    const report = await runScrape(
      {
        sourcesDir: definition.sourcesDir,
        only: definition.only,
        dryRun,
        outFile: flags.out ? path.resolve(deps.cwd, flags.out) : undefined,
        allowAdminKey: flags.allowAdminKey ?? false,
        defaultTimezone: definition.defaultTimezone,
        sourceConcurrency: flags.sourceConcurrency,
        batches: batchSettings({ concurrency: flags.concurrency, batchSize: definition.batchSize, pollTimeoutSeconds: flags.pollTimeout, ratePerMinute: flags.rateLimit }),
        serverUrl: settings?.serverUrl,
        timeoutMs: flags.timeout > 0 ? flags.timeout * 1000 : undefined,
        sourceTimeoutMs: flags.sourceTimeout > 0 ? flags.sourceTimeout * 1000 : undefined,
        state: dryRun ? undefined : { dir: stateDir, definition, resume, failuresFile: flags.failures ? path.resolve(deps.cwd, flags.failures) : undefined },
      },
      {
        http,
        env,
        client,
        clock: deps.clock,
        log: (line) => deps.stderr.write(line + '\n'),
        ...(deps.signal ? { signal: deps.signal } : {}),
        browser,
      },
    );
    human.write(renderSummary(report) + '\n');
    if (flags.json) deps.stdout.write(JSON.stringify(report) + '\n');
    return report.exitCode;
  } finally {
    await network.close();
  }
}
