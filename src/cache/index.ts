/**
 * Caching: a bounded in-memory store, optionally Redis (via keyv) as a shared tier; TTLs derived
 * from what is immutable; single-flight for concurrent identical work. Everything read back from a
 * shared store is re-checked (digests recomputed) or never shared at all (tags, verdicts).
 *
 * `createCache(config.cache, ...)` gives the server a `RegistryClient` decorator and the
 * `VerificationCache`; `health()` feeds the readiness probe and metrics.
 */
export { createCache, type Cache, type CreateCacheOptions } from './create-cache.js';
export type { CacheHealth, CacheLookupObserver, CacheLookupOutcome, CacheTier } from './cache-store.js';
export { CacheStore } from './cache-store.js';
export { CachingRegistryClient, type CachingRegistryClientOptions } from './caching-registry-client.js';
export { VerificationCache, type CachedVerification, type VerificationKey } from './verification-cache.js';
export { CACHE_NAMESPACES, type CacheNamespace } from './namespaces.js';
export { policyFingerprint } from './canonical-policy.js';
export type { SharedTierHealth } from './shared-tier.js';
export { ContentMemo } from './content-memo.js';
