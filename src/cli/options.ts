import { InvalidArgumentError } from 'commander';

/** Commander parser for a whole number within bounds, with the bounds in the message. */
export function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}
