import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildImage, pushImage, startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import { startTestRedis, type TestRedis } from '../../support/redis.js';
import { startTestService, type TestService } from '../../support/service.js';
import { createTestSigstore, pushLegacySignatures, type TestSigstore } from '../../support/sigstore/index.js';
import { startCountingProxy, type CountingProxy } from '../graph/counting-proxy.js';
import { cacheConfig, eventually, rawRedis } from './fixtures.js';

const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const POLICY = { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER };
const QUERY = `query($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) { digest verification(policy: $policy) { status verified } } }`;

type Reply = { image: { digest: string; verification: { status: string; verified: boolean } } };

/**
 * The real service with its cache, over HTTP, against a real registry (behind a counting proxy),
 * a test Sigstore and, where said, a real Redis.
 */
describe('the service with its cache', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let sigstore: TestSigstore;
  let redis: TestRedis;
  let dir: string;
  let trustedRootPath: string;
  const services: TestService[] = [];

  beforeAll(async () => {
    [registry, redis] = await Promise.all([startTestRegistry(), startTestRedis()]);
    proxy = await startCountingProxy(registry.url);
    sigstore = createTestSigstore();
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-cache-service-'));
    trustedRootPath = await sigstore.writeTrustedRoot(dir);
  });
  beforeEach(() => proxy.reset());
  afterAll(async () => {
    for (const service of services) await service.stop();
    await proxy?.stop();
    await registry?.stop();
    await redis?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function service(cache: Parameters<typeof cacheConfig>[0] = {}): Promise<TestService> {
    const started = await startTestService({
      insecureRegistries: [proxy.host],
      config: {
        verification: { trustedRootPath, maxSignaturesPerDigest: 100 },
        cache: cacheConfig(cache),
      },
    });
    services.push(started);
    return started;
  }

  /** Pushes a new image signed by the test Sigstore under `repository:tag`; returns its reference through the proxy. */
  async function signedImage(repository: string, tag: string): Promise<string> {
    const image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage({ url: registry.url }, repository, image, tag);
    const identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
    const signature = sigstore.signLegacy({
      imageDigest: image.digest,
      dockerReference: `${proxy.host}/${repository}`,
      identity,
    });
    await pushLegacySignatures({ url: registry.url }, repository, image.digest, [signature]);
    return `${proxy.host}/${repository}:${tag}`;
  }

  async function redisKeys(pattern: string): Promise<string[]> {
    const raw = await rawRedis(redis.url);
    try {
      return await raw.keys(pattern);
    } finally {
      await raw.close();
    }
  }

  /** Requests for content (manifests, blobs, referrers), by path; token requests are not content. */
  const contentRequests = () => proxy.requests.filter((line) => /\/(manifests|blobs|referrers)\//.test(line));

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
    proxy.reset();
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
      policy: { ...POLICY, certificateIdentity: `${IDENTITY}x` },
    });
    expect(other.data?.image.verification).toEqual({ status: 'FAILED', verified: false });
  });

  describe('when Redis dies mid-run and comes back', () => {
    it('keeps answering correctly, and shares content through Redis again afterwards', async () => {
      await redis.restart();
      const api = await service({ url: redis.url });
      const before = await signedImage('outage/before', 'v1');
      const during = await signedImage('outage/during', 'v1');
      const verify = async (ref: string) =>
        (await api.graphql<Reply>(QUERY, { ref, policy: POLICY })).data?.image.verification;

      expect(await verify(before)).toEqual({ status: 'VERIFIED', verified: true });
      await eventually(async () => (await redis.dbSize()) > 0);

      await redis.kill();
      expect(await verify(during)).toEqual({ status: 'VERIFIED', verified: true });
      expect(await verify(before)).toEqual({ status: 'VERIFIED', verified: true });
      // The outage is visible to monitoring: the cache gauge drops to 0 (and comes back below).
      expect(await cacheHealthyGauge(api.url)).toBe(0);

      await redis.restart();
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
      expect(await cacheHealthyGauge(api.url)).toBe(1);
      // A second replica (nothing in its own memory) reads the signature content from Redis.
      const replica = await service({ url: redis.url });
      // Its Redis connection is made in the background; on loopback it is up well within this.
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.reset();
      const reply = await replica.graphql<Reply>(QUERY, { ref: after, policy: POLICY });
      expect(reply.data?.image.verification).toEqual({ status: 'VERIFIED', verified: true });
      expect(proxy.blobGets()).toBe(0);
      expect(contentRequests().filter((line) => /\.sig$/.test(line))).toEqual([]);
    });
  });
});

/** `imprimatur_cache_healthy` as /metrics reports it right now. */
async function cacheHealthyGauge(url: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('imprimatur_cache_healthy '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}
