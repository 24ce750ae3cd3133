import { createHash } from 'node:crypto';
import { IANAZone } from 'luxon';
import ical from 'node-ical';
import type { CalendarResponse, VEvent } from 'node-ical';
import { SelScraperError } from '../errors.ts';
import { contentLines, param, serialize, splitCalendar, type ComponentBlock, type ContentLine } from './ics-lines.ts';
import { expandSeries, singleTimes, slotTextOf, textOf, type IcsRun } from './ics-series.ts';
import { resolveTzid } from './ics-zones.ts';
import type { ExtractResult, RawEvent } from './raw-event.ts';

/** SEL's ICS_HORIZON_DAYS and ICS_MAX_OCCURRENCES defaults. */
export const ICS_HORIZON_DAYS = 90;
export const ICS_MAX_OCCURRENCES = 100;

export interface IcsOptions {
  now: Date;
  /** The source's IANA zone: floating times, all-day dates and unknown TZIDs are read in it. */
  zone: string;
  /** Occurrences of a recurring event are taken up to this many days after `now`. */
  horizonDays: number;
  /** At most this many occurrences per recurring event. */
  maxOccurrences: number;
  /** SEL's series key is `<source name>:<UID>`. */
  sourceName: string;
  /** The source has a default_location, which beats guessing a venue from a description. */
  hasDefaultLocation: boolean;
}

const DATE_PROPERTIES = new Set(['DTSTART', 'DTEND', 'DUE', 'RECURRENCE-ID', 'EXDATE', 'RDATE']);
const FLOATING = /^\d{8}T\d{6}$/;

interface UidGroup {
  uid: string;
  master?: ComponentBlock;
  overrides: ComponentBlock[];
}

/**
 * Events of an iCalendar feed as raw events: one per event, and one per upcoming occurrence of
 * a recurring event (RRULE with EXDATE, RDATE and RECURRENCE-ID overrides, expanded by
 * node-ical, bounded by `horizonDays` and `maxOccurrences`). Times are RFC 3339 with the
 * offset of their own zone; all-day events are plain dates. A VEVENT node-ical cannot read is
 * reported and the others are kept. Events that have ended are left out.
 */
/** `allEnded`: when the feed has no event to come, how many it listed that have ended (a season over). */
export interface IcsResult extends ExtractResult {
  allEnded: number;
}

export function extractIcs(text: string, feedUrl: string, options: IcsOptions): IcsResult {
  if (text.trim() === '') return { events: [], warnings: [], allEnded: 0 };
  const lines = contentLines(text);
  if (!lines.some((l) => l.name === 'BEGIN' && /^(?:VCALENDAR|VEVENT)$/i.test(l.value.trim()))) {
    throw new SelScraperError('ERR_EXTRACT', `${feedUrl} is not an iCalendar feed (no BEGIN:VCALENDAR)`, {
      hint: "check that url is the calendar's .ics (webcal) link, not its web page",
    });
  }
  const split = splitCalendar(lines);
  const run: IcsRun = {
    feedUrl,
    options,
    now: options.now.getTime(),
    windowEnd: options.now.getTime() + options.horizonDays * 86_400_000,
    warnings: [...split.warnings],
    counts: { past: 0, firstLineGuesses: 0 },
    locations: new WeakMap(),
    quietly: (what, fn) => quietly(run.warnings, what, fn),
  };

  const zones = new Map<string, string>();
  const zoneFor = (tzid: string): string => {
    let zone = zones.get(tzid);
    if (zone === undefined) {
      const resolved = resolveTzid(tzid, { timezones: split.timezones, fallbackZone: options.zone, year: options.now.getUTCFullYear() });
      if (resolved.warning) run.warnings.push(resolved.warning);
      zone = resolved.zone;
      zones.set(tzid, zone);
    }
    return zone;
  };
  let floating = false;
  const localize = (block: ComponentBlock): ComponentBlock => ({
    ...block,
    lines: block.lines.map((line) => {
      const localized = localizeDate(line, zoneFor, options.zone);
      if (localized !== line && param(line, 'TZID') === undefined) floating = true;
      return caseFolded(localized);
    }),
  });

  const events: RawEvent[] = [];
  let withoutUid = 0;
  let privateEvents = 0;
  for (const group of groupByUid(split.events, run.warnings)) {
    if (group.uid.startsWith('nouid-')) withoutUid++;
    const blocks = [group.master, ...group.overrides].filter((b): b is ComponentBlock => b !== undefined).map(localize);
    const parsed = readGroup(blocks, group.uid, run);
    if (!parsed) continue;
    if (/^(?:PRIVATE|CONFIDENTIAL)$/i.test(textOf(parsed.master?.class) ?? '')) {
      privateEvents++;
      continue;
    }
    events.push(...mapGroup(group, parsed, run));
  }

  const declared = split.calendar.get('X-WR-TIMEZONE')?.trim();
  if (floating && declared && declared !== options.zone && IANAZone.isValidZone(declared)) {
    run.warnings.push(
      `the feed declares X-WR-TIMEZONE ${declared} but its times without a zone were read in ${options.zone}, the source's timezone; set timezone: ${declared} in the source config if that is where they are`,
    );
  }
  if (withoutUid > 0) run.warnings.push(`${withoutUid} VEVENT(s) have no UID; their ids were derived from SUMMARY and DTSTART`);
  if (privateEvents > 0) run.warnings.push(`${privateEvents} event(s) marked CLASS:PRIVATE or CONFIDENTIAL were not published`);
  if (run.counts.firstLineGuesses > 0) {
    run.warnings.push(
      `${run.counts.firstLineGuesses} event(s) have no LOCATION: the first line of their description was taken as the venue (set default_location in the source config to use a fixed venue instead)`,
    );
  }
  const allEnded = events.length === 0 ? run.counts.past : 0;
  if (allEnded > 0) run.warnings.push(`all ${allEnded} event(s) in the feed have already ended`);
  return { events, warnings: run.warnings, allEnded };
}

/**
 * A date property with its TZID replaced by the IANA zone it resolves to, and a floating
 * date-time given the source's zone, so node-ical reads every time the same way whatever the
 * host's zone is. All-day dates are left alone: they are calendar days, not instants.
 */
function localizeDate(line: ContentLine, zoneFor: (tzid: string) => string, fallbackZone: string): ContentLine {
  if (!DATE_PROPERTIES.has(line.name) || param(line, 'VALUE')?.toUpperCase() === 'DATE') return line;
  const tzid = param(line, 'TZID');
  const others = line.params.filter((p) => !/^TZID=/i.test(p));
  if (tzid !== undefined) return { ...line, params: [...others, `TZID=${zoneFor(tzid)}`] };
  const floating = line.value.split(',').some((v) => FLOATING.test(v.split('/')[0]?.trim() ?? ''));
  return floating ? { ...line, params: [...others, `TZID=${fallbackZone}`] } : line;
}

/**
 * RFC 5545 reads DURATION ("pt2h") and RRULE ("freq=weekly;byday=mo") case-insensitively;
 * node-ical expects upper case and reads anything else as zero or as no rule.
 */
function caseFolded(line: ContentLine): ContentLine {
  if (line.name !== 'DURATION' && line.name !== 'RRULE' && line.name !== 'EXRULE') return line;
  const value = line.value.toUpperCase();
  return value === line.value ? line : { ...line, value };
}

/**
 * VEVENTs grouped by UID: the master and its RECURRENCE-ID overrides. Of two masters with one
 * UID the higher SEQUENCE wins (the first on a tie), as a calendar client would keep the
 * later revision; SEL keeps the first. A VEVENT without UID gets one from its SUMMARY and
 * DTSTART, stable across runs.
 */
function groupByUid(blocks: readonly ComponentBlock[], warnings: string[]): UidGroup[] {
  const groups = new Map<string, UidGroup>();
  for (const block of blocks) {
    const value = (name: string) => block.lines.find((l) => l.name === name)?.value.trim();
    const uid =
      value('UID') ||
      `nouid-${createHash('sha256')
        .update(`${value('SUMMARY') ?? ''}|${value('DTSTART') ?? ''}`)
        .digest('hex')
        .slice(0, 16)}`;
    const group = groups.get(uid) ?? { uid, overrides: [] };
    groups.set(uid, group);
    if (value('RECURRENCE-ID') !== undefined) {
      group.overrides.push(block);
      continue;
    }
    if (!group.master) {
      group.master = block;
      continue;
    }
    const sequence = (b: ComponentBlock) => Number(b.lines.find((l) => l.name === 'SEQUENCE')?.value.trim()) || 0;
    const [kept, dropped] = sequence(block) > sequence(group.master) ? [block, group.master] : [group.master, block];
    warnings.push(`duplicate UID "${uid}": the VEVENT at line ${dropped.line} was ignored in favour of the one at line ${kept.line}`);
    group.master = kept;
  }
  return [...groups.values()];
}

interface ParsedGroup {
  master?: VEvent;
  overrides: VEvent[];
  rrule?: string;
}

/**
 * node-ical's reading of one UID's VEVENTs, parsed together so it attaches the overrides to
 * their master. When that fails, each VEVENT is tried alone: one with an unreadable RRULE is
 * kept as a single event (as SEL does), one that still fails is reported and left out.
 */
function readGroup(blocks: ComponentBlock[], uid: string, run: IcsRun): ParsedGroup | undefined {
  const parse = (bs: ComponentBlock[]) =>
    run.quietly(`UID ${uid}`, () => ical.sync.parseICS(`BEGIN:VCALENDAR\r\n${bs.map((b) => serialize(b.lines)).join('\r\n')}\r\nEND:VCALENDAR\r\n`));
  try {
    return collect(parse(blocks), blocks);
  } catch (error) {
    const kept: ComponentBlock[] = [];
    for (const block of blocks) {
      const failure = tryParse(() => parse([block]));
      if (!failure) {
        kept.push(block);
        continue;
      }
      const withoutRule = { ...block, lines: block.lines.filter((l) => l.name !== 'RRULE') };
      if (withoutRule.lines.length < block.lines.length && !tryParse(() => parse([withoutRule]))) {
        run.warnings.push(`VEVENT at line ${block.line} (UID ${uid}): its RRULE cannot be read (${failure}); taken as a single event`);
        kept.push(withoutRule);
        continue;
      }
      run.warnings.push(`VEVENT at line ${block.line} (UID ${uid}) was skipped: ${failure}`);
    }
    if (kept.length === 0) return undefined;
    try {
      return collect(parse(kept), kept);
    } catch (retryError) {
      run.warnings.push(`VEVENTs with UID ${uid} were skipped: ${describe(retryError)} (first: ${describe(error)})`);
      return undefined;
    }
  }
}

function tryParse(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return describe(error);
  }
}

function collect(calendar: CalendarResponse, blocks: readonly ComponentBlock[]): ParsedGroup {
  const found = Object.values(calendar).filter((v): v is VEvent => typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'VEVENT');
  const top = found[0];
  const masterBlock = blocks.find((b) => !b.lines.some((l) => l.name === 'RECURRENCE-ID'));
  const rrule = masterBlock?.lines
    .find((l) => l.name === 'RRULE')
    ?.value.trim()
    .replace(/^RRULE:/i, '');
  if (!top) return { overrides: [] };
  const overrides = [...new Set(Object.values(top.recurrences ?? {}))] as VEvent[];
  if (!masterBlock) return { overrides: overrides.length > 0 ? overrides : [top] };
  return { master: top, overrides, ...(rrule && top.rrule ? { rrule } : {}) };
}

function mapGroup(group: UidGroup, parsed: ParsedGroup, run: IcsRun): RawEvent[] {
  const { master, overrides } = parsed;
  if (master && parsed.rrule) return expandSeries(master, overrides, group.uid, parsed.rrule, run);
  const events: RawEvent[] = [];
  const masterStart = master?.start instanceof Date ? master.start.getTime() : NaN;
  let replaced = false;
  for (const override of overrides) {
    const slot = override.recurrenceid instanceof Date ? override.recurrenceid : undefined;
    // An override of a non-recurring event's only date is simply its new version.
    const replacesMaster = slot !== undefined && slot.getTime() === masterStart;
    replaced ||= replacesMaster;
    const event = singleTimes(override, master, replacesMaster || !slot ? group.uid : `${group.uid}:${slotTextOf(slot, run)}`, run);
    if (event) events.push(event);
  }
  if (master && !replaced) {
    const event = singleTimes(master, undefined, group.uid, run);
    if (event) events.unshift(event);
  }
  return events;
}

/**
 * Runs node-ical with its console.warn calls (its only way of reporting, e.g. a malformed
 * DURATION) turned into warnings of this feed instead of stray lines on stderr.
 */
function quietly<T>(warnings: string[], what: string, fn: () => T): T {
  /* eslint-disable no-console -- node-ical reports through console.warn; it is captured, not used */
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(
      `${what}: ${args
        .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
        .join(' ')
        .replace(/^\[node-ical\]\s*/, '')}`,
    );
  };
  try {
    return fn();
  } finally {
    console.warn = original;
  }
  /* eslint-enable no-console */
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
