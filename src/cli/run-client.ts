import type { OnWait } from '../clock.ts';
import { escapeControl } from '../keys/redact.ts';
import { createProgressView, type ProgressMode, type ProgressView } from '../report/progress-view.ts';
import type { ServerSettings } from '../config/run-config.ts';
import type { FetchLike } from '../fetch/fetch-like.ts';
import { runSelClient, type SelClient } from '../submit/sel-client.ts';
import { USER_AGENT } from '../version.ts';
import type { CliDeps } from './io.ts';

/**
 * Where `scrape all` and `scrape replay` show their progress: live on a terminal, timestamped
 * lines elsewhere (a log, CI), nothing but notices with --quiet.
 */
export function progressView(
  flags: { quiet?: boolean; verbose?: boolean },
  deps: Pick<CliDeps, 'env' | 'terminal' | 'clock' | 'stderr' | 'redactor'>,
): ProgressView {
  const dumb = deps.env.TERM === 'dumb';
  const mode: ProgressMode = flags.quiet ? 'quiet' : deps.terminal && !dumb ? 'live' : 'lines';
  return createProgressView({
    mode,
    verbose: flags.verbose ?? false,
    clock: deps.clock,
    lines: deps.stderr,
    ...(deps.terminal ? { terminal: deps.terminal } : {}),
    // https://no-color.org: present and not empty.
    color: !dumb && !deps.env.NO_COLOR,
    sanitize: (text) => deps.redactor?.redact(escapeControl(text)) ?? escapeControl(text),
  });
}

/** The SEL client `scrape all` and `scrape replay` deliver with, built from their shared flags. */
export function deliveryClient(
  settings: ServerSettings,
  flags: { rateLimit: number; maxRetryAfter: number },
  selFetch: FetchLike,
  deps: Pick<CliDeps, 'clock'>,
  onWait?: OnWait,
): SelClient {
  return runSelClient({
    baseUrl: settings.serverUrl,
    apiKey: settings.apiKey,
    fetch: selFetch,
    clock: deps.clock,
    userAgent: USER_AGENT,
    ratePerMinute: flags.rateLimit,
    maxRetryAfterMs: flags.maxRetryAfter * 1000,
    ...(onWait ? { onWait } : {}),
  });
}
