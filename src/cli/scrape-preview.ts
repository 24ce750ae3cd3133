import path from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { defaultTimezone, loadEnvironment, type Env } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { createHeadlessBrowser, DEFAULT_BROWSER_PAGES } from '../fetch/browser.ts';
import { createSourceFetching } from '../fetch/source-fetching.ts';
import { EXIT } from '../report/exit-codes.ts';
import { previewSource, renderPreview } from '../run/preview.ts';
import { loadSourceDirectory } from '../sources/load.ts';
import { closestMatch } from '../sources/suggest.ts';
import { formatConfigIssue, type SourceConfig } from '../sources/types.ts';
import { applyDefaults } from '../sources/validate.ts';
import type { CliDeps } from './io.ts';
import { recorderFor, saveRecording } from './recording.ts';
import { commandEnvironment } from './secrets.ts';

export interface PreviewFlags {
  sources: string;
  json?: boolean;
  fixtures?: string;
  timezone?: string;
  /** --browser-pages (scrape source). */
  browserPages?: number;
  /** --record (scrape source): save every response into this folder. */
  record?: string;
}

/** `scrape source <name>`: one configured source, previewed, nothing submitted. */
export async function previewNamedSource(name: string, flags: PreviewFlags, deps: CliDeps): Promise<number> {
  const env = commandEnvironment(deps);
  const loaded = await loadSourceDirectory(path.resolve(deps.cwd, flags.sources), { defaultTimezone: defaultTimezone(env) });
  const source = loaded.sources.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!source) {
    const broken = loaded.broken.find((b) => b.name.toLowerCase() === name.toLowerCase());
    if (broken) {
      throw new SelScraperError('ERR_CONFIG_INVALID', `source "${name}" has config errors:\n${broken.issues.map(formatConfigIssue).join('\n')}`, {
        hint: 'fix the config; `sources validate` lists every issue',
      });
    }
    const suggestion = closestMatch(name, loaded.sources.map((s) => s.name));
    throw new SelScraperError('ERR_USAGE', `no source named "${name}" in ${flags.sources}`, { hint: suggestion ? `did you mean \`${suggestion}\`?` : 'run `sel-scraper sources validate` to list the sources' });
  }
  deps.redactor?.addSource(source);
  if (!source.enabled) deps.stderr.write(`note: ${source.name} is disabled; previewing it anyway (scrape all skips it)\n`);
  return preview(source, flags, deps, env);
}

/** `scrape url <url>`: a page read as a JSON-LD source (SEL's tier 0), nothing submitted. */
export async function previewUrl(url: string, flags: PreviewFlags, deps: CliDeps): Promise<number> {
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new SelScraperError('ERR_USAGE', `not an http(s) URL: "${url}"`);
  }
  const env = loadEnvironment(deps.env, deps.cwd);
  const source = applyDefaults({ name: parsed.hostname, url, tier: 0, license: 'CC0-1.0', ...(flags.timezone ? { timezone: flags.timezone } : {}) }, '(command line)', defaultTimezone(env));
  deps.redactor?.addSource(source);
  return preview(source, flags, deps, env);
}

async function preview(source: SourceConfig, flags: PreviewFlags, deps: CliDeps, env: Env): Promise<number> {
  const network: Dispatcher = deps.dispatcher ?? new Agent();
  const recorder = recorderFor(flags, deps);
  const fetching = await createSourceFetching({
    network,
    fixturesDir: flags.fixtures ? path.resolve(deps.cwd, flags.fixtures) : undefined,
    clock: deps.clock,
    maxRetryAfterMs: 120_000,
    hostDelayMs: 1_000,
    realNetwork: !deps.dispatcher,
    record: recorder?.interceptor,
  });
  // A browser can neither replay fixtures nor go through an injected dispatcher: those runs read tier 2 pages as fetched.
  // A recorded run reads them the way its replay will.
  const browser = flags.fixtures || deps.dispatcher || recorder ? undefined : createHeadlessBrowser(env, { admit: fetching.admit, pages: flags.browserPages ?? DEFAULT_BROWSER_PAGES });
  try {
    const result = await previewSource(source, {
      http: fetching.http,
      clock: deps.clock,
      env,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(browser ? { browser } : {}),
    });
    if (flags.json) deps.stdout.write(JSON.stringify(result) + '\n');
    else deps.stdout.write(renderPreview(result) + '\n');
    if (recorder) await saveRecording(recorder, deps.stderr, deps.cwd);
    const lost = result.invalid.length > 0 || result.pages.some((p) => !p.ok);
    return lost ? EXIT.partial : EXIT.ok;
  } finally {
    await browser?.close();
    await fetching.close();
    if (!deps.dispatcher) await network.close();
  }
}
