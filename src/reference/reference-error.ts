import { ImprimaturError } from '../errors/index.js';

/** Longest slice of the caller's input we echo back in a message: enough to recognise it, not a megabyte. */
const MAX_ECHOED_INPUT = 300;

/** Quotes untrusted input for an error message: JSON escaping neutralises control characters and newlines. */
export function quoteInput(input: string): string {
  const shown = input.length > MAX_ECHOED_INPUT ? `${input.slice(0, MAX_ECHOED_INPUT)}…` : input;
  return JSON.stringify(shown);
}

/**
 * An image reference (or platform specifier) that cannot be parsed. The message names the problem and
 * the input, e.g. `repository name must be lowercase: "Alpine"`; it is safe to show to callers.
 */
export class ReferenceError extends ImprimaturError<'INVALID_REFERENCE'> {
  constructor(problem: string, input: string) {
    super('INVALID_REFERENCE', `${problem}: ${quoteInput(input)}`);
  }
}
