import { PolicyError } from '../errors.js';

/** At most this many roots per policy: each is one more full verification of a failing signature. */
export const MAX_POLICY_TRUST_ROOTS = 8;
/** The shape configured root names have (see config/trust-roots-config.ts). */
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * Checks the shape of a policy's `trustRoot` list: a few well-formed names, none twice, none empty.
 * Whether each names a configured root is known only where the roots are (the verification service).
 */
export function checkTrustRootNames(names: readonly string[] | null | undefined): void {
  // null is "not set", as for every field of the GraphQL input.
  if (names === undefined || names === null) return;
  if (names.length === 0)
    throw new PolicyError('trustRoot must name at least one trust root (or be left out)');
  if (names.length > MAX_POLICY_TRUST_ROOTS) {
    throw new PolicyError(
      `trustRoot names ${names.length} roots; at most ${MAX_POLICY_TRUST_ROOTS} are accepted`,
    );
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new PolicyError(`trustRoot "${String(name).slice(0, 80)}" is not a trust root name`);
    }
    if (seen.has(name)) throw new PolicyError(`trustRoot names "${name}" twice`);
    seen.add(name);
  }
}
