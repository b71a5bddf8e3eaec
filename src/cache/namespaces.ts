import type { CacheConfig } from '../config/index.js';

/**
 * Everything the cache holds, by kind. The kind decides the key prefix, how long an entry lives, and
 * whether it may live in the shared store (Redis) at all.
 */
export type CacheNamespace = 'manifest' | 'blob' | 'tag' | 'signature-tag' | 'referrers' | 'verification';

export const CACHE_NAMESPACES: readonly CacheNamespace[] = [
  'manifest',
  'blob',
  'tag',
  'signature-tag',
  'referrers',
  'verification',
];

/**
 * Whether entries of a namespace may be read from a shared store. Anyone who can write to Redis can
 * write any value, so only what cannot be turned into a false "verified" is shared:
 *
 * - `manifest`, `blob`: content addressed by digest; every read recomputes the digest and refuses a
 *   mismatch, so a poisoned entry is a miss.
 * - `signature-tag`, `referrers`: a poisoned listing can hide signatures (a false "unsigned", the
 *   same a registry can do) or point at other content, which is then digest-checked and
 *   cryptographically verified against this image's digest; it cannot make a signature appear.
 * - `tag` (NOT shared): a tag → digest answer cannot be checked without asking the registry; a
 *   poisoned one would make `app:latest` report the verdict of some other, signed, image.
 * - `verification` (NOT shared): a verdict cannot be checked without redoing the verification; a
 *   poisoned one would be a forged "verified". Each process keeps its own.
 */
export function isShareable(namespace: CacheNamespace): boolean {
  switch (namespace) {
    case 'manifest':
    case 'blob':
    case 'signature-tag':
    case 'referrers':
      return true;
    case 'tag':
    case 'verification':
      return false;
    default:
      return unreachable(namespace);
  }
}

/** How long an entry of `namespace` lives, in milliseconds; 0 means "do not cache". */
export function ttlMsFor(namespace: CacheNamespace, config: CacheConfig): number {
  switch (namespace) {
    case 'manifest':
    case 'blob':
      return config.contentTtlSeconds * 1000;
    case 'tag':
      return config.tagTtlSeconds * 1000;
    case 'signature-tag':
    case 'referrers':
      return config.listingTtlSeconds * 1000;
    case 'verification':
      return config.verificationTtlSeconds * 1000;
    default:
      return unreachable(namespace);
  }
}

/**
 * The storage key. Parts are JSON-encoded so that no registry, repository or tag can be crafted to
 * collide with another's key (`a:b` + `c` vs `a` + `b:c`). The version segment lets a new format
 * ignore entries written by an older service sharing the same Redis.
 */
export function storageKey(namespace: CacheNamespace, parts: readonly string[]): string {
  return `imprimatur:v1:${namespace}:${JSON.stringify(parts)}`;
}

/**
 * The key of the fetch lease for an entry (see `fetch-lease.ts`): beside the entry's own key, never
 * equal to any entry's key (`lease` is not a namespace).
 */
export function leaseKey(namespace: CacheNamespace, parts: readonly string[]): string {
  return `imprimatur:v1:lease:${namespace}:${JSON.stringify(parts)}`;
}

function unreachable(value: never): never {
  throw new Error(`unexpected cache namespace ${String(value)}`);
}
