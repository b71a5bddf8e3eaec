import { createClient } from '@keyv/redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '../../../src/cache/index.js';
import type { LeaseOutcome } from '../../../src/cache/fetch-lease.js';
import { leaseKey } from '../../../src/cache/namespaces.js';
import type { RegistryClient, RepositoryRef } from '../../../src/registry/types.js';
import {
  buildImage,
  freePort,
  pushImage,
  sha256Digest,
  type BuiltImage,
  type TestRegistry,
} from '../../support/registry/index.js';
import { startTestRedis, type TestRedis } from '../../support/redis.js';
import type { CountingProxy } from '../graph/counting-proxy.js';
import { cacheConfig, eventually, startCountedRegistry } from './fixtures.js';

/**
 * Single-flight across processes: caches sharing one real `redis-server` (each its own "process":
 * its own memory, its own Redis connection) ask the real registry, through the counting proxy, once
 * for what they all miss at the same time — and never wait unboundedly for a holder that is gone.
 */
describe('the cross-process fetch lease', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let redis: TestRedis;
  let upstream: RegistryClient;
  let image: BuiltImage;
  let repo: RepositoryRef;
  const caches: Cache[] = [];
  const LEASE_MS = 2_000;

  beforeAll(async () => {
    [{ registry, proxy, upstream }, redis] = await Promise.all([startCountedRegistry(), startTestRedis()]);
    image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage({ url: registry.url }, 'lease/app', image, 'v1');
    repo = { registry: proxy.host, repository: 'lease/app' };
  });
  beforeEach(async () => {
    proxy.reset();
    await redis.command('FLUSHALL');
  });
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    await redis?.stop();
  });

  /** One process's cache, connected to `url`, with every lease outcome recorded in `outcomes`. */
  async function startProcess(outcomes: LeaseOutcome[], url: string | null = redis.url) {
    const cache = createCache(
      cacheConfig({ url: url ?? undefined, memoryTier: true, leaseMs: LEASE_MS, leasePollMs: 10 }),
      {
        maxManifestBytes: 4 * 1024 * 1024,
        redisRetryAfterMs: 100,
        observeLease: (outcome) => outcomes.push(outcome),
      },
    );
    caches.push(cache);
    if (url === redis.url) await eventually(() => cache.health().status === 'ok');
    return cache;
  }

  /** The real client, each blob fetch held back `ms` first (so fetches overlap) or failing after it. */
  function slowed(ms: number, fail = false): RegistryClient {
    return {
      ...upstream,
      fetchManifest: upstream.fetchManifest.bind(upstream),
      listReferrers: upstream.listReferrers.bind(upstream),
      listTags: upstream.listTags.bind(upstream),
      async fetchBlob(r, digest, options) {
        await new Promise((resolve) => setTimeout(resolve, ms));
        if (fail) throw new Error('the holder failed');
        return upstream.fetchBlob(r, digest, options);
      },
    };
  }

  const configBlob = () => sha256Digest(image.config);
  const fetchConfig = (client: RegistryClient) => client.fetchBlob(repo, configBlob(), { maxBytes: 1 << 20 });

  it('five processes missing the same blob at once ask the registry once; four wait for its result', async () => {
    const outcomes: LeaseOutcome[] = [];
    const processes = await Promise.all(Array.from({ length: 5 }, () => startProcess(outcomes)));
    const blobs = await Promise.all(processes.map((cache) => fetchConfig(cache.wrapRegistry(slowed(150)))));
    for (const blob of blobs) expect(Buffer.from(blob)).toEqual(Buffer.from(blobs[0]!));
    expect(proxy.blobGets()).toBe(1);
    expect(outcomes.sort()).toEqual(['fetched', 'waited', 'waited', 'waited', 'waited']);
    // A sixth process arriving later finds the stored result, not the lease still held.
    const late: LeaseOutcome[] = [];
    await fetchConfig((await startProcess(late)).wrapRegistry(upstream));
    expect(late).toEqual([]);
    expect(proxy.blobGets()).toBe(1);
  });

  it('a holder that died holding the lease delays the others by its expiry at most, then they fetch', async () => {
    const raw = createClient({ url: redis.url });
    raw.on('error', () => undefined);
    await raw.connect();
    // What a replica killed between taking the lease and storing its result leaves behind.
    await raw.set(leaseKey('blob', [repo.registry, repo.repository, configBlob()]), 'dead-holder', {
      condition: 'NX',
      expiration: { type: 'PX', value: 400 },
    });
    const leasedAt = Date.now();
    await raw.close();
    const outcomes: LeaseOutcome[] = [];
    const cache = await startProcess(outcomes);
    await fetchConfig(cache.wrapRegistry(upstream));
    const waited = Date.now() - leasedAt;
    expect(waited).toBeGreaterThanOrEqual(390);
    expect(waited).toBeLessThan(LEASE_MS);
    expect(outcomes).toEqual(['waited-then-fetched']);
    expect(proxy.blobGets()).toBe(1);
  });

  it('a holder whose fetch fails gives the lease back, and a waiter fetches at once instead of waiting it out', async () => {
    const outcomes: LeaseOutcome[] = [];
    const [holder, waiter] = [await startProcess(outcomes), await startProcess(outcomes)];
    const failing = fetchConfig(holder.wrapRegistry(slowed(100, true))).then(
      () => undefined,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await fetchConfig(waiter.wrapRegistry(upstream));
    expect(Date.now() - started).toBeLessThan(LEASE_MS / 2);
    expect(String(await failing)).toMatch(/the holder failed/);
    expect(outcomes).toEqual(['fetched', 'waited-then-fetched']);
    expect(proxy.blobGets()).toBe(1);
  });

  it('without a reachable Redis there is no lease to wait for: each process fetches at once', async () => {
    const outcomes: LeaseOutcome[] = [];
    const cache = await startProcess(outcomes, `redis://127.0.0.1:${await freePort()}`);
    const started = Date.now();
    await fetchConfig(cache.wrapRegistry(upstream));
    expect(Date.now() - started).toBeLessThan(500);
    expect(outcomes.every((o) => o === 'unleased')).toBe(true);
  });

  it('with the memory cache only, nothing is leased at all', async () => {
    const outcomes: LeaseOutcome[] = [];
    const cache = await startProcess(outcomes, null);
    await fetchConfig(cache.wrapRegistry(upstream));
    await fetchConfig(cache.wrapRegistry(upstream));
    expect(outcomes).toEqual([]);
    expect(proxy.blobGets()).toBe(1);
  });
});
