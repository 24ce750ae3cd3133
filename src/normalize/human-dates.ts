import { DateTime } from 'luxon';
import { toRfc3339 } from './dates.ts';

/**
 * SEL's date assembler (dateparse.go assembleDateTimeParts), rewritten over a small tokenizer
 * instead of a general-purpose fuzzy parser: listing pages write dates in a handful of English
 * shapes ("Tue, Dec 8 · 7:30pm", "Feb 3 – Mar 8, 2026", "1 - 3:30 pm"), and a grammar we can read
 * beats a library whose guesses we cannot (chrono-node, for one, ignores IANA zones). Wall times
 * are turned into instants by luxon in the source's zone, so the offset is right for that date.
 */

export interface AssembledDates {
  start: string;
  end?: string;
  /** A date was written without a year and the year was chosen here. */
  yearWasInferred: boolean;
  warnings: string[];
}

export type AssembleResult = AssembledDates | { error: string };

export interface AssembleOptions {
  /**
   * RFC 3339 date-time the text follows, e.g. the start when assembling an end date: a text
   * without a date (a lone "9:00 PM") takes the anchor's date, a yearless date takes the year
   * that puts it on or after the anchor, and a result before the anchor moves to the next day.
   */
  anchor?: string;
}

interface DayDate {
  year?: number;
  month: number;
  day: number;
  /** Luxon weekday (1 = Monday) written next to the date, used to pick a missing year. */
  weekday?: number;
}

interface WallTime {
  hour: number;
  minute: number;
  second: number;
}

/** A time as written, before am/pm is known for both ends of a range. */
interface TimeText {
  hour: number;
  minute: number;
  second: number;
  meridiem?: 'am' | 'pm';
}

type Token =
  | { kind: 'month'; month: number }
  | { kind: 'weekday'; weekday: number }
  | { kind: 'number'; value: number }
  | { kind: 'year'; year: number }
  | { kind: 'time'; time: TimeText }
  | { kind: 'date'; date: DayDate; time?: TimeText }
  | { kind: 'relative'; days: number }
  /** "next" / "prochain": the weekday beside it is not this week's when that is today. */
  | { kind: 'next' }
  | { kind: 'sep' };

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
  // French, for Canadian listings; abbreviations are left out where they clash ("mar").
  janvier: 1,
  février: 2,
  fevrier: 2,
  mars: 3,
  avril: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  août: 8,
  aout: 8,
  septembre: 9,
  octobre: 10,
  novembre: 11,
  décembre: 12,
  decembre: 12,
};
const WEEKDAYS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  weds: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
  lundi: 1,
  mardi: 2,
  mercredi: 3,
  jeudi: 4,
  vendredi: 5,
  samedi: 6,
  dimanche: 7,
};
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const RANGE_WORDS = new Set(['to', 'through', 'thru', 'until', 'till', 'au']);
const RELATIVE_DAYS: Record<string, number> = { today: 0, tonight: 0, tomorrow: 1, "aujourd'hui": 0, demain: 1 };
const NEXT_WORDS = new Set(['next', 'prochain', 'prochaine']);

/**
 * One pass over the text, first alternative wins: ISO and numeric dates before times, times
 * with am/pm before bare numbers, so "7:30 PM" is never read as a day of the month.
 */
const TOKEN = new RegExp(
  [
    // An ISO date's time may carry a meridiem ("2026-03-05 7:30 PM", as API templates such as
    // "{{.date}} {{.time}}" write it): it belongs to the time, not left over as a word.
    String.raw`(?<iso>(?<isoY>\d{4})-(?<isoM>\d{2})-(?<isoD>\d{2})(?:[T ](?<isoH>\d{1,2}):(?<isoMin>\d{2})(?::(?<isoS>\d{2}))?(?:\s*(?<isoAP>[ap])\.?\s?m\.?(?![a-z]))?)?)`,
    String.raw`(?<ymd>(?<ymdY>\d{4})\/(?<ymdM>\d{1,2})\/(?<ymdD>\d{1,2}))`,
    String.raw`(?<mdy>(?<mdyA>\d{1,2})\/(?<mdyB>\d{1,2})\/(?<mdyY>\d{4}))`,
    String.raw`(?<mer>(?<merH>\d{1,2})(?:[:.](?<merMin>\d{2}))?\s*(?<merAP>[ap])\.?\s?m\.?(?![a-z]))`,
    String.raw`(?<clock>(?<clockH>\d{1,2}):(?<clockMin>\d{2})(?::(?<clockS>\d{2}))?)`,
    String.raw`(?<fr>(?<frH>\d{1,2})\s?h(?:\s?(?<frMin>\d{2}))?(?![a-zà-ÿ]))`,
    String.raw`(?<num>(?<numV>\d+)(?:st|nd|rd|th|er|e)?)`,
    String.raw`(?<word>aujourd['’]hui|[a-zà-ÿ]+)`,
    String.raw`(?<sep>[-–—~])`,
  ].join('|'),
  'gi',
);

const WHITESPACE = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g;
const FULL_ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[zZ]|[+-]\d{2}(?::?\d{2})?)?$/;
const DATE_ONLY_ISO = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Start (and end) of an event from the date texts a page gave, in SEL's order: each part split
 * on "|"; the first part that is an ISO date-time wins outright; otherwise every date and time
 * found is collected, the first date + first time is the start, a second date or time makes the
 * end, and an end before its start moves to the next day.
 */
export function assembleDates(parts: readonly string[], zone: string, now: Date, options: AssembleOptions = {}): AssembleResult {
  const fragments = parts
    .flatMap((part) => part.replace(WHITESPACE, ' ').split('|'))
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment !== '');
  if (fragments.length === 0) return { error: 'no date text' };
  const shown = JSON.stringify(fragments.join(' | '));

  const isoIndex = fragments.findIndex((fragment) => FULL_ISO.test(fragment));
  if (isoIndex >= 0) return fromIsoDateTimes(fragments.slice(isoIndex), zone);

  const dates: DayDate[] = [];
  const times: WallTime[] = [];
  const looseYears: number[] = [];
  const looseWeekdays: LooseWeekday[] = [];
  for (const fragment of fragments) {
    const found = readFragment(fragment, zone, now);
    dates.push(...found.dates);
    times.push(...found.times);
    looseYears.push(...found.looseYears);
    looseWeekdays.push(...found.looseWeekdays);
  }

  const warnings: string[] = [];
  const anchor = options.anchor ? DateTime.fromISO(options.anchor, { setZone: true }).setZone(zone) : undefined;
  // "Friday 8 pm", "this Friday", "next Saturday": a weekday alone is the coming one, counted
  // from the run's clock (or from the start, for an end date). Two ("Mon - Fri") name no day.
  const [onlyWeekday] = looseWeekdays;
  if (dates.length === 0 && onlyWeekday && looseWeekdays.length === 1) {
    dates.push(comingWeekday(onlyWeekday, anchor?.isValid ? anchor : DateTime.fromJSDate(now, { zone })));
  }
  const dateFromAnchor = dates.length === 0;
  if (dateFromAnchor) {
    if (!anchor?.isValid || times.length === 0) return { error: `no date found in ${shown}` };
    dates.push({ year: anchor.year, month: anchor.month, day: anchor.day });
  }
  if (dates.length > 2) warnings.push(`${dates.length} dates found in ${shown}; used the first two as start and end`);

  const distinctLoose = [...new Set(looseYears)];
  const looseYear = distinctLoose.length === 1 ? distinctLoose[0] : undefined;
  if (looseYear !== undefined) {
    for (const date of dates) date.year ??= looseYear;
  }
  shareYears(dates);

  const first = dates[0] as DayDate;
  const second = dates[1];
  let yearWasInferred = false;
  if (first.year === undefined) {
    yearWasInferred = true;
    const chosen = anchor?.isValid ? yearOnOrAfter(first, anchor) : inferYear(first, zone, now);
    first.year = chosen.year;
    if (chosen.warning) warnings.push(chosen.warning);
  }
  if (second && second.year === undefined) {
    yearWasInferred = true;
    second.year = first.year;
    if (compareDays(second, first) < 0) second.year++;
  }

  // A lone "1:00 AM" after a 9 PM start is the next morning.
  let startDay = first;
  if (dateFromAnchor && anchor?.isValid && instant(wallClock(first, times[0]), zone) < anchor.toMillis()) startDay = addDays(first, 1);
  const start = toRfc3339(wallClock(startDay, times[0]), zone);
  if (!start.ok) return { error: `${shown}: ${start.reason}` };
  if (start.warning) warnings.push(start.warning);
  const result: AssembledDates = { start: start.value, yearWasInferred, warnings };

  if (second || times[1]) {
    let endDay = second ?? startDay;
    if (instant(wallClock(endDay, times[1]), zone) < instant(wallClock(startDay, times[0]), zone)) endDay = addDays(endDay, 1);
    const end = toRfc3339(wallClock(endDay, times[1]), zone);
    if (end.ok) {
      result.end = end.value;
      if (end.warning) warnings.push(end.warning);
    } else {
      warnings.push(`end dropped: ${end.reason}`);
    }
  }
  return result;
}

function instant(wall: string, zone: string): number {
  return DateTime.fromISO(wall, { zone }).toMillis();
}

/** SEL passes RFC 3339 through untouched; a second ISO text after it is taken as the end. */
function fromIsoDateTimes(fragments: string[], zone: string): AssembleResult {
  const start = toRfc3339(fragments[0] as string, zone);
  if (!start.ok) return { error: start.reason };
  const result: AssembledDates = { start: start.value, yearWasInferred: false, warnings: start.warning ? [start.warning] : [] };
  const endText = fragments.slice(1).find((fragment) => FULL_ISO.test(fragment) || DATE_ONLY_ISO.test(fragment));
  if (endText) {
    const end = toRfc3339(endText, zone);
    if (end.ok) result.end = end.value;
    else result.warnings.push(`end dropped: ${end.reason}`);
  }
  return result;
}

interface FragmentReading {
  dates: DayDate[];
  times: WallTime[];
  /** Four-digit years not attached to any date, e.g. a year in its own element. */
  looseYears: number[];
  /** Weekdays written with no date to belong to ("this Friday"). */
  looseWeekdays: LooseWeekday[];
}

interface LooseWeekday {
  weekday: number;
  /** Written with "next": on that weekday itself, it means a week later. */
  next: boolean;
}

function readFragment(fragment: string, zone: string, now: Date): FragmentReading {
  const tokens = tokenize(fragment);
  const at = (index: number): Token | undefined => tokens[index];
  const dayAt = (index: number): number | undefined => {
    const token = at(index);
    return token?.kind === 'number' && isDay(token.value) ? token.value : undefined;
  };
  const yearAt = (index: number): number | undefined => {
    const token = at(index);
    return token?.kind === 'year' ? token.year : undefined;
  };
  const dates: DayDate[] = [];
  const times: WallTime[] = [];
  const looseYears: number[] = [];
  const looseWeekdays: LooseWeekday[] = [];
  let weekday: number | undefined;
  let weekdayNext = false;
  const pushDates = (found: DayDate[], year: number | undefined) => {
    for (const date of found) {
      if (year !== undefined) date.year = year;
      if (weekday !== undefined) date.weekday = weekday;
      weekday = undefined;
      dates.push(date);
    }
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    switch (token.kind) {
      case 'weekday':
        if (weekday !== undefined) looseWeekdays.push({ weekday, next: weekdayNext });
        weekday = token.weekday;
        weekdayNext = at(i - 1)?.kind === 'next' || at(i + 1)?.kind === 'next';
        break;
      case 'date': {
        pushDates([token.date], undefined);
        const to = at(i + 2);
        if (token.time && at(i + 1)?.kind === 'sep' && to?.kind === 'time') {
          // "2026-03-05 7:30 - 9:30 PM": the ISO date's time starts a time range.
          times.push(...timeRange(token.time, to.time));
          i += 2;
        } else if (token.time) times.push(to24h(token.time));
        break;
      }
      case 'relative': {
        const day = DateTime.fromJSDate(now, { zone }).plus({ days: token.days });
        pushDates([{ year: day.year, month: day.month, day: day.day }], undefined);
        break;
      }
      case 'month': {
        const day = dayAt(i + 1);
        if (day === undefined) break;
        const found: DayDate[] = [{ month: token.month, day }];
        let last = i + 1;
        // Short range "March 5-7". A time after the dash ("March 5 - 7:30 PM") is a time
        // token, so unlike SEL it is not read as the 7th.
        const endDay = dayAt(i + 3);
        if (at(i + 2)?.kind === 'sep' && endDay !== undefined && at(i + 4)?.kind !== 'month') {
          found.push({ month: token.month, day: endDay });
          last = i + 3;
        }
        const year = yearAt(last + 1);
        pushDates(found, year);
        i = year === undefined ? last : last + 1;
        break;
      }
      case 'number': {
        const next = at(i + 1);
        // "5 March 2026".
        if (next?.kind === 'month' && isDay(token.value)) {
          const year = yearAt(i + 2);
          pushDates([{ month: next.month, day: token.value }], year);
          i = year === undefined ? i + 1 : i + 2;
          break;
        }
        // "5-7 March": the short range written day first.
        const endDay = dayAt(i + 2);
        const month = at(i + 3);
        if (next?.kind === 'sep' && isDay(token.value) && endDay !== undefined && month?.kind === 'month') {
          const year = yearAt(i + 4);
          pushDates(
            [
              { month: month.month, day: token.value },
              { month: month.month, day: endDay },
            ],
            year,
          );
          i = year === undefined ? i + 3 : i + 4;
          break;
        }
        // "1 - 3:30 pm": a bare hour is a time only as one end of a time range.
        const to = at(i + 2);
        if (next?.kind === 'sep' && to?.kind === 'time' && token.value <= 24) {
          times.push(...timeRange({ hour: token.value, minute: 0, second: 0 }, to.time));
          i += 2;
        }
        break;
      }
      case 'time': {
        const to = at(i + 2);
        if (at(i + 1)?.kind === 'sep' && to?.kind === 'time') {
          times.push(...timeRange(token.time, to.time));
          i += 2;
        } else if (at(i + 1)?.kind === 'sep' && to?.kind === 'number' && to.value <= 24 && at(i + 3)?.kind !== 'month') {
          times.push(...timeRange(token.time, { hour: to.value, minute: 0, second: 0 }));
          i += 2;
        } else {
          times.push(to24h(token.time));
        }
        break;
      }
      case 'year':
        looseYears.push(token.year);
        break;
      case 'next':
      case 'sep':
        break;
    }
  }
  // "March 5 (Thursday)": a weekday with no date after it belongs to the date before it.
  const last = dates.at(-1);
  if (weekday !== undefined && last && last.weekday === undefined) last.weekday = weekday;
  else if (weekday !== undefined && !last) looseWeekdays.push({ weekday, next: weekdayNext });
  return { dates, times, looseYears, looseWeekdays };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const g = match.groups ?? {};
    if (g.iso) {
      const date: DayDate = { year: Number(g.isoY), month: Number(g.isoM), day: Number(g.isoD) };
      if (g.isoH === undefined) tokens.push({ kind: 'date', date });
      else {
        const time: TimeText = { hour: Number(g.isoH), minute: Number(g.isoMin), second: Number(g.isoS ?? 0) };
        if (g.isoAP && time.hour >= 1 && time.hour <= 12) time.meridiem = g.isoAP.toLowerCase() === 'a' ? 'am' : 'pm';
        tokens.push({ kind: 'date', date, time });
      }
    } else if (g.ymd) {
      tokens.push({ kind: 'date', date: { year: Number(g.ymdY), month: Number(g.ymdM), day: Number(g.ymdD) } });
    } else if (g.mdy) {
      // Month first, as North American sites write it, unless the first number cannot be a month.
      const a = Number(g.mdyA);
      const b = Number(g.mdyB);
      const [month, day] = a > 12 ? [b, a] : [a, b];
      tokens.push({ kind: 'date', date: { year: Number(g.mdyY), month, day } });
    } else if (g.mer) {
      const hour = Number(g.merH);
      const minute = Number(g.merMin ?? 0);
      if (hour >= 1 && hour <= 12 && minute < 60)
        tokens.push({ kind: 'time', time: { hour, minute, second: 0, meridiem: g.merAP?.toLowerCase() === 'a' ? 'am' : 'pm' } });
    } else if (g.clock) {
      const time = { hour: Number(g.clockH), minute: Number(g.clockMin), second: Number(g.clockS ?? 0) };
      if (time.hour < 24 && time.minute < 60 && time.second < 60) tokens.push({ kind: 'time', time });
    } else if (g.fr) {
      const time = { hour: Number(g.frH), minute: Number(g.frMin ?? 0), second: 0 };
      if (time.hour < 24 && time.minute < 60) tokens.push({ kind: 'time', time });
    } else if (g.num) {
      const value = Number(g.numV);
      if (/^(?:19|20)\d{2}$/.test(g.numV ?? '')) tokens.push({ kind: 'year', year: value });
      else if ((g.numV ?? '').length <= 2) tokens.push({ kind: 'number', value });
    } else if (g.word) {
      const word = g.word.toLowerCase().replace('’', "'");
      if (MONTHS[word] !== undefined) tokens.push({ kind: 'month', month: MONTHS[word] });
      else if (WEEKDAYS[word] !== undefined) tokens.push({ kind: 'weekday', weekday: WEEKDAYS[word] });
      else if (RANGE_WORDS.has(word)) tokens.push({ kind: 'sep' });
      else if (RELATIVE_DAYS[word] !== undefined) tokens.push({ kind: 'relative', days: RELATIVE_DAYS[word] });
      else if (NEXT_WORDS.has(word)) tokens.push({ kind: 'next' });
      else if (word === 'noon' || word === 'midi') tokens.push({ kind: 'time', time: { hour: 12, minute: 0, second: 0 } });
      else if (word === 'midnight' || word === 'minuit') tokens.push({ kind: 'time', time: { hour: 0, minute: 0, second: 0 } });
    } else if (g.sep) {
      tokens.push({ kind: 'sep' });
    }
  }
  return tokens;
}

/**
 * Both ends of "1 - 3:30 pm" or "4 PM - 5": an am/pm written on one side applies to the other,
 * unless that would put the ends the wrong way round ("11 - 1 pm" is 11:00 to 13:00, "10 pm - 1"
 * ends at 01:00). Without any am/pm, "11:00 - 1:00" is read as 11:00 to 13:00.
 */
function timeRange(from: TimeText, to: TimeText): [WallTime, WallTime] {
  const a = { ...from };
  const b = { ...to };
  if (a.meridiem && !b.meridiem && b.hour >= 1 && b.hour <= 12) {
    b.meridiem = a.meridiem;
    if (minutes(to24h(b)) < minutes(to24h(a))) b.meridiem = a.meridiem === 'am' ? 'pm' : 'am';
  } else if (b.meridiem && !a.meridiem && a.hour >= 1 && a.hour <= 12) {
    a.meridiem = b.meridiem;
    if (minutes(to24h(a)) > minutes(to24h(b))) a.meridiem = b.meridiem === 'pm' ? 'am' : 'pm';
  }
  const start = to24h(a);
  const end = to24h(b);
  if (!a.meridiem && !b.meridiem && end.hour < 12 && start.hour <= 12 && minutes(end) < minutes(start)) end.hour += 12;
  return [start, end];
}

function to24h(time: TimeText): WallTime {
  let hour = time.hour;
  if (time.meridiem === 'am' && hour === 12) hour = 0;
  else if (time.meridiem === 'pm' && hour < 12) hour += 12;
  return { hour, minute: time.minute, second: time.second };
}

function minutes(time: WallTime): number {
  return time.hour * 60 + time.minute;
}

function isDay(value: number): boolean {
  return value >= 1 && value <= 31;
}

/**
 * "Feb 3 – Mar 8, 2026": a yearless date takes the year of the nearest dated one after it (the
 * year is written last), else before it; the earlier end of a range that would then come after
 * the later one belongs to the year before ("Nov 13 – Feb 5, 2027").
 */
function shareYears(dates: DayDate[]): void {
  for (const [index, date] of dates.entries()) {
    if (date.year !== undefined) continue;
    const after = dates.slice(index + 1).find((d) => d.year !== undefined);
    const before = dates
      .slice(0, index)
      .reverse()
      .find((d) => d.year !== undefined);
    const source = after ?? before;
    if (!source?.year) continue;
    date.year = source.year;
    if (source === after && compareDays(date, source) > 0) date.year--;
    if (source === before && compareDays(date, source) < 0) date.year++;
  }
}

/**
 * SEL's rule: this year, or next year if the date is more than 30 days before now. A weekday
 * written with the date ("Tue, Dec 8") is stronger evidence: the year, among last, this and
 * next, in which that date falls on that weekday wins; if none does, the rule applies.
 */
function inferYear(date: DayDate, zone: string, now: Date): { year: number; warning?: string } {
  const today = DateTime.fromJSDate(now, { zone });
  let year = today.year;
  const candidate = DateTime.fromObject({ year, month: date.month, day: date.day }, { zone });
  if (candidate.isValid && candidate < today.minus({ days: 30 })) year++;
  if (date.weekday === undefined) return { year };
  const matching = [today.year - 1, today.year, today.year + 1].filter(
    (y) => DateTime.fromObject({ year: y, month: date.month, day: date.day }, { zone }).weekday === date.weekday,
  );
  if (matching.includes(year)) return { year };
  if (matching[0] !== undefined) return { year: matching[0] };
  const named = WEEKDAY_NAMES[date.weekday - 1] ?? '';
  const shown = `${MONTH_NAMES[date.month - 1] ?? date.month} ${date.day}`;
  return { year, warning: `${shown} is not a ${named} in ${today.year - 1}, ${today.year} or ${today.year + 1}; assumed ${year}` };
}

/** The first such weekday on or after `from`'s day; with "next", a week later when `from` is that weekday. */
function comingWeekday(loose: LooseWeekday, from: DateTime): DayDate {
  let days = (loose.weekday - from.weekday + 7) % 7;
  if (days === 0 && loose.next) days = 7;
  const day = from.plus({ days });
  return { year: day.year, month: day.month, day: day.day };
}

function yearOnOrAfter(date: DayDate, anchor: DateTime): { year: number; warning?: string } {
  const sameYear = { ...date, year: anchor.year };
  return { year: compareDays(sameYear, { year: anchor.year, month: anchor.month, day: anchor.day }) < 0 ? anchor.year + 1 : anchor.year };
}

function compareDays(a: DayDate, b: DayDate): number {
  return ((a.year ?? 0) - (b.year ?? 0)) * 10_000 + (a.month - b.month) * 100 + (a.day - b.day);
}

function addDays(date: DayDate, days: number): DayDate {
  const moved = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }).plus({ days });
  return { year: moved.year, month: moved.month, day: moved.day };
}

/** "YYYY-MM-DDTHH:MM:SS" for toRfc3339, which checks the date exists and applies the zone. */
function wallClock(date: DayDate, time: WallTime | undefined): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const t = time ?? { hour: 0, minute: 0, second: 0 };
  return `${pad(date.year ?? 0, 4)}-${pad(date.month)}-${pad(date.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
}
