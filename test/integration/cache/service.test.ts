import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestService } from '../../support/service.js';
import { eventually, metricSample, rawRedis } from './fixtures.js';
import { POLICY, startSigningWorld, type SigningWorld } from './signing-world.js';

const QUERY = `query($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) { digest verification(policy: $policy) { status verified } } }`;

type Reply = { image: { digest: string; verification: { status: string; verified: boolean } } };

/**
 * The real service with its cache, over HTTP, against a real registry (behind a counting proxy),
 * a test Sigstore and, where said, a real Redis.
 */
describe('the service with its cache', () => {
  let world: SigningWorld;

  beforeAll(async () => {
    world = await startSigningWorld();
  });
  beforeEach(() => world.proxy.reset());
  afterAll(async () => world?.stop());

  const service = (cache: Parameters<SigningWorld['startService']>[0] = {}): Promise<TestService> =>
    world.startService(cache);
  /** Pushes a new image signed by the test Sigstore under `repository:tag`; returns its reference through the proxy. */
  const signedImage = async (repository: string, tag: string): Promise<string> =>
    (await world.pushSignedImage(repository, tag)).ref;

  async function redisKeys(pattern: string): Promise<string[]> {
    const raw = await rawRedis(world.redis.url);
    try {
      return await raw.keys(pattern);
    } finally {
      await raw.close();
    }
  }

  /** Requests for content (manifests, blobs, referrers), by path; token requests are not content. */
  const contentRequests = () =>
    world.proxy.requests.filter((line) => /\/(manifests|blobs|referrers)\//.test(line));

  describe('when 100 identical queries arrive at once', () => {
    it('answers all of them correctly with each registry resource fetched once', async () => {
      const api = await service();
      const ref = await signedImage('burst/app', 'v1');
      const replies = await Promise.all(
        Array.from({ length: 100 }, () => api.graphql<Reply>(QUERY, { ref, policy: POLICY })),
      );
      for (const reply of replies) {
        expect(reply.errors).toBeUndefined();
        expect(reply.data?.image.verification).toEqual({ status: 'VERIFIED', verified: true });
      }
      const requests = contentRequests();
      expect(requests.length).toBeGreaterThan(0);
      expect(new Set(requests).size).toBe(requests.length);
    });
  });

  it('answers a repeated query without asking the registry again', async () => {
    const api = await service();
    const ref = await signedImage('repeat/app', 'v1');
    const first = await api.graphql<Reply>(QUERY, { ref, policy: POLICY });
    world.proxy.reset();
    const again = await api.graphql<Reply>(QUERY, { ref, policy: POLICY });
    expect(again.data).toEqual(first.data);
    expect(contentRequests()).toEqual([]);
  });

  it('still verifies under another policy instead of reusing the first verdict', async () => {
    const api = await service();
    const ref = await signedImage('policies/app', 'v1');
    await api.graphql<Reply>(QUERY, { ref, policy: POLICY });
    const other = await api.graphql<Reply>(QUERY, {
      ref,
      policy: { ...POLICY, certificateIdentity: `${POLICY.certificateIdentity}x` },
    });
    expect(other.data?.image.verification).toEqual({ status: 'FAILED', verified: false });
  });

  describe('when Redis dies mid-run and comes back', () => {
    it('keeps answering correctly, and shares content through Redis again afterwards', async () => {
      await world.redis.restart();
      const api = await service({ url: world.redis.url });
      const before = await signedImage('outage/before', 'v1');
      const during = await signedImage('outage/during', 'v1');
      const verify = async (ref: string) =>
        (await api.graphql<Reply>(QUERY, { ref, policy: POLICY })).data?.image.verification;

      expect(await verify(before)).toEqual({ status: 'VERIFIED', verified: true });
      await eventually(async () => (await world.redis.dbSize()) > 0);

      await world.redis.kill();
      expect(await verify(during)).toEqual({ status: 'VERIFIED', verified: true });
      expect(await verify(before)).toEqual({ status: 'VERIFIED', verified: true });
      // The outage is visible to monitoring: the cache gauge drops to 0 (and comes back below).
      expect(await metricSample(api.url, 'imprimatur_cache_healthy')).toBe(0);

      await world.redis.restart();
      // Redis is used again once the client has reconnected: the signature listing of an image
      // verified from then on lands there (a fresh image each try, so discovery really runs).
      let after = '';
      let attempt = 0;
      await eventually(async () => {
        const repository = `outage/after-${attempt++}`;
        after = await signedImage(repository, 'v1');
        expect(await verify(after)).toEqual({ status: 'VERIFIED', verified: true });
        return (await redisKeys('imprimatur:v1:signature-tag:*')).some((key) => key.includes(repository));
      }, 10_000);
      expect(await metricSample(api.url, 'imprimatur_cache_healthy')).toBe(1);
      // A second replica (nothing in its own memory) reads the signature content from Redis.
      const replica = await service({ url: world.redis.url });
      // Its Redis connection is made in the background; on loopback it is up well within this.
      await new Promise((resolve) => setTimeout(resolve, 300));
      world.proxy.reset();
      const reply = await replica.graphql<Reply>(QUERY, { ref: after, policy: POLICY });
      expect(reply.data?.image.verification).toEqual({ status: 'VERIFIED', verified: true });
      expect(world.proxy.blobGets()).toBe(0);
      expect(contentRequests().filter((line) => /\.sig$/.test(line))).toEqual([]);
    });
  });
});
