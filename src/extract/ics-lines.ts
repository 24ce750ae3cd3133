/**
 * The first pass over an iCalendar feed: content lines unfolded and split into components,
 * without interpreting values. It exists so one broken VEVENT can be reported and dropped on
 * its own (node-ical gives up on the whole feed at the first bad event), and so TZIDs can be
 * resolved before node-ical guesses with the host's zone.
 */

export interface ContentLine {
  /** Property name, upper-cased. */
  name: string;
  /** Parameters as written, e.g. `["TZID=America/Toronto"]`; quotes kept. */
  params: string[];
  value: string;
  /** 1-based line in the feed where the (folded) property starts. */
  line: number;
}

export interface ComponentBlock {
  /** Line of its BEGIN, for messages. */
  line: number;
  /** Its own properties and those of nested components (VALARM...), BEGIN/END included. */
  lines: ContentLine[];
}

export interface VTimezoneBlock extends ComponentBlock {
  tzid: string;
}

export interface SplitCalendar {
  /** VCALENDAR-level properties (X-WR-TIMEZONE, X-WR-CALNAME...), first value wins. */
  calendar: Map<string, string>;
  timezones: VTimezoneBlock[];
  events: ComponentBlock[];
  warnings: string[];
}

/** Components that never nest inside another: meeting one means the open one was not closed. */
const TOP_LEVEL = new Set(['VEVENT', 'VTIMEZONE']);
// RFC 5545 §3.1: name *(";" param) ":" value, where a quoted param value may hold ":" and ";".
const CONTENT_LINE = /^([A-Za-z0-9_-]+)((?:;[A-Za-z0-9_-]+=(?:"[^"]*"|[^",;:]*)(?:,(?:"[^"]*"|[^",;:]*))*)*):(.*)$/;
const PARAM = /;([A-Za-z0-9_-]+=(?:"[^"]*"|[^",;:]*)(?:,(?:"[^"]*"|[^",;:]*))*)/g;

/** Unfolds RFC 5545 §3.1 continuation lines and parses each property line. */
export function contentLines(text: string): ContentLine[] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const out: ContentLine[] = [];
  let current: { text: string; line: number } | undefined;
  const flush = () => {
    if (!current) return;
    const match = CONTENT_LINE.exec(current.text);
    if (match) {
      const params = [...(match[2] ?? '').matchAll(PARAM)].map((m) => m[1] ?? '');
      out.push({ name: (match[1] ?? '').toUpperCase(), params, value: match[3] ?? '', line: current.line });
    }
    current = undefined;
  };
  physical.forEach((raw, index) => {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && current) {
      current.text += raw.slice(1);
      return;
    }
    flush();
    if (raw.trim() !== '') current = { text: raw, line: index + 1 };
  });
  flush();
  return out;
}

/**
 * Splits the feed into VCALENDAR properties, VTIMEZONE and VEVENT blocks. A VEVENT left open
 * (no END before the next BEGIN:VEVENT or the end of the feed) is closed there with a warning
 * rather than swallowing the events after it.
 */
export function splitCalendar(lines: readonly ContentLine[]): SplitCalendar {
  const result: SplitCalendar = { calendar: new Map(), timezones: [], events: [], warnings: [] };
  let open: { kind: string; block: ComponentBlock; depth: number } | undefined;
  const finish = (cutAt?: ContentLine) => {
    if (!open) return;
    const { kind, block } = open;
    if (cutAt) {
      const why = cutAt.name === 'END' ? 'the calendar ends' : `BEGIN:${cutAt.value.trim()} follows at line ${cutAt.line}`;
      result.warnings.push(`${kind} at line ${block.line} has no END:${kind} (${why}); read up to there`);
      block.lines.push({ name: 'END', params: [], value: kind, line: cutAt.line });
    }
    if (kind === 'VEVENT') result.events.push(block);
    else {
      const tzid = block.lines.find((l) => l.name === 'TZID')?.value.trim();
      if (tzid) result.timezones.push({ ...block, tzid: unquote(tzid) });
    }
    open = undefined;
  };
  let depth = 0;
  for (const line of lines) {
    const component = line.value.trim().toUpperCase();
    const startsTopLevel = line.name === 'BEGIN' && TOP_LEVEL.has(component);
    if (open) {
      if (!startsTopLevel && !(line.name === 'END' && component === 'VCALENDAR')) {
        open.block.lines.push(line);
        if (line.name === 'BEGIN') open.depth++;
        else if (line.name === 'END' && --open.depth === 0) finish();
        continue;
      }
      finish(line);
    }
    if (startsTopLevel) {
      open = { kind: component, block: { line: line.line, lines: [line] }, depth: 1 };
    } else if (line.name === 'BEGIN') depth++;
    else if (line.name === 'END') depth--;
    else if (depth <= 1 && !result.calendar.has(line.name)) result.calendar.set(line.name, line.value);
  }
  if (open) finish({ name: 'END', params: [], value: 'VCALENDAR', line: lines.at(-1)?.line ?? 0 });
  return result;
}

/** The text of a component block as node-ical reads it. */
export function serialize(lines: readonly ContentLine[]): string {
  return lines.map((l) => `${l.name}${l.params.map((p) => `;${p}`).join('')}:${l.value}`).join('\r\n');
}

/** A parameter's value by name (case-insensitive), quotes removed. */
export function param(line: ContentLine, name: string): string | undefined {
  const prefix = `${name.toUpperCase()}=`;
  const found = line.params.find((p) => p.toUpperCase().startsWith(prefix));
  return found === undefined ? undefined : unquote(found.slice(prefix.length));
}

function unquote(value: string): string {
  return value.replace(/^"(.*)"$/, '$1');
}

/**
 * RFC 5545 folds lines every 75 octets, and some producers (Google among them) fold inside a
 * multi-byte UTF-8 character; decoding before unfolding would turn it into U+FFFD. This joins
 * only such folds, on the raw bytes, so every other fold (and every line number) stays as is.
 */
export function joinSplitCharacters(bytes: Buffer): Buffer {
  const out: number[] = [];
  let changed = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    const foldLength = byte === 0x0d && bytes[i + 1] === 0x0a ? 2 : byte === 0x0a ? 1 : 0;
    const next = bytes[i + foldLength];
    if (foldLength > 0 && (next === 0x20 || next === 0x09) && endsInsideCharacter(out)) {
      i += foldLength;
      changed = true;
      continue;
    }
    out.push(byte);
  }
  return changed ? Buffer.from(out) : bytes;
}

/** Whether the bytes so far end in the middle of a UTF-8 sequence. */
function endsInsideCharacter(bytes: readonly number[]): boolean {
  for (let back = 1; back <= 4 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0xc0) return false;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return back < length;
  }
  return false;
}
