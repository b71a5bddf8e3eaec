import { PolicyError } from '../errors.js';
import type { Policy } from '../types.js';
import type { NamedTrustRoot, TrustRootSnapshot } from './trust-root-set.js';

/**
 * The roots `policy` accepts, in its order (default: the default root alone, so policies written
 * before named roots mean what they meant). Throws PolicyError (INVALID_POLICY) for a name no root
 * is configured under: a typo must not quietly verify nothing.
 */
export function trustRootsForPolicy(snapshot: TrustRootSnapshot, policy: Policy): NamedTrustRoot[] {
  const { roots, defaultName } = snapshot;
  return (policy.trustRoot ?? [defaultName]).map((name) => {
    const root = roots.get(name);
    if (root === undefined) {
      throw new PolicyError(
        `trustRoot "${name}" is not a configured trust root (configured: ${[...roots.keys()].join(', ')})`,
      );
    }
    return root;
  });
}

/**
 * The cache-key part for a policy's roots: each name with the id of its content now. A rotation
 * changes the id, so no verdict computed under a replaced root is found again.
 */
export function trustRootsKey(roots: readonly NamedTrustRoot[]): string {
  return roots.map((r) => `${r.name}=${r.root?.id ?? 'unavailable'}`).join(',');
}
