import { DateTime, IANAZone } from 'luxon';
import ical from 'node-ical';
import type { VTimezoneBlock } from './ics-lines.ts';

/**
 * Names seen in real feeds that node-ical 0.26 does not resolve. node-ical already maps every
 * Windows zone ID and display name in CLDR's windowsZones ("Eastern Standard Time",
 * "(UTC-05:00) Eastern Time (US & Canada)"...); these are the daylight-time spellings some
 * exporters write instead, and a Windows ID CLDR dropped.
 */
const EXTRA_ZONE_NAMES: Record<string, string> = {
  'eastern daylight time': 'America/New_York',
  'central daylight time': 'America/Chicago',
  'mountain daylight time': 'America/Denver',
  'pacific daylight time': 'America/Los_Angeles',
  'atlantic daylight time': 'America/Halifax',
  'newfoundland daylight time': 'America/St_Johns',
  'alaskan daylight time': 'America/Anchorage',
  'mexico standard time': 'America/Mexico_City',
};

/** Outlook's placeholder TZIDs: node-ical reads them in the host's zone unless a VTIMEZONE matches. */
const PLACEHOLDER_TZID = /^(?:tzone:\/\/Microsoft\/|Customized Time Zone|\(no TZ description\))/i;
const OFFSET_LABEL = /^\(?\s*(?:UTC|GMT)\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*\)?/i;

export interface ZoneContext {
  timezones: readonly VTimezoneBlock[];
  /** The source's zone: floating times and unknown TZIDs are read in it. */
  fallbackZone: string;
  /** Year whose offsets a VTIMEZONE is compared on. */
  year: number;
}

export interface ResolvedZone {
  zone: string;
  warning?: string;
}

/**
 * An IANA zone for a TZID, so node-ical never falls back to the host's zone: IANA names and
 * Windows names as node-ical resolves them, then the few names above, then the feed's own
 * VTIMEZONE matched by its offsets, then a fixed UTC offset label; otherwise the source's
 * zone, with a warning (SEL's scraper silently uses UTC).
 */
export function resolveTzid(tzidParam: string, ctx: ZoneContext): ResolvedZone {
  const tzid = tzidParam.trim().replace(/^"(.*)"$/, '$1');
  if (!PLACEHOLDER_TZID.test(tzid)) {
    const known = zoneNodeIcalResolves(tzid) ?? EXTRA_ZONE_NAMES[tzid.toLowerCase()];
    if (known) return { zone: known };
  }
  const vtimezone = ctx.timezones.find((t) => t.tzid === tzid);
  if (vtimezone) {
    const matched = zoneMatchingVTimezone(vtimezone, ctx);
    if (matched) return matched;
  }
  const offset = OFFSET_LABEL.exec(tzid);
  if (offset && Number(offset[3] ?? 0) === 0 && Number(offset[2]) <= 14) {
    const hours = Number(offset[2]);
    // Etc/GMT zones count west as positive: UTC-05:00 is Etc/GMT+5.
    const zone = hours === 0 ? 'UTC' : `Etc/GMT${offset[1] === '-' ? '+' : '-'}${hours}`;
    return { zone };
  }
  return {
    zone: ctx.fallbackZone,
    warning: `unknown time zone TZID "${tzid}"${vtimezone ? ' (its VTIMEZONE matches no known zone)' : ''}: its times were read in ${ctx.fallbackZone}, the source's timezone`,
  };
}

/** What node-ical makes of a TZID, asked through its public parser so its own table is used. */
function zoneNodeIcalResolves(tzid: string): string | undefined {
  if (/[\r\n]/.test(tzid)) return undefined;
  const probe = ical.sync.parseICS(`BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:probe\r\nDTSTART;TZID=${tzid}:20270115T120000\r\nEND:VEVENT\r\nEND:VCALENDAR`);
  const start = (probe.probe as { start?: { tz?: unknown } } | undefined)?.start;
  const zone = typeof start?.tz === 'string' ? start.tz : undefined;
  return zone && IANAZone.isValidZone(zone) ? zone : undefined;
}

/**
 * A VTIMEZONE under a made-up name (Outlook's "Customized Time Zone", exporters' own labels)
 * still states its offsets. Its X-LIC-LOCATION wins if it is a real zone; else the source's
 * zone if the offsets agree, else the first IANA zone with the same winter and summer offsets.
 */
function zoneMatchingVTimezone(vtimezone: VTimezoneBlock, ctx: ZoneContext): ResolvedZone | undefined {
  const location = vtimezone.lines.find((l) => l.name === 'X-LIC-LOCATION')?.value.trim();
  if (location && IANAZone.isValidZone(location)) return { zone: location };
  const offsets = observanceOffsets(vtimezone, ctx.year);
  if (!offsets) return undefined;
  const fits = (zone: string) => {
    const winter = DateTime.fromObject({ year: ctx.year, month: 1, day: 15, hour: 12 }, { zone }).offset;
    const summer = DateTime.fromObject({ year: ctx.year, month: 7, day: 15, hour: 12 }, { zone }).offset;
    const expected = new Set([offsets.standard, offsets.daylight ?? offsets.standard]);
    return expected.has(winter) && expected.has(summer) && (winter !== summer) === (offsets.daylight !== undefined && offsets.daylight !== offsets.standard);
  };
  if (fits(ctx.fallbackZone)) return { zone: ctx.fallbackZone };
  const zone = Intl.supportedValuesOf('timeZone').find(fits);
  if (!zone) return undefined;
  return { zone, warning: `TZID "${vtimezone.tzid}" is not a known zone; its VTIMEZONE offsets match ${zone}, which was used` };
}

/** Offsets (minutes) of the STANDARD and DAYLIGHT observances in force in `year`. */
function observanceOffsets(vtimezone: VTimezoneBlock, year: number): { standard: number; daylight?: number } | undefined {
  const observances: { kind: string; since: number; offset: number }[] = [];
  let current: { kind: string; since: number; offset?: number | undefined } | undefined;
  for (const line of vtimezone.lines) {
    const value = line.value.trim().toUpperCase();
    if (line.name === 'BEGIN' && (value === 'STANDARD' || value === 'DAYLIGHT')) current = { kind: value, since: 0 };
    else if (current && line.name === 'DTSTART') current.since = Number(line.value.slice(0, 4)) || 0;
    else if (current && line.name === 'TZOFFSETTO') current.offset = offsetMinutes(line.value);
    else if (current && line.name === 'END') {
      if (current.offset !== undefined) observances.push({ kind: current.kind, since: current.since, offset: current.offset });
      current = undefined;
    }
  }
  const inForce = (kind: string) =>
    observances
      .filter((o) => o.kind === kind)
      .sort((a, b) => b.since - a.since)
      .find((o, _, all) => o.since <= year || o === all.at(-1))?.offset;
  const standard = inForce('STANDARD');
  if (standard === undefined) return undefined;
  const daylight = inForce('DAYLIGHT');
  return daylight === undefined ? { standard } : { standard, daylight };
}

function offsetMinutes(text: string): number | undefined {
  const match = /^([+-])(\d{2})(\d{2})(\d{2})?$/.exec(text.trim());
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}
