import type { Keyv } from 'keyv';
import type { BoundedMemoryStore } from './memory-store.js';
import { isShareable, storageKey, type CacheNamespace } from './namespaces.js';
import type { SharedTier, SharedTierHealth } from './shared-tier.js';

/**
 * Turns what a store returned into a value the caller can use, or `undefined` to refuse it. Stored
 * values are untrusted (a shared store can be written by others); decoders check shape and, for
 * content, recompute the digest.
 */
export type CacheDecoder<T> = (raw: unknown) => T | undefined;

/** Where a hit came from. */
export type CacheTier = 'memory' | 'shared';

/** How one look-up ended, for metrics: `refused` is an entry that failed its decoder (damaged or poisoned). */
export type CacheLookupOutcome = 'hit' | 'miss' | 'refused' | 'unavailable';

/**
 * Receives every look-up; the seam for metrics (see `createCache`). A hit comes with the entry's
 * expiry (`Date.now()` clock) when the store knows it, so that whatever was built from the entry can
 * be bounded by it (the GraphQL response cache is).
 */
export type CacheLookupObserver = (
  namespace: CacheNamespace,
  outcome: CacheLookupOutcome,
  tier: CacheTier,
  expiresAt?: number,
) => void;

export type CacheHealth =
  | {
      readonly backend: 'memory';
      readonly status: 'ok';
      readonly memory: { readonly entries: number; readonly bytes: number };
    }
  | {
      readonly backend: 'redis';
      /**
       * `degraded` while Redis is unreachable or not yet connected: answers still come from memory
       * and the registry, so this is for dashboards and alerts, not a reason to stop serving.
       */
      readonly status: 'ok' | 'degraded';
      readonly memoryTier: boolean;
      readonly redis: SharedTierHealth;
      readonly memory: { readonly entries: number; readonly bytes: number };
    };

export interface CacheStoreParts {
  /** keyv over the bounded memory store: process-local entries, and the first tier when asked. */
  readonly memory: Keyv;
  readonly memoryStore: BoundedMemoryStore;
  /** Redis, when configured. */
  readonly shared?: SharedTier;
  /** With Redis: also keep shareable entries in memory in front of it. */
  readonly memoryTier: boolean;
  readonly observe?: CacheLookupObserver;
}

/**
 * The one way the service reads and writes cached values. It decides, per namespace, which tiers an
 * entry lives in (see `isShareable`), never throws (a broken cache is a slower service, not a failed
 * request), and refuses any stored value its decoder does not accept.
 */
export class CacheStore {
  /** Redis writes started by `set` and not yet answered, by key (the latest per key; see `set`). */
  private readonly sharedWrites = new Map<string, Promise<boolean>>();

  constructor(private readonly parts: CacheStoreParts) {}

  async get<T>(
    namespace: CacheNamespace,
    keyParts: readonly string[],
    decode: CacheDecoder<T>,
  ): Promise<T | undefined> {
    const key = storageKey(namespace, keyParts);
    if (this.usesMemory(namespace)) {
      const stored = await this.parts.memory.getRaw(key).catch(() => undefined);
      const raw = stored?.value;
      if (raw !== undefined) {
        const value = safely(decode, raw);
        // keyv leaves `expires` out for an entry stored without a TTL; `set` never stores one.
        if (value !== undefined)
          return this.observed(namespace, 'hit', 'memory', value, stored?.expires ?? undefined);
        await this.parts.memory.delete(key).catch(() => undefined);
        this.observed(namespace, 'refused', 'memory', undefined);
      } else if (!this.usesShared(namespace)) {
        return this.observed(namespace, 'miss', 'memory', undefined);
      }
    }
    const shared = this.usesShared(namespace) ? this.parts.shared : undefined;
    if (shared === undefined) return undefined;
    // A write of this key still on its way to Redis is waited for, so this process always reads what
    // it wrote (see `set`).
    await this.sharedWrites.get(key);
    const read = await shared.get(key);
    switch (read.kind) {
      case 'unavailable':
      case 'miss':
        return this.observed(namespace, read.kind, 'shared', undefined);
      case 'hit': {
        const value = safely(decode, read.value);
        if (value === undefined) {
          // Damaged or poisoned: drop it so the next fetch from upstream replaces it.
          await shared.delete(key);
          return this.observed(namespace, 'refused', 'shared', undefined);
        }
        if (this.usesMemory(namespace)) await this.promote(key, read.value, read.expiresAt);
        return this.observed(namespace, 'hit', 'shared', value, read.expiresAt);
      }
      default:
        return unreachable(read);
    }
  }

  /**
   * Stores `value` for `ttlMs` in every tier the namespace lives in; `ttlMs <= 0` stores nothing.
   * Resolves once the memory tier has it. The Redis write is started but not waited for: it is a
   * network round trip, and a cold verification made ~8 of them one after another on its critical
   * path. This process never reads around it: a `get` of the same key waits for the write first, so it
   * sees the value (or Redis failed, which is a miss, as before). Another process may miss it for
   * that round trip and fetch again. `close` waits for writes still in flight.
   */
  async set(
    namespace: CacheNamespace,
    keyParts: readonly string[],
    value: unknown,
    ttlMs: number,
  ): Promise<void> {
    if (!(ttlMs > 0)) return;
    const key = storageKey(namespace, keyParts);
    const shared = this.usesShared(namespace) ? this.parts.shared : undefined;
    if (shared !== undefined) {
      // SharedTier.set never rejects: a failure is recorded for health and metrics.
      const write = shared.set(key, value, ttlMs);
      this.sharedWrites.set(key, write);
      void write.finally(() => {
        if (this.sharedWrites.get(key) === write) this.sharedWrites.delete(key);
      });
    }
    if (this.usesMemory(namespace)) await this.parts.memory.set(key, value, ttlMs).catch(() => false);
  }

  health(): CacheHealth {
    const memory = this.parts.memoryStore.size;
    const shared = this.parts.shared;
    if (shared === undefined) return { backend: 'memory', status: 'ok', memory };
    const redis = shared.health();
    return {
      backend: 'redis',
      status: redis.state === 'up' ? 'ok' : 'degraded',
      memoryTier: this.parts.memoryTier,
      redis,
      memory,
    };
  }

  /** Resolves once the Redis writes started so far are answered (each is bounded by the cache timeout). */
  async writesSettled(): Promise<void> {
    await Promise.allSettled(this.sharedWrites.values());
  }

  /** Lets the Redis writes in flight finish, then disconnects. */
  async close(): Promise<void> {
    await this.writesSettled();
    await this.parts.shared?.close();
  }

  private usesShared(namespace: CacheNamespace): boolean {
    return this.parts.shared !== undefined && isShareable(namespace);
  }

  private usesMemory(namespace: CacheNamespace): boolean {
    return !this.usesShared(namespace) || this.parts.memoryTier;
  }

  /** Copies a shared hit into memory for no longer than it has left in the shared store. */
  private async promote(key: string, value: unknown, expiresAt: number | undefined): Promise<void> {
    if (expiresAt === undefined) return;
    // keyv stamps `expires` with `Date.now()`, so the time left is measured on that same clock.
    const left = expiresAt - Date.now();
    if (left > 0) await this.parts.memory.set(key, value, left).catch(() => false);
  }

  private observed<T>(
    namespace: CacheNamespace,
    outcome: CacheLookupOutcome,
    tier: CacheTier,
    value: T,
    expiresAt?: number,
  ): T {
    this.parts.observe?.(namespace, outcome, tier, expiresAt);
    return value;
  }
}

/** A decoder that throws on some odd input refuses it, like one that returns `undefined`. */
function safely<T>(decode: CacheDecoder<T>, raw: unknown): T | undefined {
  try {
    return decode(raw);
  } catch {
    return undefined;
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected shared read ${JSON.stringify(value)}`);
}
