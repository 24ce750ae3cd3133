import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { choosePlan, draftPlans, endedText, renderDraft, renderedCardPlans, withDefaultLocation, type DraftPlan, type PlanResult } from '../authoring/draft.ts';
import { renderForInspection } from '../authoring/render.ts';
import { inspectPage } from '../authoring/inspect.ts';
import { SelScraperError } from '../errors.ts';
import { EXIT } from '../report/exit-codes.ts';
import { previewSource, type SourcePreview } from '../run/preview.ts';
import { loadSourceDirectory, parseSourceFile } from '../sources/load.ts';
import type { SourceConfig } from '../sources/types.ts';
import { pageUrlArgument, withAuthoringSession, type AuthoringSession } from './authoring-session.ts';
import type { CliDeps } from './io.ts';

export interface NewSourceFlags {
  url: string;
  sources: string;
  fixtures?: string;
  timezone?: string;
  /** Also draft from the page as Chromium builds it (tier 2). */
  render?: boolean;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const COMMAND = 'sel-scraper sources new';
/** normalize/event.ts's reason for an event without a place. */
const NO_PLACE = /^no location or virtual location/;

interface Checked extends PlanResult {
  yaml: string;
  preview: SourcePreview;
}

/**
 * `sources new <name> --url <url>`: drafts DIR/<name>.yaml from what the page offers, checks
 * every draft by reading the page (or feed) with it exactly as `scrape source` would, and
 * writes the one that yields best. Nothing is written when no draft yields an event.
 */
export async function newSource(name: string, flags: NewSourceFlags, deps: CliDeps): Promise<number> {
  if (!NAME.test(name)) {
    throw new SelScraperError('ERR_USAGE', `source name "${name}" is not lowercase letters, digits and hyphens`, {
      hint: `for example ${slug(name) || 'my-venue'}`,
    });
  }
  const pageUrl = pageUrlArgument(flags.url);
  const dir = path.resolve(deps.cwd, flags.sources);
  const file = path.join(dir, `${name}.yaml`);
  const shown = path.relative(deps.cwd, file) || file;
  if (existsSync(file))
    throw new SelScraperError('ERR_USAGE', `${shown} already exists; not overwriting it`, { hint: 'choose another name, or move the file away first' });
  if (existsSync(dir)) await refuseTakenName(name, dir);

  return withAuthoringSession(pageUrl, flags, deps, async (session) => {
    const now = new Date(deps.clock.now());
    const inspection = inspectPage(session.page.text, session.page.url, { zone: session.zone, now });
    const plans = draftPlans(inspection, { name, pageUrl, timezone: session.zone });
    const meta = { date: now.toISOString().slice(0, 10), pageUrl, command: COMMAND };
    const checked: Checked[] = [];
    const check = async (plan: DraftPlan) => {
      const result = await checkPlan(plan, file, session, deps, meta);
      const placeless = result.preview.invalid.some((item) => NO_PLACE.test(item.reason));
      const placed = placeless ? await checkPlan(withDefaultLocation(plan, inspection.siteName), file, session, deps, meta) : undefined;
      checked.push(placed && placed.events > result.events ? placed : result);
    };
    for (const plan of plans) await check(plan);
    if (session.browser) {
      // The page as its scripts build it: cards only there make a tier 2 draft.
      const page = await renderForInspection(session.browser, pageUrl, deps.signal ? { signal: deps.signal } : {});
      const built = inspectPage(page.html, page.url, { zone: session.zone, now });
      for (const plan of renderedCardPlans(built, { name, pageUrl, timezone: session.zone })) await check(plan);
    }
    const chosen = choosePlan(checked);
    if (!chosen) {
      const again = `sel-scraper sources new ${name} --url ${pageUrl}${flags.sources === 'configs/sources' ? '' : ` --sources ${flags.sources}`} --render`;
      deps.stderr.write(nothingFound(plans, checked, pageUrl, session.browser === undefined ? again : undefined));
      return EXIT.partial;
    }
    // The comments now say what the check found; the config itself is the one checked.
    const yaml = renderDraft(chosen.plan, chosen, meta);
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(file, yaml, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SelScraperError('ERR_USAGE', `${shown} was created meanwhile; not overwriting it`);
      throw new SelScraperError('ERR_USAGE', `cannot write ${shown}: ${(error as Error).message}`, { cause: error });
    }
    deps.stdout.write(describeDraft(chosen, checked, shown, name, flags.sources));
    return EXIT.ok;
  });
}

/** A config the directory already has under this name would make both fail validation. */
async function refuseTakenName(name: string, dir: string): Promise<void> {
  const loaded = await loadSourceDirectory(dir, { defaultTimezone: 'UTC' });
  const taken = [...loaded.sources, ...loaded.broken].find((s) => s.name.toLowerCase() === name);
  if (taken)
    throw new SelScraperError('ERR_USAGE', `a source named "${name}" already exists (${taken.file})`, {
      hint: 'source names must be unique across the directory; choose another',
    });
}

/** The plan as YAML, loaded the way `scrape all` loads it, and read the way `scrape source` reads it. */
async function checkPlan(
  plan: DraftPlan,
  file: string,
  session: AuthoringSession,
  deps: CliDeps,
  meta: { date: string; pageUrl: string; command: string },
): Promise<Checked> {
  const yaml = renderDraft(plan, { events: 0, invalid: 0 }, meta);
  const parsed = parseSourceFile(file, yaml, { defaultTimezone: session.zone });
  if (!parsed.config || parsed.issues.some((issue) => issue.severity === 'error')) {
    throw new SelScraperError('ERR_INTERNAL', `drafted config does not validate: ${parsed.issues.map((i) => i.message).join('; ')}`);
  }
  const config: SourceConfig = parsed.config;
  const preview = await previewSource(config, {
    http: session.http,
    clock: deps.clock,
    env: session.env,
    ...(session.browser ? { browser: session.browser } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  return { plan, yaml, preview, events: preview.events.length, invalid: preview.invalid.length, ended: preview.ended };
}

function describeDraft(chosen: Checked, all: Checked[], shown: string, name: string, sourcesFlag: string): string {
  const lines = [
    `wrote ${shown}: ${chosen.plan.summary}; confidence ${chosen.plan.confidence}`,
    '',
    chosen.events === 0 && chosen.ended
      ? `It yields no event now: the feed was read, and ${endedText(chosen.ended)} already ended (a season over?); \`scrape source\` shows its events once it lists upcoming ones.`
      : `It yields ${chosen.events} event(s) now${chosen.invalid > 0 ? ` and ${chosen.invalid} invalid` : ''}:`,
  ];
  chosen.preview.events.slice(0, 5).forEach((event, i) => {
    const place = event.location?.name ? ` @ ${event.location.name}` : '';
    lines.push(`  ${i + 1}. ${event.name}  ${event.startDate}${place}`);
  });
  if (chosen.events > 5) lines.push(`  … and ${chosen.events - 5} more`);
  for (const item of chosen.preview.invalid.slice(0, 3)) lines.push(`  invalid: ${item.name ?? '(no name)'}: ${item.reason}`);
  const others = all.filter((c) => c !== chosen);
  if (others.length > 0) {
    lines.push('', 'Also tried:');
    for (const other of others) lines.push(`  - ${other.plan.summary}: ${other.events} event(s)`);
  }
  lines.push('', 'Review:', ...chosen.plan.review.map((item) => `  - ${item}`));
  const sourcesArg = sourcesFlag === 'configs/sources' ? '' : ` --sources ${sourcesFlag}`;
  lines.push('', `Next: sel-scraper scrape source ${name}${sourcesArg}   (then --record <dir> to keep what it read for offline tests)`);
  return lines.join('\n') + '\n';
}

/** `renderAgain`: the command that also tries the rendered page, when this one did not. */
function nothingFound(plans: DraftPlan[], checked: Checked[], pageUrl: string, renderAgain: string | undefined): string {
  const lines = [`no draft written: nothing on ${pageUrl} yields an event`];
  if (plans.length === 0) lines.push('  no JSON-LD events, calendar feed links or repeated cards with dates were found in the HTML');
  for (const result of checked) {
    const why = result.preview.pages.find((p) => !p.ok)?.error ?? result.preview.invalid[0]?.reason ?? result.preview.warnings[0] ?? 'no events';
    lines.push(`  - ${result.plan.summary}: 0 events (${why})`);
  }
  lines.push(
    renderAgain
      ? `hint: \`${renderAgain}\` also drafts from the page as Chromium builds it (tier 2); \`sel-scraper scrape inspect ${pageUrl} --render\` shows what it builds and the JSON it loads`
      : `hint: \`sel-scraper scrape inspect ${pageUrl} --render\` lists the JSON the page loads, for a tier 3 source or headless.intercept`,
  );
  return lines.join('\n') + '\n';
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
