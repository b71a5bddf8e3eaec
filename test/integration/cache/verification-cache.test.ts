import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../../src/cache/index.js';
import { discoverSignatures } from '../../../src/discovery/index.js';
import { RegistryError } from '../../../src/registry/index.js';
import type { RegistryClient, RepositoryRef } from '../../../src/registry/types.js';
import {
  parseTrustRoot,
  verifyDigest,
  type DigestVerification,
  type Policy,
  type TrustRoot,
} from '../../../src/verification/index.js';
import { buildImage, pushImage, type TestRegistry } from '../../support/registry/index.js';
import { startTestRedis } from '../../support/redis.js';
import {
  createTestSigstore,
  pushLegacySignatures,
  type IssuedCertificate,
  type TestSigstore,
} from '../../support/sigstore/index.js';
import type { CountingProxy } from '../graph/counting-proxy.js';
import { cacheConfig, eventually, rawRedis, startCountedRegistry, testCache } from './fixtures.js';

const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const POLICY: Policy = { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER };
const LIMITS = { maxSignatures: 100, maxPayloadBytes: 1 << 20 };

/**
 * Verdicts through the verification cache, computed for real: signatures from a test Sigstore pushed
 * to a real registry, discovered through the caching registry client, verified with @sigstore/verify.
 */
describe('the verification cache', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let upstream: RegistryClient;
  let sigstore: TestSigstore;
  let signer: IssuedCertificate;
  let trustRoot: TrustRoot;
  let repo: RepositoryRef;
  let signed: string;

  beforeAll(async () => {
    ({ registry, proxy, upstream } = await startCountedRegistry());
    sigstore = createTestSigstore();
    trustRoot = parseTrustRoot(sigstore.trustedRoot, 'test sigstore');
    signer = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
    repo = { registry: proxy.host, repository: 'verdicts/app' };
    const image = buildImage({ os: 'linux', architecture: 'amd64' });
    signed = await pushImage({ url: registry.url }, repo.repository, image, 'v1');
    await pushSignature(image.digest);
  });
  beforeEach(() => proxy.reset());
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  async function pushSignature(digest: string): Promise<void> {
    const signature = sigstore.signLegacy({
      imageDigest: digest,
      dockerReference: `${repo.registry}/${repo.repository}`,
      identity: signer,
    });
    await pushLegacySignatures({ url: registry.url }, repo.repository, digest, [signature]);
  }

  /** The cache plus a counter of real verifications (discovery through the caching client, then crypto). */
  function verifier(cache: Cache) {
    const client = cache.wrapRegistry(upstream);
    const counter = { verifications: 0 };
    const verify = (digest: string, policy: Policy, root: TrustRoot = trustRoot) =>
      cache.verifications.verify({ repo, digest, policy, trustRootId: root.id }, undefined, async () => {
        counter.verifications += 1;
        return verifyDigest(await discoverSignatures(client, repo, digest, LIMITS), policy, root);
      });
    return { verify, counter };
  }

  const sigGets = () =>
    proxy.requests.filter((line) => /^GET \/v2\/.+\/manifests\/sha256-[0-9a-f]{64}\.sig$/.test(line));

  it('verifies once, then answers from the cache with the original time and an intact verdict', async () => {
    const { verify, counter } = verifier(testCache(cacheConfig()));
    const first = await verify(signed, POLICY);
    const again = await verify(signed, POLICY);
    expect(first).toMatchObject({ cached: false, verification: { status: 'VERIFIED', verified: true } });
    expect(again.cached).toBe(true);
    expect(again.checkedAt.getTime()).toBe(first.checkedAt.getTime());
    expect(again.verification).toEqual(first.verification);
    const signature = again.verification.signatures[0]?.signature;
    expect(signature?.kind === 'legacy-tag' && signature.payload).toBeInstanceOf(Uint8Array);
    expect(counter.verifications).toBe(1);
  });

  it('reuses a verdict for the same policy written in another key order', async () => {
    const { verify, counter } = verifier(testCache(cacheConfig()));
    await verify(signed, { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER });
    const reordered = await verify(signed, { certificateOidcIssuer: ISSUER, certificateIdentity: IDENTITY });
    expect(reordered.cached).toBe(true);
    expect(counter.verifications).toBe(1);
  });

  it('never reuses a verdict for another policy', async () => {
    const { verify, counter } = verifier(testCache(cacheConfig()));
    await verify(signed, POLICY);
    const strangers = await verify(signed, { ...POLICY, certificateIdentity: `${IDENTITY}-not` });
    expect(strangers).toMatchObject({ cached: false, verification: { status: 'FAILED', verified: false } });
    expect(counter.verifications).toBe(2);
  });

  it('never reuses a verdict under another trust root', async () => {
    const { verify, counter } = verifier(testCache(cacheConfig()));
    const otherRoot = parseTrustRoot(createTestSigstore().trustedRoot, 'another test sigstore');
    expect(otherRoot.id).not.toBe(trustRoot.id);
    await verify(signed, POLICY);
    const elsewhere = await verify(signed, POLICY, otherRoot);
    expect(elsewhere.cached).toBe(false);
    expect(elsewhere.verification.verified).toBe(false);
    expect(counter.verifications).toBe(2);
  });

  describe('when 100 requests verify the same digest at once', () => {
    it('costs one signature look-up and one verification', async () => {
      const { verify, counter } = verifier(testCache(cacheConfig()));
      const results = await Promise.all(Array.from({ length: 100 }, () => verify(signed, POLICY)));
      expect(counter.verifications).toBe(1);
      expect(sigGets()).toHaveLength(1);
      expect(results.every((r) => r.verification.status === 'VERIFIED')).toBe(true);
    });
  });

  describe('when the answer could not be known', () => {
    it('does not keep a verification that threw: the next request verifies again', async () => {
      const cache = testCache(cacheConfig());
      let calls = 0;
      const key = { repo, digest: signed, policy: POLICY, trustRootId: trustRoot.id };
      const outage = new RegistryError('REGISTRY_UNAVAILABLE', 'registry failed (HTTP 503)', {
        temporary: true,
      });
      await expect(
        cache.verifications.verify(key, undefined, async () => {
          calls += 1;
          throw outage;
        }),
      ).rejects.toBe(outage);
      const { verify } = verifier(cache);
      const after = await verify(signed, POLICY);
      expect(after).toMatchObject({ cached: false, verification: { status: 'VERIFIED' } });
      expect(calls).toBe(1);
    });

    it('does not reuse a verdict that involved a registry error', async () => {
      const cache = testCache(cacheConfig());
      const key = { repo, digest: signed, policy: POLICY, trustRootId: trustRoot.id };
      const unreadable: DigestVerification = {
        digest: signed,
        verified: false,
        status: 'FAILED',
        errors: [{ code: 'REGISTRY_ERROR', message: 'signature layer: access denied (HTTP 403)' }],
        signatures: [],
        inheritedFrom: undefined,
      };
      await cache.verifications.verify(key, undefined, async () => unreadable);
      const again = await cache.verifications.verify(key, undefined, async () => unreadable);
      expect(again.cached).toBe(false);
    });
  });

  it('keeps a FAILED verdict no longer than the failure TTL allows (0: not at all)', async () => {
    const { verify, counter } = verifier(testCache(cacheConfig({ failureTtlSeconds: 0 })));
    const wrong = { ...POLICY, certificateOidcIssuer: 'https://accounts.google.com' };
    await verify(signed, wrong);
    const again = await verify(signed, wrong);
    expect(again).toMatchObject({ cached: false, verification: { status: 'FAILED' } });
    expect(counter.verifications).toBe(2);
  });

  describe('when an unsigned image is signed later', () => {
    it('reports UNSIGNED from the cache until the verdict and listing TTLs pass, then VERIFIED', async () => {
      const { verify } = verifier(
        testCache(cacheConfig({ verificationTtlSeconds: 1, listingTtlSeconds: 1 })),
      );
      const late = buildImage({ os: 'linux', architecture: 'arm64' });
      const digest = await pushImage({ url: registry.url }, repo.repository, late);
      expect((await verify(digest, POLICY)).verification.status).toBe('UNSIGNED');

      await pushSignature(digest);
      expect(await verify(digest, POLICY)).toMatchObject({
        cached: true,
        verification: { status: 'UNSIGNED' },
      });

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await verify(digest, POLICY)).toMatchObject({
        cached: false,
        verification: { status: 'VERIFIED' },
      });
    });
  });

  it('never writes a verdict to Redis, while the signature content it read is shared there', async () => {
    const redis = await startTestRedis();
    const cache = testCache(cacheConfig({ url: redis.url }));
    try {
      await eventually(() => cache.health().status === 'ok');
      const { verify } = verifier(cache);
      expect((await verify(signed, POLICY)).verification.status).toBe('VERIFIED');
      const raw = await rawRedis(redis.url);
      const keys = await raw.keys('imprimatur:v1:*');
      await raw.close();
      expect(keys.some((key) => key.startsWith('imprimatur:v1:blob:'))).toBe(true);
      expect(keys.some((key) => key.startsWith('imprimatur:v1:verification:'))).toBe(false);
      // The verdict itself is still cached, in this process.
      expect((await verify(signed, POLICY)).cached).toBe(true);
    } finally {
      await cache.close();
      await redis.stop();
    }
  });
});
