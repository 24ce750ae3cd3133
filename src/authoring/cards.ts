import type { Element } from 'domhandler';
import type { Selectors } from '../extract/css.ts';
import { documentBase, isElement, loadHtml, type HtmlPage } from '../extract/css-selector.ts';
import { matchesIn, parseFieldSelector, selectorProblem } from '../extract/css-query.ts';
import { textLine } from '../extract/css-text.ts';
import { cueText, distinctiveSelector, elementChildren, parentElement, relativeSelectors, stableClasses } from './css-paths.ts';
import { DATE_CUE, FIELD_CUES, isGenericLabel, isTimeOnly, readDate } from './cues.ts';
import { elementDate, elementImage, elementLink } from '../extract/css.ts';

/** A field of an event card, as `sources new` writes it into `selectors`. */
export type CardField = 'name' | 'url' | 'date' | 'time' | 'location' | 'description' | 'image';

export interface FieldGuess {
  /** Field selector relative to the card (`css`, or the card's own selector for the card itself). */
  selector: string;
  /** Share of the cards in which it found a usable value. */
  coverage: number;
}

/** A repeated element of a page that looks like an event card, and how to read its fields. */
export interface CardCandidate {
  /** The `selectors` block that reads these cards (event_list and the fields found). */
  selectors: Selectors;
  /** Cards the event_list selector matches on the page. */
  count: number;
  /** 0 to 1: how much the cards look like events with the fields found. */
  score: number;
  confidence: 'high' | 'medium' | 'low';
  fields: Partial<Record<CardField, FieldGuess>>;
  /** The first card's text, shortened. */
  sample: string;
}

export interface CardInferenceOptions {
  /** Zone and "now" the date texts are read with, as the source's events will be. */
  zone: string;
  now: Date;
  /** Most candidates returned (best first). */
  limit?: number;
}

/** Subtrees where no event card is: nothing of them is shown, or they are the site's menus. */
const SKIPPED = new Set(['head', 'script', 'style', 'noscript', 'template', 'svg', 'select', 'nav', 'iframe', 'object']);
/** Cards looked at per candidate: enough to judge a selector, bounded on pages of thousands of rows. */
const SAMPLE = 40;
/** Selectors evaluated per page at most, the most promising groups first. */
const MAX_SELECTORS = 80;

/**
 * Event cards on a listing page, inferred from its structure alone: sibling elements that
 * repeat (list items, table rows, articles, divs of one class) and carry a date, each turned
 * into an event_list selector with field selectors for name, link, date (and time), location,
 * description and image. Each field is judged by reading it from every card the way the CSS
 * reader will (same selector matching, same date assembler), so its coverage is what the
 * draft's events will have. Pure: HTML in, candidates out, best first.
 */
export function inferEventCards(html: string, pageUrl: string, options: CardInferenceOptions): CardCandidate[] {
  // The standard's tree, as a browser's developer tools show it; the draft is then checked by the reader itself.
  const $ = loadHtml(html, { spec: true });
  const ctx: Context = { $, base: documentBase($, pageUrl), zone: options.zone, now: options.now, labels: new Map() };
  const candidates: Scored[] = [];
  const tried = new Set<string>();
  for (const selector of containerSelectors($)) {
    if (tried.size >= MAX_SELECTORS) break;
    if (tried.has(selector)) continue;
    tried.add(selector);
    const members = $(selector).toArray().filter(isElement);
    if (members.length < 2) continue;
    const scored = scoreCandidate(selector, members, ctx);
    if (scored) candidates.push(scored);
  }
  return withoutNested(candidates)
    .slice(0, options.limit ?? 5)
    .map(({ candidate }) => candidate);
}

interface Context {
  $: HtmlPage;
  base: string;
  zone: string;
  now: Date;
  /** Column headings per table, for cells that only their heading names. */
  labels: Map<Element, string[]>;
}

interface Scored {
  candidate: CardCandidate;
  members: Element[];
}

/**
 * Selectors for groups of repeated siblings that mention a date, most cards first: per
 * parent, its children of one tag, and of one tag and class set.
 */
function containerSelectors($: HtmlPage): string[] {
  const groups: { members: Element[]; parent: Element }[] = [];
  // Iterative: a page nested thousands of levels deep must not overflow the stack.
  const pending = $('body').toArray().filter(isElement);
  for (let element = pending.pop(); element; element = pending.pop()) {
    const children = elementChildren(element).filter((child) => !SKIPPED.has(child.name));
    const byTag = new Map<string, Element[]>();
    const byClass = new Map<string, Element[]>();
    const add = (groups: Map<string, Element[]>, key: string, child: Element) => {
      const group = groups.get(key);
      if (group) group.push(child);
      else groups.set(key, [child]);
    };
    for (const child of children) {
      add(byTag, child.name, child);
      add(byClass, `${child.name}.${stableClasses(child).sort().join('.')}`, child);
    }
    for (const members of [...byTag.values(), ...byClass.values()])
      if (members.length >= 2 && mentionsDates(members)) groups.push({ members, parent: element });
    pending.push(...children);
  }
  groups.sort((a, b) => b.members.length - a.members.length);
  return groups.flatMap((group) => selectorOptions($, group.members, group.parent));
}

/** Half the group's texts name a day: the cheap test before any selector is tried. */
function mentionsDates(members: Element[]): boolean {
  const dated = members.filter((member) => {
    const text = textLine(member);
    return text.length >= 8 && text.length <= 4000 && DATE_CUE.test(text);
  }).length;
  return dated >= Math.max(2, members.length / 2);
}

/** Ways to select a group: by its shared classes, then under its parent, then (rows) under their table. */
function selectorOptions($: HtmlPage, members: Element[], parent: Element): string[] {
  const first = members[0];
  if (!first) return [];
  const tag = first.name;
  const shared = stableClasses(first).filter((c) => members.every((m) => (m.attribs.class ?? '').split(/\s+/).includes(c)));
  const options: string[] = shared.slice(0, 3).map((c) => `${tag}.${c}`);
  if (shared.length >= 2) options.push(`${tag}.${shared.slice(0, 3).join('.')}`);
  const own = shared[0] ? `${tag}.${shared[0]}` : tag;
  const parentStep = distinctiveSelector(parent);
  if (parentStep) options.push(`${parentStep} > ${own}`);
  else {
    const grand = parentElement(parent);
    const grandStep = grand ? distinctiveSelector(grand) : undefined;
    if (grandStep) options.push(`${grandStep} > ${parent.name} > ${own}`);
  }
  if (tag === 'tr') {
    const table = $(first).closest('table').toArray().find(isElement);
    const tableStep = table ? (distinctiveSelector(table) ?? 'table') : 'table';
    options.push(`${tableStep} tr:has(td)`);
  }
  return options.filter((option) => selectorProblem(option) === undefined);
}

function scoreCandidate(selector: string, members: Element[], ctx: Context): Scored | undefined {
  const sample = members.slice(0, SAMPLE);
  const texts = sample.map((member) => textLine(member));
  const medianLength = [...texts.map((t) => t.length)].sort((a, b) => a - b)[Math.floor(texts.length / 2)] ?? 0;
  if (medianLength < 8) return undefined;

  const fields: Partial<Record<CardField, FieldGuess>> = {};
  const date = guessDate(selector, sample, ctx);
  if (!date || date.guess.coverage < 0.5) return undefined;
  fields.date = date.guess;
  if (date.time) fields.time = date.time;
  const name = guessName(sample, ctx, date.guess.selector);
  if (!name || name.guess.coverage < 0.5) return undefined;
  fields.name = name.guess;
  const url = guessUrl(selector, sample, ctx, name.guess.selector);
  if (url) fields.url = url;
  const taken = new Set([name.guess.selector, date.guess.selector, date.time?.selector]);
  const location = guessLocation(sample, ctx, taken);
  if (location) fields.location = location;
  const description = guessDescription(sample, ctx, new Set([...taken, location?.selector]));
  if (description) fields.description = description;
  const image = guessImage(sample, ctx);
  if (image) fields.image = image;

  const urlShare = url ? url.coverage * url.distinct : 0;
  const sizeFactor = members.length >= 3 ? 1 : 0.7;
  const lengthFactor = medianLength > 2500 ? 0.5 : 1;
  const score = round(date.guess.coverage * name.guess.coverage * name.distinct * (0.6 + 0.4 * urlShare) * sizeFactor * lengthFactor);
  const confidence = score >= 0.75 && members.length >= 3 && urlShare >= 0.8 ? 'high' : score >= 0.45 ? 'medium' : 'low';
  return {
    members,
    candidate: {
      selectors: selectorsOf(selector, fields),
      count: members.length,
      score,
      confidence,
      fields,
      sample: shorten(texts[0] ?? '', 160),
    },
  };
}

/** The fields as a `selectors` block: one date text → start_date; a date and a separate time → date_selectors. */
function selectorsOf(eventList: string, fields: Partial<Record<CardField, FieldGuess>>): Selectors {
  const selectors: Selectors = { event_list: eventList };
  if (fields.name) selectors.name = fields.name.selector;
  if (fields.url) selectors.url = fields.url.selector;
  if (fields.date && fields.time) selectors.date_selectors = [fields.date.selector, fields.time.selector];
  else if (fields.date) selectors.start_date = fields.date.selector;
  if (fields.location) selectors.location = fields.location.selector;
  if (fields.description) selectors.description_selectors = [fields.description.selector];
  if (fields.image) selectors.image = fields.image.selector;
  return selectors;
}

/** What a field selector reads from each card ('' where nothing), as extract/css.ts reads it. */
function readAll(cards: Element[], spec: string, read: (element: Element) => string): string[] {
  const field = parseFieldSelector(spec);
  return cards.map((card) => {
    for (const element of matchesIn(card, field)) {
      const value = read(element);
      if (value) return value;
    }
    return '';
  });
}

/** Selectors of the elements in the first cards that pass `accept`, each tried once. */
function specsFrom(cards: Element[], ctx: Context, accept: (element: Element) => boolean): string[] {
  const specs = new Set<string>();
  for (const card of cards.slice(0, 6)) {
    for (const element of ctx.$(card).find('*').toArray().filter(isElement)) {
      if (SKIPPED.has(element.name) || !accept(element)) continue;
      for (const spec of relativeSelectors(element, card)) specs.add(spec);
    }
  }
  return [...specs];
}

interface Best {
  guess: FieldGuess;
  distinct: number;
}

/** The spec with the highest coverage × distinctness × preference; ties go to the first (most specific) spec. */
function best(specs: string[], evaluate: (spec: string) => { coverage: number; distinct: number; preference: number }): Best | undefined {
  let top: (Best & { rank: number }) | undefined;
  for (const spec of specs) {
    const { coverage, distinct, preference } = evaluate(spec);
    const rank = coverage * distinct * preference;
    if (coverage > 0 && (!top || rank > top.rank + 1e-9)) top = { guess: { selector: spec, coverage: round(coverage) }, distinct, rank };
  }
  return top && { guess: top.guess, distinct: top.distinct };
}

function share(values: string[], accept: (value: string) => boolean): number {
  return values.length === 0 ? 0 : values.filter(accept).length / values.length;
}

function distinctShare(values: string[]): number {
  const present = values.filter(Boolean);
  return present.length === 0 ? 0 : new Set(present).size / present.length;
}

/** A start_date element read as the CSS reader reads it. */
function dateValue(element: Element): string {
  return elementDate(element) ?? '';
}

function guessDate(eventList: string, cards: Element[], ctx: Context): { guess: FieldGuess; time?: FieldGuess } | undefined {
  const isDate = (value: string) => readDate(value, ctx.zone, ctx.now) !== undefined;
  const specs = specsFrom(cards, ctx, (element) => isDate(dateValue(element)));
  // A card whose only date is loose text in it ("Jazz night, March 5, 8pm") is read whole.
  specs.push(eventList);
  const found = best(specs, (spec) => {
    const values = readAll(cards, spec, dateValue);
    const preference = spec === eventList ? 0.6 : /^time\b|datetime|startdate/i.test(spec) ? 1 : FIELD_CUES.date.test(spec) ? 0.95 : 0.85;
    return { coverage: share(values, isDate), distinct: 1, preference };
  });
  if (!found) return undefined;
  const values = readAll(cards, found.guess.selector, dateValue);
  const withTime = share(values, (value) => readDate(value, ctx.zone, ctx.now)?.hasTime === true);
  if (withTime >= 0.5) return { guess: found.guess };
  // date_selectors read every match as a row of its own: each part must match once per card.
  const once = (spec: string) => cards.every((card) => matchesIn(card, parseFieldSelector(spec)).length <= 1);
  const timeSpecs = specsFrom(cards, ctx, (element) => isTimeOnly(textLine(element))).filter(once);
  const time = best(timeSpecs, (spec) => ({
    coverage: share(readAll(cards, spec, textLine), isTimeOnly),
    distinct: 1,
    preference: FIELD_CUES.date.test(spec) ? 1 : 0.9,
  }));
  if (!time || time.guess.coverage < 0.5) return { guess: found.guess };
  const day = best(
    specs.filter((spec) => spec !== eventList && once(spec)),
    (spec) => ({ coverage: share(readAll(cards, spec, dateValue), isDate), distinct: 1, preference: FIELD_CUES.date.test(spec) ? 1 : 0.9 }),
  );
  return day && day.guess.coverage >= found.guess.coverage ? { guess: day.guess, time: time.guess } : { guess: found.guess };
}

function isNameLike(value: string, ctx: Context): boolean {
  return (
    value.length >= 3 &&
    value.length <= 200 &&
    !isGenericLabel(value) &&
    !isTimeOnly(value) &&
    readDate(value, ctx.zone, ctx.now) === undefined &&
    /\p{L}/u.test(value)
  );
}

function guessName(cards: Element[], ctx: Context, dateSpec: string): Best | undefined {
  const specs = specsFrom(cards, ctx, (element) => isNameLike(textLine(element), ctx)).filter((spec) => spec !== dateSpec);
  return best(specs, (spec) => {
    const values = readAll(cards, spec, textLine);
    const preference = /^h[1-6]\b|\sh[1-6]\b/.test(spec)
      ? 1
      : FIELD_CUES.name.test(spec)
        ? 0.97
        : /(^|\s)a(\.|$|\s)/.test(spec)
          ? 0.9
          : /^(strong|b)\b/.test(spec)
            ? 0.85
            : 0.75;
    return { coverage: share(values, (value) => isNameLike(value, ctx)), distinct: distinctShare(values), preference };
  });
}

/** A url element read as the CSS reader reads it. */
function linkValue(element: Element, ctx: Context): string {
  return elementLink(element, ctx.base) ?? '';
}

function guessUrl(eventList: string, cards: Element[], ctx: Context, nameSpec: string): (FieldGuess & { distinct: number }) | undefined {
  const specs = [nameSpec, ...specsFrom(cards, ctx, (element) => element.name === 'a' && linkValue(element, ctx) !== '')];
  // A card that is itself the link: its own selector matches it (SEL's self-match).
  if (cards.every((card) => card.name === 'a')) specs.unshift(eventList);
  const found = best(specs, (spec) => {
    const values = readAll(cards, spec, (element) => linkValue(element, ctx));
    const preference = spec === eventList || spec === nameSpec ? 1 : /(^|\s)a\./.test(spec) && FIELD_CUES.name.test(spec) ? 0.97 : 0.95;
    return { coverage: share(values, Boolean), distinct: distinctShare(values), preference };
  });
  if (!found || found.guess.coverage < 0.5) return undefined;
  return { ...found.guess, distinct: found.distinct };
}

function columnLabel(ctx: Context, cell: Element): string | undefined {
  if (cell.name !== 'td' && cell.name !== 'th') return undefined;
  const table = ctx.$(cell).closest('table').toArray().find(isElement);
  const row = parentElement(cell);
  if (!table || !row) return undefined;
  let labels = ctx.labels.get(table);
  if (!labels) {
    const headRow = ctx
      .$(table)
      .find('tr')
      .toArray()
      .filter(isElement)
      .find((tr) => elementChildren(tr).some((c) => c.name === 'th') && !elementChildren(tr).some((c) => c.name === 'td'));
    labels = headRow ? elementChildren(headRow).map((c) => textLine(c)) : [];
    ctx.labels.set(table, labels);
  }
  return labels[elementChildren(row).indexOf(cell)];
}

function guessLocation(cards: Element[], ctx: Context, taken: Set<string | undefined>): FieldGuess | undefined {
  const isPlace = (value: string) => value.length >= 2 && value.length <= 150 && readDate(value, ctx.zone, ctx.now) === undefined && !isTimeOnly(value);
  const specs = specsFrom(
    cards,
    ctx,
    (element) => FIELD_CUES.location.test(cueText(element, (cell) => columnLabel(ctx, cell))) && isPlace(textLine(element)),
  ).filter((spec) => !taken.has(spec));
  const found = best(specs, (spec) => ({ coverage: share(readAll(cards, spec, textLine), isPlace), distinct: 1, preference: 1 }));
  return found && found.guess.coverage >= 0.4 ? found.guess : undefined;
}

function guessDescription(cards: Element[], ctx: Context, taken: Set<string | undefined>): FieldGuess | undefined {
  const isProse = (value: string) => value.length >= 40 && readDate(value, ctx.zone, ctx.now) === undefined;
  const cued = (element: Element) => FIELD_CUES.description.test(cueText(element, (cell) => columnLabel(ctx, cell))) || element.name === 'p';
  const specs = specsFrom(cards, ctx, (element) => cued(element) && isProse(textLine(element))).filter((spec) => !taken.has(spec));
  const found = best(specs, (spec) => ({
    coverage: share(readAll(cards, spec, textLine), isProse),
    distinct: 1,
    preference: FIELD_CUES.description.test(spec) ? 1 : 0.9,
  }));
  return found && found.guess.coverage >= 0.3 ? found.guess : undefined;
}

function guessImage(cards: Element[], ctx: Context): FieldGuess | undefined {
  const coverage = share(
    readAll(cards, 'img', (element) => elementImage(element, ctx.base) ?? ''),
    (value) => value !== '',
  );
  return coverage >= 0.5 ? { selector: 'img', coverage: round(coverage) } : undefined;
}

/**
 * One candidate per set of cards: a wrapper holding several cards each gives way to the cards
 * (it would read one event per wrapper), and of two selectors for the same cards the better
 * scored stays.
 */
function withoutNested(candidates: Scored[]): Scored[] {
  const ordered = [...candidates].sort(
    (a, b) => b.candidate.score - a.candidate.score || (a.candidate.selectors.event_list ?? '').length - (b.candidate.selectors.event_list ?? '').length,
  );
  const kept: Scored[] = [];
  for (const candidate of ordered) {
    const members = new Set(candidate.members);
    const clash = kept.some((other) => sameCards(members, other.members) || holdsSeveral(candidate.members, other.members));
    if (!clash) kept.push(candidate);
  }
  // A wrapper scored above its cards was kept first: drop it when its cards are kept too.
  return kept.filter((outer) => !kept.some((inner) => inner !== outer && holdsSeveral(outer.members, inner.members)));
}

function sameCards(a: Set<Element>, b: Element[]): boolean {
  if (b.length === 0) return false;
  const overlap = b.filter((m) => a.has(m)).length;
  return overlap / Math.max(a.size, b.length) >= 0.8 || nestedOneToOne(a, b);
}

/** Each card of `b` sits inside a distinct card of `a` (li > div.card): the same events. */
function nestedOneToOne(a: Set<Element>, b: Element[]): boolean {
  if (Math.abs(a.size - b.length) > Math.max(1, a.size * 0.1)) return false;
  const inner = b.filter((m) => ancestorIn(m, a) !== undefined || [...a].some((outer) => ancestorIn(outer, new Set(b)) === m)).length;
  return inner / b.length >= 0.8;
}

/** `outer` cards each contain two or more of the `inner` ones: a wrapper, such as a grid row. */
function holdsSeveral(outer: Element[], inner: Element[]): boolean {
  const set = new Set(outer);
  const counts = new Map<Element, number>();
  for (const m of inner) {
    const holder = ancestorIn(m, set);
    if (holder) counts.set(holder, (counts.get(holder) ?? 0) + 1);
  }
  return counts.size > 0 && [...counts.values()].filter((n) => n >= 2).length / counts.size >= 0.5;
}

function ancestorIn(element: Element, set: Set<Element>): Element | undefined {
  for (let node = parentElement(element); node; node = parentElement(node)) if (set.has(node)) return node;
  return undefined;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
