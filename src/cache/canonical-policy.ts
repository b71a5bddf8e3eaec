import { createHash } from 'node:crypto';
import type { Policy } from '../verification/types.js';

/**
 * The identity of a policy for cache keys: SHA-256 of its canonical JSON (object keys sorted at every
 * level, `undefined` members dropped), so `{identity, issuer}` and `{issuer, identity}` share a key
 * while any difference in a value gives another.
 *
 * Deliberately literal: two policies that differ only in spelling that happens to mean the same
 * (array order of required annotations, an explicit `ignoreTlog: false`) get different keys. That
 * costs a cache miss; treating different policies as equal could reuse a verdict for a policy it
 * was never computed for.
 */
export function policyFingerprint(policy: Policy): string {
  return `sha256:${createHash('sha256').update(canonicalJson(policy)).digest('hex')}`;
}

/** JSON with object keys in UTF-16 code-unit order (`Array.prototype.sort`) at every depth; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // `undefined` (and functions) only occur as members, where they are skipped below.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item ?? null)).join(',')}]`;
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}
