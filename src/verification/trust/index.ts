export { loadTrustRoot, parseTrustRoot } from './load-trust-root.js';
export type { TrustRoot, ParseTrustRootOptions } from './load-trust-root.js';
export { TRUSTED_ROOT_TARGET } from './fetch-through-tuf.js';
export {
  RefreshingTrustRoot,
  type RefreshOutcome,
  type TrustRootOrigin,
  type TrustRootState,
} from './refreshing-trust-root.js';
export { TrustRootSet, type NamedTrustRoot, type TrustRootSnapshot } from './trust-root-set.js';
export { trustRootsForPolicy, trustRootsKey } from './roots-for-policy.js';
