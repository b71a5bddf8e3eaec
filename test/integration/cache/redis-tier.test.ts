import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../../src/cache/index.js';
import type { RegistryClient, RepositoryRef } from '../../../src/registry/types.js';
import {
  buildImage,
  pushImage,
  sha256Digest,
  type BuiltImage,
  type TestRegistry,
} from '../../support/registry/index.js';
import { startTestRedis, type TestRedis } from '../../support/redis.js';
import type { CountingProxy } from '../graph/counting-proxy.js';
import { cacheConfig, eventually, rawRedis, startCountedRegistry, testCache } from './fixtures.js';

/**
 * The cache with a real `redis-server` as its shared tier: what survives the trip through Redis,
 * what a poisoned Redis can and cannot do, and what happens when Redis dies, hangs or comes back.
 * Each "process" is a separate cache instance (its own memory) sharing the one Redis.
 */
describe('the Redis tier', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let redis: TestRedis;
  let upstream: RegistryClient;
  let image: BuiltImage;
  let other: BuiltImage;
  let repo: RepositoryRef;
  const caches: Cache[] = [];

  beforeAll(async () => {
    [{ registry, proxy, upstream }, redis] = await Promise.all([startCountedRegistry(), startTestRedis()]);
    image = buildImage({ os: 'linux', architecture: 'amd64' });
    other = buildImage({ os: 'linux', architecture: 'arm64' });
    await pushImage({ url: registry.url }, 'shared/app', image, 'v1');
    await pushImage({ url: registry.url }, 'shared/app', other, 'v2');
    repo = { registry: proxy.host, repository: 'shared/app' };
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

  /** A cache as one service process would have it, connected (ready) to the test Redis. */
  async function startProcess(
    overrides: Parameters<typeof cacheConfig>[0] = {},
    retryAfterMs = 100,
  ): Promise<{ cache: Cache; client: RegistryClient }> {
    const cache = testCache(cacheConfig({ url: redis.url, ...overrides }), retryAfterMs);
    caches.push(cache);
    await eventually(() => cache.health().status === 'ok');
    return { cache, client: cache.wrapRegistry(upstream) };
  }

  it('gives a second process the manifest bytes the first one fetched, intact, without asking the registry', async () => {
    const first = await startProcess();
    const second = await startProcess();
    const fetched = await first.client.fetchManifest(repo, image.digest);
    // The answer does not wait for the Redis write; another process reading right away might.
    await first.cache.writesSettled();
    const shared = await second.client.fetchManifest(repo, image.digest);
    expect(proxy.manifestGets()).toBe(1);
    expect(shared.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(shared.bytes).equals(Buffer.from(image.manifest))).toBe(true);
    expect(shared).toEqual(fetched);
  });

  it('gives a second process blob bytes intact through Redis', async () => {
    const first = await startProcess();
    const second = await startProcess();
    const digest = sha256Digest(image.config);
    await first.client.fetchBlob(repo, digest, { maxBytes: 1 << 20 });
    await first.cache.writesSettled();
    const shared = await second.client.fetchBlob(repo, digest, { maxBytes: 1 << 20 });
    expect(proxy.blobGets()).toBe(1);
    expect(shared).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(shared).equals(Buffer.from(image.config))).toBe(true);
  });

  it('keeps tag resolutions out of Redis: each process resolves tags itself', async () => {
    const first = await startProcess();
    const second = await startProcess();
    await first.client.fetchManifest(repo, 'v1');
    await first.cache.writesSettled();
    const redisKeys = await withRaw((raw) => raw.keys('imprimatur:v1:*'));
    expect(redisKeys.some((key) => key.startsWith('imprimatur:v1:manifest:'))).toBe(true);
    expect(redisKeys.some((key) => key.startsWith('imprimatur:v1:tag:'))).toBe(false);
    await second.client.fetchManifest(repo, 'v1');
    // The tag is asked again; the bytes it names were already shared, but the answer comes with them.
    expect(proxy.manifestGets()).toBe(2);
  });

  describe('when Redis holds a poisoned entry', () => {
    it('refuses manifest bytes that do not hash to the digest asked for, and fetches the real ones', async () => {
      const victim = await startProcess();
      const key = `imprimatur:v1:manifest:${JSON.stringify([repo.registry, repo.repository, image.digest])}`;
      // A valid manifest, just not the one with this digest: parsing alone would accept it.
      await withRaw((raw) => raw.write(key, { bytes: other.manifest, mediaType: other.mediaType }));
      const fetched = await victim.client.fetchManifest(repo, image.digest);
      expect(fetched.digest).toBe(image.digest);
      expect(Buffer.from(fetched.bytes).equals(Buffer.from(image.manifest))).toBe(true);
      expect(proxy.manifestGets()).toBe(1);
    });

    it('refuses blob bytes that do not hash to their digest', async () => {
      const victim = await startProcess();
      const digest = sha256Digest(image.config);
      const key = `imprimatur:v1:blob:${JSON.stringify([repo.registry, repo.repository, digest])}`;
      await withRaw((raw) => raw.write(key, new TextEncoder().encode('{"architecture":"evil"}')));
      const bytes = await victim.client.fetchBlob(repo, digest, { maxBytes: 1 << 20 });
      expect(Buffer.from(bytes).equals(Buffer.from(image.config))).toBe(true);
      expect(proxy.blobGets()).toBe(1);
    });

    it('ignores a planted tag resolution, because tags are never read from Redis', async () => {
      const victim = await startProcess();
      const key = `imprimatur:v1:tag:${JSON.stringify([repo.registry, repo.repository, 'v1'])}`;
      await withRaw((raw) => raw.write(key, other.digest));
      expect((await victim.client.fetchManifest(repo, 'v1')).digest).toBe(image.digest);
    });

    it('treats an entry that is not in the cache format as a miss', async () => {
      const victim = await startProcess();
      const key = `imprimatur:v1:manifest:${JSON.stringify([repo.registry, repo.repository, image.digest])}`;
      await withRaw((raw) => raw.writeText(key, '{"value":{"bytes":{"$t":"bytes","v":7}}}'));
      expect((await victim.client.fetchManifest(repo, image.digest)).digest).toBe(image.digest);
    });
  });

  describe('when Redis goes away mid-run', () => {
    it('keeps answering correctly from the registry, reports it, and uses Redis again once it is back', async () => {
      const { cache, client } = await startProcess();
      await client.fetchManifest(repo, image.digest);
      // The Redis write is not waited for by the answer (CacheStore.set), so it lands soon after.
      await eventually(async () => (await redis.dbSize()) > 0);

      await redis.kill();
      const during = await client.fetchManifest(repo, other.digest);
      expect(during.digest).toBe(other.digest);
      await eventually(() => cache.health().status === 'degraded');
      const health = cache.health();
      expect(health).toMatchObject({ backend: 'redis', status: 'degraded', redis: { state: 'down' } });
      // Nothing was kept from before the outage (the new server is empty), so the registry answers.
      await redis.restart();
      await eventually(() => cache.health().status === 'ok');
      proxy.reset();
      await client.fetchManifest(repo, image.digest);
      expect(proxy.manifestGets()).toBe(1);
      await eventually(async () => (await redis.dbSize()) > 0);
      // ...and now it is shared again: a second read is served by Redis.
      await client.fetchManifest(repo, image.digest);
      expect(proxy.manifestGets()).toBe(1);
    });

    it('answers from the memory tier, when there is one, while Redis is down', async () => {
      const { client } = await startProcess({ memoryTier: true });
      await client.fetchManifest(repo, image.digest);
      await redis.kill();
      const during = await client.fetchManifest(repo, image.digest);
      expect(during.digest).toBe(image.digest);
      expect(proxy.manifestGets()).toBe(1);
      await redis.restart();
    });
  });

  describe('writing to Redis', () => {
    it('answers without waiting for the write, which still lands, and close() waits for it', async () => {
      // Without the fetch lease: taking one is a Redis write too (SET NX), which this pause would hold
      // for the whole cache timeout before fetching without it. What is tested here is the entry's
      // write, which the answer never waits for.
      const { cache, client } = await startProcess({ timeoutMs: 10_000, leaseMs: 0 });
      // Redis holds back every write (reads still answer) until told otherwise.
      await redis.command('CLIENT PAUSE 60000 WRITE');
      try {
        const fetch = client.fetchManifest(repo, image.digest);
        // A generous bound, not a timing claim: awaiting the write would take the whole pause (or
        // the 10 s cache timeout).
        const first = await Promise.race([fetch, delay(3_000).then(() => 'still waiting' as const)]);
        expect(first).not.toBe('still waiting');
        expect(await redis.dbSize()).toBe(0);
        expect(cache.health().status).toBe('ok');
        const closing = cache.close();
        let closed = false;
        void closing.then(() => (closed = true));
        await delay(100);
        // close() waits for the write Redis is still holding back.
        expect(closed).toBe(false);
        await redis.command('CLIENT UNPAUSE');
        await closing;
      } finally {
        await redis.command('CLIENT UNPAUSE');
      }
      expect(await redis.dbSize()).toBeGreaterThan(0);
    });
    it('reads its own write back at once: a read of the key waits for the write still in flight', async () => {
      const { cache } = await startProcess({ timeoutMs: 10_000 });
      const parts = [repo.registry, repo.repository, `sha256:${'d'.repeat(64)}`];
      for (let n = 0; n < 20; n += 1) {
        // Not awaited, like an answer that goes on without its write; the read is issued in the same
        // turn, before keyv has even sent the write to Redis.
        void cache.store.set('blob', parts, `value ${n}`, 60_000);
        expect(await cache.store.get('blob', parts, (raw) => raw)).toBe(`value ${n}`);
      }
    });
  });

  describe('when Redis hangs', () => {
    it('costs a request no more than the cache timeout, then skips Redis until it answers again', async () => {
      const { cache, client } = await startProcess({ timeoutMs: 150 }, 1_000);
      redis.pause();
      try {
        const started = Date.now();
        const fetched = await client.fetchManifest(repo, image.digest);
        expect(fetched.digest).toBe(image.digest);
        // One get and one set, each bounded by 150 ms, plus the registry round trip.
        expect(Date.now() - started).toBeLessThan(1_500);
        expect(cache.health()).toMatchObject({
          status: 'degraded',
          redis: { lastError: expect.stringMatching(/timed out/) },
        });

        // Within the retry window Redis is not even tried: no further call, so no further timeout.
        const failures = redisFailures(cache);
        expect((await client.fetchManifest(repo, other.digest)).digest).toBe(other.digest);
        expect(redisFailures(cache)).toBe(failures);
      } finally {
        redis.resume();
      }
      await eventually(async () => {
        await client.fetchManifest(repo, image.digest);
        return cache.health().status === 'ok';
      });
    });
  });

  it('starts without Redis and uses it once it appears', async () => {
    await redis.kill();
    const cache = testCache(cacheConfig({ url: redis.url }));
    caches.push(cache);
    const client = cache.wrapRegistry(upstream);
    expect((await client.fetchManifest(repo, image.digest)).digest).toBe(image.digest);
    await eventually(() => cache.health().status === 'degraded');
    await redis.restart();
    await eventually(() => cache.health().status === 'ok');
    await client.fetchManifest(repo, image.digest);
    await eventually(async () => (await redis.dbSize()) > 0);
  });

  async function withRaw<T>(use: (raw: Awaited<ReturnType<typeof rawRedis>>) => Promise<T>): Promise<T> {
    const raw = await rawRedis(redis.url);
    try {
      return await use(raw);
    } finally {
      await raw.close();
    }
  }
});

function redisFailures(cache: Cache): number {
  const health = cache.health();
  if (health.backend !== 'redis') throw new Error('expected a Redis-backed cache');
  return health.redis.failures;
}
