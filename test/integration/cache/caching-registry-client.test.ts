import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../../src/cache/index.js';
import { RegistryError } from '../../../src/registry/index.js';
import type { RegistryClient, RepositoryRef } from '../../../src/registry/types.js';
import {
  buildImage,
  pushImage,
  sha256Digest,
  type BuiltImage,
  type TestRegistry,
} from '../../support/registry/index.js';
import type { CountingProxy } from '../graph/counting-proxy.js';
import { cacheConfig, startCountedRegistry, testCache } from './fixtures.js';

/**
 * The caching registry client over the real client and a real registry, with the embedded memory
 * cache. What reaches the registry is counted by a proxy in between, not by hooks in the code.
 */
describe('the caching registry client', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let upstream: RegistryClient;
  let image: BuiltImage;
  let repo: RepositoryRef;

  beforeAll(async () => {
    ({ registry, proxy, upstream } = await startCountedRegistry());
    image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage({ url: registry.url }, 'cache/app', image, 'v1');
    repo = { registry: proxy.host, repository: 'cache/app' };
  });
  beforeEach(() => proxy.reset());
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  /** A fresh cache per test, so no test sees another's entries. */
  function client(overrides: Parameters<typeof cacheConfig>[0] = {}): {
    cache: Cache;
    client: RegistryClient;
  } {
    const cache = testCache(cacheConfig(overrides));
    return { cache, client: cache.wrapRegistry(upstream) };
  }

  describe('when 100 callers ask for the same manifest at once', () => {
    it('fetches it from the registry once and gives every caller the same verified bytes', async () => {
      const { client: caching } = client();
      const results = await Promise.all(
        Array.from({ length: 100 }, () => caching.fetchManifest(repo, image.digest)),
      );
      expect(proxy.manifestGets()).toBe(1);
      for (const result of results) {
        expect(result.digest).toBe(image.digest);
        expect(Buffer.from(result.bytes).equals(Buffer.from(image.manifest))).toBe(true);
      }
    });
  });

  it('answers a manifest asked for again by digest from the cache, without the registry', async () => {
    const { client: caching } = client();
    const first = await caching.fetchManifest(repo, image.digest);
    const again = await caching.fetchManifest(repo, image.digest);
    expect(proxy.manifestGets()).toBe(1);
    expect(again).toEqual(first);
    expect(again.bytes).toBeInstanceOf(Uint8Array);
    expect(again.manifest.kind).toBe('image');
  });

  it('asks the registry for the tag list every time, so a tag pushed a moment ago is seen', async () => {
    const { client: caching } = client();
    const first = await caching.listTags(repo);
    const again = await caching.listTags(repo, { limit: 5 });
    expect(first).toEqual({ tags: ['v1'], truncated: false });
    expect(again).toEqual(first);
    expect(proxy.requests.filter((line) => line.startsWith('GET /v2/cache/app/tags/list')).length).toBe(2);
  });

  it('answers a digest from the cache after the same manifest was fetched by tag', async () => {
    const { client: caching } = client();
    const byTag = await caching.fetchManifest(repo, 'v1');
    const byDigest = await caching.fetchManifest(repo, byTag.digest);
    expect(proxy.manifestGets()).toBe(1);
    expect(byDigest.digest).toBe(image.digest);
  });

  it('keeps entries of one repository away from another that asks for the same digest', async () => {
    const { client: caching } = client();
    await caching.fetchManifest(repo, image.digest);
    await expect(
      caching.fetchManifest({ ...repo, repository: 'cache/other' }, image.digest),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(MANIFEST|NAME)_UNKNOWN$/) });
    expect(proxy.manifestGets()).toBe(2);
  });

  describe('when a tag is moved to another image', () => {
    it('keeps answering with the old digest until the tag TTL has passed, then with the new one', async () => {
      const { client: caching } = client({ tagTtlSeconds: 1 });
      const moving = buildImage({ os: 'linux', architecture: 'arm64' });
      const replacement = buildImage({ os: 'linux', architecture: 'arm64' });
      await pushImage({ url: registry.url }, 'cache/app', moving, 'moving');
      expect((await caching.fetchManifest(repo, 'moving')).digest).toBe(moving.digest);

      await pushImage({ url: registry.url }, 'cache/app', replacement, 'moving');
      expect((await caching.fetchManifest(repo, 'moving')).digest).toBe(moving.digest);
      expect(proxy.manifestGets()).toBe(1);

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await caching.fetchManifest(repo, 'moving')).digest).toBe(replacement.digest);
      expect(proxy.manifestGets()).toBe(2);
    });
  });

  it('resolves tags on every request when the tag TTL is 0', async () => {
    const { client: caching } = client({ tagTtlSeconds: 0 });
    await caching.fetchManifest(repo, 'v1');
    await caching.fetchManifest(repo, 'v1');
    expect(proxy.manifestGets()).toBe(2);
  });

  describe('when the registry fails', () => {
    it('does not cache a "not found": the next request asks the registry again', async () => {
      const { client: caching } = client();
      const missing = buildImage({ os: 'linux', architecture: 'riscv64' });
      await expect(caching.fetchManifest(repo, missing.digest)).rejects.toMatchObject({
        code: 'MANIFEST_UNKNOWN',
      });
      // Now it exists: the earlier failure must not hide it.
      await pushImage({ url: registry.url }, 'cache/app', missing);
      expect((await caching.fetchManifest(repo, missing.digest)).digest).toBe(missing.digest);
      expect(proxy.manifestGets()).toBe(2);
    });

    it('remembers a missing signature tag for the listing TTL, and only that kind of tag', async () => {
      const { client: caching } = client({ listingTtlSeconds: 1 });
      const att = `${image.digest.replace(':', '-')}.att`;
      const first = await caching.fetchManifest(repo, att).catch((error: unknown) => error);
      expect(first).toMatchObject({ code: 'MANIFEST_UNKNOWN' });
      // Asked again: the same error, as a RegistryError, without the registry.
      const again = await caching.fetchManifest(repo, att).catch((error: unknown) => error);
      expect(again).toBeInstanceOf(RegistryError);
      expect(again).toMatchObject({ code: 'MANIFEST_UNKNOWN', message: (first as Error).message });
      expect(proxy.manifestGets()).toBe(1);
      // An ordinary tag's 404 is not kept.
      await expect(caching.fetchManifest(repo, 'no-such-tag')).rejects.toMatchObject({
        code: 'MANIFEST_UNKNOWN',
      });
      await expect(caching.fetchManifest(repo, 'no-such-tag')).rejects.toMatchObject({
        code: 'MANIFEST_UNKNOWN',
      });
      expect(proxy.manifestGets()).toBe(3);
      // After the listing TTL, it is asked again (and would be found, had it been pushed meanwhile).
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await expect(caching.fetchManifest(repo, att)).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
      expect(proxy.manifestGets()).toBe(4);
    });

    it('gives concurrent callers the failure of the one request made, as a RegistryError', async () => {
      const { client: caching } = client();
      const missing = buildImage({ os: 'linux', architecture: 'mips64le' });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => caching.fetchManifest(repo, missing.digest)),
      );
      expect(proxy.manifestGets()).toBe(1);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(RegistryError);
      }
    });
  });

  describe('blobs', () => {
    it('fetches a blob once for 100 concurrent callers, then serves it from the cache', async () => {
      const { client: caching } = client();
      const digest = sha256Digest(image.config);
      const results = await Promise.all(
        Array.from({ length: 100 }, () => caching.fetchBlob(repo, digest, { maxBytes: 1 << 20 })),
      );
      await caching.fetchBlob(repo, digest, { maxBytes: 1 << 20 });
      expect(proxy.blobGets()).toBe(1);
      for (const bytes of results) expect(Buffer.from(bytes).equals(Buffer.from(image.config))).toBe(true);
    });

    it('does not serve a cached blob to a caller whose cap it exceeds: the registry client refuses it', async () => {
      const { client: caching } = client();
      const digest = sha256Digest(image.config);
      await caching.fetchBlob(repo, digest, { maxBytes: 1 << 20 });
      await expect(caching.fetchBlob(repo, digest, { maxBytes: 8 })).rejects.toMatchObject({
        code: 'BLOB_TOO_LARGE',
      });
    });
  });

  describe('referrer listings', () => {
    const referrerRequests = () =>
      proxy.requests.filter((line) => /\/referrers\/|sha256-[0-9a-f]{64}$/.test(line));

    it('are fetched once for concurrent callers and reused until the listing TTL has passed', async () => {
      const { client: caching } = client({ listingTtlSeconds: 1 });
      const lists = await Promise.all(
        Array.from({ length: 50 }, () => caching.listReferrers(repo, image.digest)),
      );
      // One listing: the referrers API (404 on distribution 2.8), then the sha256-<hex> fallback tag.
      const perListing = referrerRequests().length;
      expect(perListing).toBeGreaterThan(0);
      expect(perListing).toBeLessThanOrEqual(2);
      expect(lists.every((list) => list.descriptors.length === 0)).toBe(true);

      await caching.listReferrers(repo, image.digest);
      expect(referrerRequests()).toHaveLength(perListing);

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await caching.listReferrers(repo, image.digest);
      expect(referrerRequests()).toHaveLength(2 * perListing);
    });

    it('are kept apart per artifact type filter', async () => {
      const { client: caching } = client();
      await caching.listReferrers(repo, image.digest);
      const perListing = referrerRequests().length;
      await caching.listReferrers(repo, image.digest, {
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      });
      expect(referrerRequests()).toHaveLength(2 * perListing);
    });
  });

  describe('when one of several concurrent callers cancels', () => {
    it('still answers the others', async () => {
      const { client: caching } = client();
      const other = buildImage({ os: 'linux', architecture: 's390x' });
      await pushImage({ url: registry.url }, 'cache/app', other);
      const impatient = new AbortController();
      const first = caching.fetchManifest(repo, other.digest, { signal: impatient.signal });
      const rest = Array.from({ length: 10 }, () => caching.fetchManifest(repo, other.digest));
      impatient.abort();
      await expect(first).rejects.toMatchObject({ code: 'REGISTRY_ABORTED' });
      for (const result of await Promise.all(rest)) expect(result.digest).toBe(other.digest);
    });
  });
});
