import { InvalidArgumentError } from 'commander';
import { VERDICTS, type Verdict } from '../health/verdict.ts';
import { MAX_SHARDS, parseShard, type Shard } from '../sources/shard.ts';

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
  const names = value
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => !(VERDICTS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(`expected verdicts from ${VERDICTS.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
  return names as Verdict[];
}

/** Commander parser for a SEL tier. */
export function tierOption(value: string): number {
  if (!/^\s*[0-3]\s*$/.test(value)) throw new InvalidArgumentError('expected a tier: 0 (JSON-LD), 1 (CSS), 2 (headless) or 3 (REST/GraphQL)');
  return Number(value);
}

/** Commander parser for --shard i/n. */
export function shardOption(value: string): Shard {
  const shard = parseShard(value);
  if (!shard) {
    throw new InvalidArgumentError(
      `expected <index>/<count> with 1 <= index <= count <= ${MAX_SHARDS}, e.g. 2/4 (in a Kubernetes Indexed Job: $((JOB_COMPLETION_INDEX+1))/4)`,
    );
  }
  return shard;
}
