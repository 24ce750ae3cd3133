import type { ServerSettings } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { describeKey } from '../keys/redact.ts';
import type { RunDefinition } from './journal.ts';
import type { ResumeState } from './resume.ts';

export interface NewRun {
  /** Absolute paths: the journal must name the same folders whatever directory a resume runs in. */
  sourcesDir: string;
  only: readonly string[];
  fixtures: string | null;
  batchSize: number;
  defaultTimezone: string;
  /** --tier, --shard, --limit and --full, only those given. */
  scope?: Pick<RunDefinition, 'tier' | 'shard' | 'limit' | 'full'>;
}

/**
 * What a run reads and where it sends, as its journal records it: a resumed run's own (sent to
 * the same server, or refused), else the one the command line describes.
 */
export function runDefinition(resume: ResumeState | undefined, settings: ServerSettings | undefined, run: NewRun): RunDefinition {
  if (resume && settings && normalizedUrl(settings.serverUrl) !== normalizedUrl(resume.run.serverUrl)) {
    throw new SelScraperError('ERR_USAGE', `run ${resume.runId} was sent to ${resume.run.serverUrl}, not ${settings.serverUrl}`, {
      hint: 'resume a run against the server it started with (set SEL_SERVER_URL or --server), or start a new run',
    });
  }
  return (
    resume?.run ?? {
      sourcesDir: run.sourcesDir,
      only: [...run.only],
      fixtures: run.fixtures,
      serverUrl: settings?.serverUrl ?? '',
      keyLabel: settings ? describeKey(settings.apiKey) : '',
      batchSize: run.batchSize,
      defaultTimezone: run.defaultTimezone,
      ...(run.scope ?? {}),
    }
  );
}

function normalizedUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
