import { InvalidArgumentError } from 'commander';
import { VERDICTS, type Verdict } from '../health/verdict.ts';

/** Commander parser for a whole number within bounds, with the bounds in the message. */
export function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** Commander parser for a share strictly between 0 and 1. */
export function ratioOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new InvalidArgumentError('expected a number between 0 and 1, e.g. 0.5');
  return n;
}

/** Commander parser for a comma-separated list of health verdicts. */
export function verdictListOption(value: string): Verdict[] {
  const names = value.split(',').map((v) => v.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((name) => !(VERDICTS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected verdicts from ${VERDICTS.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
  return names as Verdict[];
}
