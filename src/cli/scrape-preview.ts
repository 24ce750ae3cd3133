import path from 'node:path';
import { defaultTimezone, loadEnvironment, type Env } from '../config/run-config.ts';
import { SelScraperError } from '../errors.ts';
import { DEFAULT_BROWSER_PAGES } from '../fetch/browser.ts';
import { createNetwork } from '../fetch/network.ts';
import { parseHttpUrl } from '../http-url.ts';
import { EXIT } from '../report/exit-codes.ts';
import { previewSource, renderPreview } from '../run/preview.ts';
import { loadSourceDirectory } from '../sources/load.ts';
import { closestMatch } from '../sources/suggest.ts';
import { formatConfigIssue, type SourceConfig } from '../sources/types.ts';
import { applyDefaults, withTier } from '../sources/validate.ts';
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
  tier?: number;
  limit?: number;
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
    const suggestion = closestMatch(
      name,
      loaded.sources.map((s) => s.name),
    );
    throw new SelScraperError('ERR_USAGE', `no source named "${name}" in ${flags.sources}`, {
      hint: suggestion ? `did you mean \`${suggestion}\`?` : 'run `sel-scraper sources validate` to list the sources',
    });
  }
  deps.redactor?.addSource(source);
  if (!source.enabled) deps.stderr.write(`note: ${source.name} is disabled; previewing it anyway (scrape all skips it)\n`);
  return preview(flags.tier === undefined ? source : asTier(source, flags.tier, deps), flags, deps, env);
}

/** `--tier`: the source read as another tier, refused with SEL's message when its config cannot be. */
function asTier(source: SourceConfig, tier: number, deps: CliDeps): SourceConfig {
  const { config, issues } = withTier(source, tier as SourceConfig['tier']);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new SelScraperError('ERR_USAGE', `${source.name} cannot be read as tier ${tier}: ${errors.map((i) => i.message).join('; ')}`, {
      hint:
        tier === 1 || tier === 2 ? 'add selectors (event_list, name, start_date, …) to the config first' : 'tier 3 needs a rest or graphql block in the config',
    });
  }
  for (const issue of issues) if (issue.severity === 'warning' && issue.path[0] === 'tier') deps.stderr.write(`note: ${issue.message}\n`);
  if (config.method !== source.method)
    deps.stderr.write(`note: reading ${source.name} as tier ${tier} (${config.method}); its config says tier ${source.tier} (${source.method})\n`);
  return config;
}

/** `scrape url <url>`: a page read as a JSON-LD source (SEL's tier 0), nothing submitted. */
export async function previewUrl(url: string, flags: PreviewFlags, deps: CliDeps): Promise<number> {
  const parsed = parseHttpUrl(url);
  if (!parsed) throw new SelScraperError('ERR_USAGE', `not an http(s) URL: "${url}"`);
  const env = loadEnvironment(deps.env, deps.cwd);
  const source = applyDefaults(
    { name: parsed.hostname, url, tier: 0, license: 'CC0-1.0', ...(flags.timezone ? { timezone: flags.timezone } : {}) },
    '(command line)',
    defaultTimezone(env),
  );
  deps.redactor?.addSource(source);
  return preview(source, flags, deps, env);
}

async function preview(source: SourceConfig, flags: PreviewFlags, deps: CliDeps, env: Env): Promise<number> {
  const network = createNetwork({ dispatcher: deps.dispatcher });
  const recorder = recorderFor(flags, deps);
  try {
    const fixturesDir = flags.fixtures ? path.resolve(deps.cwd, flags.fixtures) : undefined;
    const { http, gate } = await network.sources({
      fixturesDir,
      clock: deps.clock,
      maxRetryAfterMs: 120_000,
      hostDelayMs: 1_000,
      record: recorder?.interceptor,
    });
    // A recorded run reads tier 2 pages the way its replay will: without the browser.
    const browser = network.browser(env, {
      fixtures: fixturesDir !== undefined || recorder !== undefined,
      gate,
      pages: flags.browserPages ?? DEFAULT_BROWSER_PAGES,
    });
    const result = await previewSource(
      source,
      {
        http,
        clock: deps.clock,
        env,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(browser ? { browser } : {}),
      },
      { limit: flags.limit || undefined },
    );
    if (flags.json) deps.stdout.write(JSON.stringify(result) + '\n');
    else deps.stdout.write(renderPreview(result) + '\n');
    if (recorder) await saveRecording(recorder, deps.stderr, deps.cwd);
    const lost = result.invalid.length > 0 || result.pages.some((p) => !p.ok);
    return lost ? EXIT.partial : EXIT.ok;
  } finally {
    await network.close();
  }
}
