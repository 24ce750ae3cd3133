import { assembleDates } from '../normalize/human-dates.ts';

/**
 * What a piece of listing text looks like to someone writing selectors: a date, a bare time, a
 * link label that names no event. Dates are judged by the same assembler the CSS reader's
 * events go through, so a text called a date here is one the draft's events will parse.
 */

/** A month, weekday, numeric or ISO date, or today/tonight: without one, a number is not a date ("Room 5"). */
export const DATE_CUE = new RegExp(
  [
    String.raw`\b\d{4}-\d{2}-\d{2}`,
    String.raw`\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b`,
    String.raw`\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th|er)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|janv|févr|fevr|mars|avr|mai|juin|juil|août|aout|sept|oct|nov|déc|dec)[a-zé]*\b`,
    String.raw`\b(?:today|tonight|tomorrow)\b`,
  ].join('|'),
  'i',
);

const TIME_CUE = /\b\d{1,2}(?::\d{2})?\s*[ap]\.?\s?m\b\.?|\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?h\s?\d{2}\b/i;

/** Longest text taken for a date: a date cell, not a paragraph that mentions one. */
const MAX_DATE_TEXT = 120;

export interface DateReading {
  /** RFC 3339 start the assembler made of it. */
  start: string;
  /** The text has a time of day (else the event starts at midnight). */
  hasTime: boolean;
}

/** The start a text gives as an event date, or undefined when it is not one. */
export function readDate(text: string, zone: string, now: Date): DateReading | undefined {
  const value = text.trim();
  if (value === '' || value.length > MAX_DATE_TEXT || !DATE_CUE.test(value)) return undefined;
  const assembled = assembleDates([value], zone, now);
  if ('error' in assembled) return undefined;
  return { start: assembled.start, hasTime: TIME_CUE.test(value) || /T\d{2}:\d{2}/.test(value) };
}

/** A time of day and nothing that makes it a date ("7:30 pm", "Doors 19:00"). */
export function isTimeOnly(text: string): boolean {
  const value = text.trim();
  return value.length > 0 && value.length <= 40 && TIME_CUE.test(value) && !DATE_CUE.test(value);
}

const GENERIC_LABELS =
  /^(?:more|more info|more information|read more|learn more|details|view details|view event|see more|tickets?|buy tickets?|get tickets?|book now|register|rsvp|info|sold out|free|event|events|calendar|add to calendar|share|click here|here|see event|view|book|reserve)$/i;

/** Link labels and buttons that say what to do, not what the event is. */
export function isGenericLabel(text: string): boolean {
  return GENERIC_LABELS.test(
    text
      .trim()
      .replace(/[»›→>.!:]+$/u, '')
      .trim(),
  );
}

/** Words in class names, ids and itemprops that say what an element holds. */
export const FIELD_CUES = {
  name: /title|name|heading|headline|summary/i,
  location: /venue|location|place|where|address|room|hall/i,
  description: /desc|excerpt|teaser|blurb|intro|abstract|synopsis|summary|body|content|text/i,
  date: /date|time|when|day|start/i,
  card: /event|card|item|listing|show|performance|concert|program|teaser|post|entry|row|tile|result/i,
} as const;
