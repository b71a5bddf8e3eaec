/**
 * Defensive readers every view shares. Predicates are untrusted JSON of any shape: a reader never
 * throws, walks only own keys of plain objects (so `__proto__` or `constructor` lead nowhere), and
 * gives up on a string that is empty or longer than the view's cap rather than truncating it.
 */

/** The value at `path` in nested plain objects, or undefined (arrays and primitives end the walk). */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a non-empty string of at most `maxLength` characters, else undefined. */
export function stringUpTo(value: unknown, maxLength: number): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= maxLength ? value : undefined;
}
