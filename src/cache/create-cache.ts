import KeyvRedis, { createClient } from '@keyv/redis';
import { Keyv, type DeserializedData } from 'keyv';
import type { CacheConfig } from '../config/index.js';
import { DEFAULT_REFERRERS_LIMIT } from '../registry/index.js';
import type { RegistryClient } from '../registry/types.js';
import { heldSecrets } from '../security/index.js';
import { CacheStore, type CacheHealth, type CacheLookupObserver } from './cache-store.js';
import { CachingRegistryClient } from './caching-registry-client.js';
import { BoundedMemoryStore } from './memory-store.js';
import { ttlMsFor } from './namespaces.js';
import { DecodedMemo } from './decoded-memo.js';
import { FetchLease, type LeaseOutcome } from './fetch-lease.js';
import { serialize } from './serializer.js';
import { SharedTier } from './shared-tier.js';
import { VerificationCache } from './verification-cache.js';

/** The cache as the server uses it. */
export interface Cache {
  readonly store: CacheStore;
  readonly verifications: VerificationCache;
  /** Wraps the real registry client so every registry read goes through the cache and single-flight. */
  wrapRegistry(upstream: RegistryClient): RegistryClient;
  /** For the readiness probe and metrics: `degraded` while Redis is unreachable. */
  health(): CacheHealth;
  /**
   * Resolves once the Redis writes started so far are answered (or timed out). Answers do not wait
   * for them (see `CacheStore.set`); another process reading the same key right after may.
   */
  writesSettled(): Promise<void>;
  /** Lets the Redis writes in flight finish, then disconnects. */
  close(): Promise<void>;
}

export interface CreateCacheOptions {
  /**
   * Told about every look-up. TELEMETRY: this is where the metrics module's cache counter plugs in
   * (`recordCacheLookup(namespace, outcome === 'hit')`); the server passes it when telemetry exists.
   */
  readonly observe?: CacheLookupObserver;
  /** The registry client's manifest cap (`RegistryConfig.maxManifestBytes`). */
  readonly maxManifestBytes: number;
  /** After a Redis failure, skip Redis for this long before probing again. Default 1000 ms. */
  readonly redisRetryAfterMs?: number;
  readonly now?: () => number;
  /** Told how each cross-process fetch lease ended (metrics, tests). */
  readonly observeLease?: (outcome: LeaseOutcome) => void;
  /** Told when Redis becomes unreachable (with the error) and when it is back; the server logs both. */
  readonly onRedisStateChange?: (state: 'up' | 'down', lastError: string | undefined) => void;
}

/** Default of `IMPRIMATUR_CACHE_LEASE_MS`. */
export const DEFAULT_LEASE_MS = 5_000;
/** Default of `IMPRIMATUR_CACHE_LEASE_POLL_MS`. */
export const DEFAULT_LEASE_POLL_MS = 10;

/**
 * Builds the cache from configuration: always the bounded memory store; with `url`, Redis through
 * keyv as the shared tier (and memory in front of it when `memoryTier`). Connecting to Redis
 * happens in the background: the service starts, and answers, whether or not Redis is there yet.
 */
export function createCache(config: CacheConfig, options: CreateCacheOptions): Cache {
  const memoryStore = new BoundedMemoryStore(
    { maxEntries: config.memoryMaxEntries, maxBytes: config.memoryMaxBytes },
    options.now,
  );
  const memory = keyvOver(memoryStore);
  const shared = config.url === undefined ? undefined : connectRedis(config.url, config, options);
  const store = new CacheStore({
    memory,
    memoryStore,
    shared,
    memoryTier: config.memoryTier,
    observe: options.observe,
  });
  const leaseMs = config.leaseMs ?? DEFAULT_LEASE_MS;
  const lease =
    shared?.leasing === true && leaseMs > 0
      ? new FetchLease(
          shared,
          { leaseMs, pollMs: config.leasePollMs ?? DEFAULT_LEASE_POLL_MS, now: options.now },
          options.observeLease,
        )
      : undefined;
  const verifications = new VerificationCache(store, {
    verdictTtlMs: ttlMsFor('verification', config),
    failureTtlMs: config.failureTtlSeconds * 1000,
    now: options.now,
  });
  return {
    store,
    verifications,
    wrapRegistry: (upstream) =>
      new CachingRegistryClient(upstream, store, {
        ttlMs: (namespace) => ttlMsFor(namespace, config),
        maxManifestBytes: options.maxManifestBytes,
        defaultReferrersLimit: DEFAULT_REFERRERS_LIMIT,
        lease,
      }),
    health: () => store.health(),
    writesSettled: () => store.writesSettled(),
    close: () => store.close(),
  };
}

function connectRedis(url: string, config: CacheConfig, options: CreateCacheOptions): SharedTier {
  holdRedisPassword(url);
  const client = createClient({
    url,
    // Commands sent while disconnected fail at once instead of queueing: the cache answers without
    // Redis rather than holding requests until it returns.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: Math.max(1_000, config.timeoutMs * 4),
      // Keep reconnecting forever (Redis coming back must be picked up), backing off to 2 s.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2_000),
    },
  });
  const adapter = new KeyvRedis(client, { throwOnConnectError: true, throwOnErrors: true });
  const keyv = keyvOver(adapter);
  const tier = new SharedTier(keyv, {
    // On the client keyv writes through: one connection, so a lease is released after the entries
    // its holder stored (commands are answered in order).
    leases: {
      acquire: async (key, token, ttlMs) =>
        (await client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } })) ===
        'OK',
      release: async (key, token) => {
        await client.eval(RELEASE_LEASE, { keys: [key], arguments: [token] });
      },
    },
    timeoutMs: config.timeoutMs,
    retryAfterMs: options.redisRetryAfterMs ?? 1_000,
    now: options.now,
    onStateChange: options.onRedisStateChange,
  });
  client.on('ready', () => tier.markAvailable());
  // In the background: a failure is recorded by the tier (through keyv's `error` event) and retried
  // by the client's reconnect strategy.
  client.connect().catch(() => undefined);
  return tier;
}

/** The Redis password (and `user:password`) are secrets of ours: a client error could quote them. */
function holdRedisPassword(url: string): void {
  const { username, password } = new URL(url);
  if (password === '') return;
  const decoded = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  heldSecrets.holdCredentials(decoded(username), decoded(password));
  heldSecrets.holdSecret(password);
}

/** Compare-and-delete: a lease that expired and was taken by another process is not released. */
const RELEASE_LEASE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

function keyvOver(store: BoundedMemoryStore | KeyvRedis<unknown>): Keyv {
  const decoded = new DecodedMemo();
  const keyv = new Keyv({
    store,
    serialize,
    deserialize: <Value>(text: string) => decoded.decode(text) as DeserializedData<Value> | undefined,
    // Failures must reach `SharedTier` (which times them and tracks health), not be swallowed.
    throwOnErrors: true,
    useKeyPrefix: false,
  });
  // Keys are fully formed by `storageKey`; keyv must not add a prefix of its own.
  keyv.namespace = undefined;
  return keyv;
}
