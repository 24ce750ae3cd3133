import { SelScraperError } from '../errors.ts';
import { describeUserInput } from '../keys/redact.ts';

/**
 * A run id is a ULID: 26 Crockford base-32 characters, the first 0-7 (a 48-bit time). Only
 * such a string may become part of a file name in the state folder, so a run id (typed, or
 * read from a journal) can never name a path outside it.
 */
const RUN_ID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function isRunId(value: unknown): value is string {
  return typeof value === 'string' && RUN_ID.test(value);
}

/** A run id given on the command line; ULIDs are case-insensitive, file names upper case. */
export function runIdArgument(text: string, flag: string): string {
  const id = text.toUpperCase();
  if (isRunId(id)) return id;
  throw new SelScraperError('ERR_USAGE', `${flag}: ${JSON.stringify(describeUserInput(text))} is not a run id`, {
    hint: 'a run id is the 26-character ULID printed in the last line of a run summary (e.g. 01KAZ3M4ZJ6Y8N0V2C7T9R1B3D)',
  });
}
