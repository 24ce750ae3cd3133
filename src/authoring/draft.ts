import type { CardCandidate, CardField } from './cards.ts';
import type { FeedLink, PageInspection } from './inspect.ts';

/** One way a page could be read, as a config draft to check before it is written. */
export interface DraftPlan {
  /** headless: cards found in the page as Chromium built it (tier 2). */
  method: 'jsonld' | 'ics' | 'css' | 'headless';
  /** One line: what was inferred. */
  summary: string;
  confidence: 'high' | 'medium' | 'low';
  /** Top-level keys and the selectors block, in the order they are written. */
  config: DraftConfig;
  /** Per selector key: how it was found (written as a comment beside it). */
  selectorNotes: Partial<Record<string, string>>;
  /** What the person must look at before enabling the source for real. */
  review: string[];
  /** The card candidate the plan came from (css), for tie-breaks. */
  cardScore?: number;
}

export interface DraftConfig {
  name: string;
  url: string;
  tier?: 0 | 1 | 2;
  extraction_method?: 'ics';
  schedule: 'daily';
  trust_level: number;
  license: string;
  timezone: string;
  enabled: boolean;
  max_pages?: number;
  default_location?: { name: string };
  selectors?: Record<string, string | string[]>;
  headless?: { wait_selector: string };
}

export interface DraftContext {
  name: string;
  /** The listing page the user gave. */
  pageUrl: string;
  timezone: string;
}

const COMMON_REVIEW = [
  'license: SEL accepts only CC0 events; confirm the site lets its event listings be shared under CC0-1.0 (else set enabled: false)',
  'trust_level: 5 is a neutral default (8-10 official institutions, 5-7 community venues, 1-4 aggregators)',
  'domain: unset; add one of arts, music, culture, sports, community, education, general if every event fits it',
];

/** Every plan a page supports, in the order they are preferred: JSON-LD, then feeds, then cards. */
export function draftPlans(inspection: PageInspection, ctx: DraftContext): DraftPlan[] {
  const plans: DraftPlan[] = [];
  if (inspection.jsonLd.events > 0) plans.push(jsonLdPlan(inspection, ctx));
  for (const feed of inspection.feeds.filter((f) => f.kind === 'ics').slice(0, 3)) plans.push(icsPlan(feed, ctx));
  for (const card of inspection.cards.slice(0, 3)) plans.push(cardPlan(card, inspection.pagination, ctx));
  return plans;
}

function base(ctx: DraftContext, url: string): DraftConfig {
  return { name: ctx.name, url, schedule: 'daily', trust_level: 5, license: 'CC0-1.0', timezone: ctx.timezone, enabled: true };
}

function jsonLdPlan(inspection: PageInspection, ctx: DraftContext): DraftPlan {
  return {
    method: 'jsonld',
    summary: `schema.org Event JSON-LD on the page (${inspection.jsonLd.events} event(s)): tier 0, no selectors needed`,
    confidence: 'high',
    config: { ...base(ctx, ctx.pageUrl), tier: 0 },
    selectorNotes: {},
    review: [
      ...COMMON_REVIEW,
      'timezone: JSON-LD dates usually carry their offset; the zone is used only for those that do not',
      'more pages: tier 0 follows <link rel="next"> up to max_pages (10); check the listing shows every upcoming event',
    ],
  };
}

function icsPlan(feed: FeedLink, ctx: DraftContext): DraftPlan {
  return {
    method: 'ics',
    summary: `calendar feed ${feed.url} (${feed.via}): extraction_method ics`,
    confidence: 'high',
    config: { ...base(ctx, feed.url), extraction_method: 'ics' },
    selectorNotes: {},
    review: [
      ...COMMON_REVIEW,
      `timezone: ${ctx.timezone} is used for feed times without a TZID (SEL falls back to UTC without it)`,
      'location: events without a LOCATION get none; add default_location if they all happen at one venue',
      ...(feed.url === ctx.pageUrl ? [] : [`listing page: ${ctx.pageUrl} (the feed was found there)`]),
    ],
  };
}

const FIELD_KEYS: Record<Exclude<CardField, 'time'>, string> = {
  name: 'name',
  url: 'url',
  date: 'start_date',
  location: 'location',
  description: 'description_selectors',
  image: 'image',
};

function cardPlan(card: CardCandidate, pagination: string | null, ctx: DraftContext): DraftPlan {
  const selectorNotes: Partial<Record<string, string>> = { event_list: `${card.count} cards on the page; first: "${card.sample}"` };
  const percent = (coverage: number) => `${Math.round(coverage * 100)}% of the cards`;
  for (const [field, guess] of Object.entries(card.fields) as [CardField, { coverage: number }][]) {
    if (field === 'time') continue;
    const key = field === 'date' && card.fields.time ? 'date_selectors' : FIELD_KEYS[field];
    selectorNotes[key] =
      field === 'date' && card.fields.time
        ? `date in ${percent(guess.coverage)}, time in ${percent(card.fields.time.coverage)}`
        : `found in ${percent(guess.coverage)}`;
  }
  const selectors: Record<string, string | string[]> = { ...(card.selectors as Record<string, string | string[]>) };
  if (pagination) {
    selectors.pagination = pagination;
    selectorNotes.pagination = 'a next-page link on the page';
  }
  const missing = (['url', 'location', 'description'] as const).filter((field) => !card.fields[field]);
  const review = [
    ...COMMON_REVIEW,
    `timezone: ${ctx.timezone} is assumed for the dates on the page, which carry no offset`,
    ...missing.map((field) =>
      field === 'location'
        ? 'location: no venue found in the cards; add selectors.location, or default_location if every event is at one venue'
        : field === 'url'
          ? 'url: no link per card; events get the listing page as their URL, so two events of one day may collide'
          : 'description: none found; add description_selectors if the cards carry one',
    ),
    ...(card.fields.date && card.fields.date.coverage < 1
      ? [`dates: found in ${percent(card.fields.date.coverage)} only; the others are reported invalid`]
      : []),
    pagination
      ? 'pagination: max_pages is 3; raise it if the listing has more pages'
      : 'pagination: no next-page link found; set selectors.pagination if the listing has more pages',
  ];
  return {
    method: 'css',
    summary: `${card.count} repeated "${card.selectors.event_list}" cards: tier 1 CSS selectors (score ${card.score})`,
    confidence: card.confidence,
    config: { ...base(ctx, ctx.pageUrl), tier: 1, max_pages: pagination ? 3 : 1, selectors },
    selectorNotes,
    review,
    cardScore: card.score,
  };
}

/**
 * Tier 2 plans from the page as Chromium built it (`sources new --render`): its cards, read
 * after the browser has waited for the first of them. A listing that pages with a button is
 * left to review: tier 2 clicks `headless.pagination_button`, which cards do not reveal.
 */
export function renderedCardPlans(rendered: PageInspection, ctx: DraftContext): DraftPlan[] {
  return rendered.cards.slice(0, 3).flatMap((card): DraftPlan[] => {
    const eventList = card.selectors.event_list;
    if (!eventList) return [];
    const plan = cardPlan(card, null, ctx);
    return [
      {
        ...plan,
        method: 'headless',
        summary: `${card.count} repeated "${eventList}" cards built by the page's scripts: tier 2 (rendered in Chromium), CSS selectors (score ${card.score})`,
        config: { ...plan.config, tier: 2, max_pages: 1, headless: { wait_selector: eventList } },
        review: [
          ...plan.review.filter((item) => !item.startsWith('pagination:')),
          'pagination: set headless.pagination_button to the "next" or "load more" button if the listing has more',
          'headless: the events exist only once scripts have run, so every run starts Chromium for this source; `scrape inspect --render` lists the JSON the page loads, which a tier 3 source reads without a browser',
        ],
      },
    ];
  });
}

/**
 * SEL refuses events without a place: when the page gives none, the site's own name stands in,
 * flagged for review, so the draft's events can be checked and submitted at all.
 */
export function withDefaultLocation(plan: DraftPlan, siteName: string): DraftPlan {
  return {
    ...plan,
    summary: `${plan.summary}, with a default_location`,
    confidence: plan.confidence === 'high' ? 'medium' : plan.confidence,
    config: { ...plan.config, default_location: { name: siteName } },
    review: [
      `default_location: "${siteName}" is the site's name (its og:site_name, the end of its title, else its host name) because its events name no venue; give the real venue and its address, or the events' own location`,
      ...plan.review.filter((item) => !item.startsWith('location:')),
    ],
  };
}

/** What a checked plan yielded. */
export interface PlanResult {
  plan: DraftPlan;
  events: number;
  invalid: number;
  /** Events the feed lists that have all ended (a feed that works, between seasons). */
  ended?: number;
}

/**
 * The plan to write: a structured one (JSON-LD, then a feed) when it yields at least half as
 * many events as the best plan, since sites keep those stable across redesigns; else the card
 * plan that yields most. When nothing yields an event, a feed that was read and lists only
 * events that have ended (a season over); else none.
 */
export function choosePlan<T extends PlanResult>(results: readonly T[]): T | undefined {
  const most = Math.max(0, ...results.map((r) => r.events));
  if (most === 0) return results.find((r) => r.plan.method === 'ics' && (r.ended ?? 0) > 0);
  const structured = results.find((r) => (r.plan.method === 'jsonld' || r.plan.method === 'ics') && r.events >= most / 2);
  if (structured) return structured;
  const cards = (method: 'css' | 'headless') =>
    [...results]
      .filter((r) => r.plan.method === method && r.events > 0)
      .sort((a, b) => b.events - a.events || (b.plan.cardScore ?? 0) - (a.plan.cardScore ?? 0))[0];
  // Static HTML needs no browser: it wins while it yields at least half of what rendering does.
  const css = cards('css');
  if (css && css.events >= most / 2) return css;
  return cards('headless') ?? css;
}

/** "its one event has" or "all 12 of its events have": a feed whose listing is over. */
export function endedText(count: number): string {
  return count === 1 ? 'its one event has' : `all ${count} of its events have`;
}

/** The draft as YAML, with comments saying what was inferred, how sure, what was checked and what to review. */
export function renderDraft(
  plan: DraftPlan,
  check: { events: number; invalid: number; ended?: number | undefined },
  meta: { date: string; pageUrl: string; command: string },
): string {
  const comment = (text: string) => `# ${oneLine(text)}`;
  const lines = [
    comment(`Drafted by \`${meta.command}\` on ${meta.date} from ${meta.pageUrl}`),
    comment(`Inferred: ${plan.summary}; confidence ${plan.confidence}.`),
    comment(
      check.events === 0 && check.ended
        ? `Checked before writing: the feed was read; ${endedText(check.ended)} already ended.`
        : `Checked before writing: ${check.events} event(s) read with this config${check.invalid > 0 ? `, ${check.invalid} invalid` : ''}.`,
    ),
    comment('Review before relying on it:'),
    ...plan.review.map((item) => comment(`  - ${item}`)),
  ];
  const c = plan.config;
  const scalar = (key: string, value: string | number | boolean) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
  lines.push(scalar('name', c.name), scalar('url', c.url));
  if (c.tier !== undefined) lines.push(scalar('tier', c.tier));
  if (c.extraction_method) lines.push(scalar('extraction_method', c.extraction_method));
  lines.push(
    scalar('schedule', c.schedule),
    scalar('trust_level', c.trust_level),
    scalar('license', c.license),
    scalar('timezone', c.timezone),
    scalar('enabled', c.enabled),
  );
  if (c.max_pages !== undefined) lines.push(scalar('max_pages', c.max_pages));
  if (c.default_location) lines.push('default_location:', `  ${scalar('name', c.default_location.name)}  ${comment("REVIEW: the site's name, not a venue's")}`);
  if (c.selectors) {
    lines.push('selectors:');
    for (const [key, value] of Object.entries(c.selectors)) {
      const note = plan.selectorNotes[key];
      const suffix = note ? `  ${comment(note)}` : '';
      if (Array.isArray(value)) {
        lines.push(`  ${key}:${suffix}`);
        for (const item of value) lines.push(`    - ${JSON.stringify(item)}`);
      } else {
        lines.push(`  ${scalar(key, value)}${suffix}`);
      }
    }
  }
  if (c.headless) lines.push('headless:', `  ${scalar('wait_selector', c.headless.wait_selector)}  ${comment('Chromium waits for the first card')}`);
  return lines.join('\n') + '\n';
}

/** Page text in a comment: one line, no control characters. */
function oneLine(text: string): string {
  return text
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
