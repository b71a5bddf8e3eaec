import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { CacheStore, type CacheLookupOutcome } from './cache-store.js';
import { BoundedMemoryStore } from './memory-store.js';
import type { CacheNamespace } from './namespaces.js';
import { deserialize, serialize } from './serializer.js';
import { SharedTier } from './shared-tier.js';

/**
 * Tier rules of the cache store, with a second keyv store standing in for Redis (the Redis-specific
 * behaviour, outages included, is tested against a real redis-server in test/integration/cache).
 */
function stores(memoryTier: boolean) {
  // Real time: keyv stamps expiry with Date.now(), so a fake clock would disagree with it.
  const clock = Date.now;
  const keyvOver = (store: BoundedMemoryStore) => {
    const keyv = new Keyv({
      store,
      serialize,
      deserialize: (text: string) => deserialize(text) as never,
      useKeyPrefix: false,
    });
    keyv.namespace = undefined;
    return keyv;
  };
  const memoryStore = new BoundedMemoryStore({ maxEntries: 100, maxBytes: 100_000 }, clock);
  const sharedStore = new BoundedMemoryStore({ maxEntries: 100, maxBytes: 100_000 }, clock);
  const shared = new SharedTier(keyvOver(sharedStore), { timeoutMs: 100, retryAfterMs: 100, now: clock });
  const seen: [CacheNamespace, CacheLookupOutcome, string][] = [];
  const store = new CacheStore({
    memory: keyvOver(memoryStore),
    memoryStore,
    shared,
    memoryTier,
    observe: (namespace, outcome, tier) => seen.push([namespace, outcome, tier]),
  });
  return { store, memoryStore, sharedStore, seen };
}

const accept = (raw: unknown) => raw;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the cache store', () => {
  it('keeps process-local namespaces (tags, verdicts) out of the shared store', async () => {
    const { store, memoryStore, sharedStore } = stores(false);
    await store.set('tag', ['r', 'repo', 'latest'], 'sha256:' + 'a'.repeat(64), 10_000);
    await store.set('verification', ['k'], { verdict: 'VERIFIED' }, 10_000);
    expect(sharedStore.size.entries).toBe(0);
    expect(memoryStore.size.entries).toBe(2);
  });

  it('keeps shareable content only in the shared store when there is no memory tier', async () => {
    const { store, memoryStore, sharedStore } = stores(false);
    await store.set('manifest', ['r', 'repo', 'sha256:x'], { bytes: new Uint8Array([1]) }, 10_000);
    expect(sharedStore.size.entries).toBe(1);
    expect(memoryStore.size.entries).toBe(0);
  });

  it('copies a shared hit into the memory tier for no longer than it has left', async () => {
    const { store, memoryStore } = stores(true);
    await store.set('referrers', ['k'], { listing: 1 }, 400);
    memoryStore.clear();
    await sleep(250);
    expect(await store.get('referrers', ['k'], accept)).toEqual({ listing: 1 });
    expect(memoryStore.size.entries).toBe(1);
    await sleep(200);
    // Gone from both tiers at the same moment: the copy did not extend its life.
    expect(await store.get('referrers', ['k'], accept)).toBeUndefined();
  });

  it('drops a shared entry its decoder refuses, and reports it as refused', async () => {
    const { store, sharedStore, seen } = stores(false);
    await store.set('blob', ['k'], new Uint8Array([1, 2]), 10_000);
    expect(await store.get('blob', ['k'], () => undefined)).toBeUndefined();
    expect(sharedStore.size.entries).toBe(0);
    expect(seen).toEqual([['blob', 'refused', 'shared']]);
  });

  it('treats a decoder that throws as a refusal, never as a failed request', async () => {
    const { store } = stores(true);
    await store.set('verification', ['k'], { v: 1 }, 10_000);
    const throwing = () => {
      throw new Error('unexpected shape');
    };
    await expect(store.get('verification', ['k'], throwing)).resolves.toBeUndefined();
  });

  it('stores nothing for a TTL of 0', async () => {
    const { store, memoryStore, sharedStore } = stores(true);
    await store.set('tag', ['k'], 'x', 0);
    await store.set('manifest', ['k'], 'x', 0);
    expect(memoryStore.size.entries + sharedStore.size.entries).toBe(0);
  });

  it('reports hits and misses per namespace and tier', async () => {
    const { store, seen } = stores(false);
    await store.get('tag', ['k'], accept);
    await store.set('tag', ['k'], 'v', 1_000);
    await store.get('tag', ['k'], accept);
    await store.get('manifest', ['k'], accept);
    expect(seen).toEqual([
      ['tag', 'miss', 'memory'],
      ['tag', 'hit', 'memory'],
      ['manifest', 'miss', 'shared'],
    ]);
  });
});
