import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverAttestations } from '../../../src/attestations/discovery/index.js';
import { ContentMemo } from '../../../src/cache/index.js';
import {
  startBundleReferrerDiscovery,
  type DiscoveryLimits,
  type PayloadMemo,
} from '../../../src/discovery/index.js';
import type { RegistryClient, RepositoryRef } from '../../../src/registry/types.js';
import { buildImage, pushImage, type BuiltImage, type TestRegistry } from '../../support/registry/index.js';
import {
  createTestSigstore,
  inTotoStatement,
  pushBundleReferrer,
  pushLegacyAttestations,
  SLSA_PROVENANCE_V1,
} from '../../support/sigstore/index.js';
import { startCountedRegistry } from '../cache/fixtures.js';
import type { CountingProxy } from '../graph/counting-proxy.js';

/**
 * Discovery's payload memo in the real readers, against a real registry with no cache in front: a
 * second discovery of the same digest with the same memo fetches no blob and finds what the first
 * found; a reading under other inputs (another cap) is not answered from it.
 */
describe('parsed attestation blobs kept across discoveries', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let client: RegistryClient;
  let image: BuiltImage;
  let repo: RepositoryRef;
  const LIMITS: DiscoveryLimits = {
    maxSignatures: 100,
    maxPayloadBytes: 1 << 20,
    maxAttestationBytes: 16 << 20,
  };

  beforeAll(async () => {
    ({ registry, proxy, upstream: client } = await startCountedRegistry());
    const sigstore = createTestSigstore();
    const identity = () =>
      sigstore.issueCertificate({ san: { email: 'ci@example.com' }, issuer: 'https://issuer.example' });
    image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage({ url: registry.url }, 'memo/app', image);
    const statement = inTotoStatement({ subjects: [image.digest], predicateType: SLSA_PROVENANCE_V1 });
    await pushLegacyAttestations({ url: registry.url }, 'memo/app', image.digest, [
      sigstore.signLegacyAttestation({ statement, identity: identity() }),
    ]);
    await pushBundleReferrer(
      { url: registry.url },
      'memo/app',
      image,
      sigstore.signBundle({ imageDigest: image.digest, identity: identity(), statement }),
    );
    repo = { registry: proxy.host, repository: 'memo/app' };
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  async function discover(memo: PayloadMemo | undefined, limits = LIMITS) {
    proxy.reset();
    const referrers = startBundleReferrerDiscovery(client, repo, image.digest, limits, { memo });
    const found = await discoverAttestations({
      client,
      repo,
      digest: image.digest,
      limits,
      referrers,
      index: undefined,
      memo,
    });
    return { found, blobGets: proxy.blobGets() };
  }

  it('fetches and parses each blob once, and answers the same the second time', async () => {
    const memo = new ContentMemo(64 << 20);
    const cold = await discover(memo);
    expect(cold.found.attestations.map((a) => a.kind).sort()).toEqual(['bundle-referrer', 'legacy-tag']);
    expect(cold.found.problems).toEqual([]);
    expect(cold.blobGets).toBe(2); // the `.att` envelope, the bundle
    const warm = await discover(memo);
    expect(warm.blobGets).toBe(0);
    expect(warm.found).toEqual(cold.found);
  });

  it('does not answer from it without a memo, or under another cap', async () => {
    const memo = new ContentMemo(64 << 20);
    await discover(memo);
    expect((await discover(undefined)).blobGets).toBe(2);
    const otherCap = await discover(memo, { ...LIMITS, maxAttestationBytes: 8 << 20 });
    expect(otherCap.blobGets).toBe(2);
    expect(otherCap.found.attestations).toHaveLength(2);
  });
});
