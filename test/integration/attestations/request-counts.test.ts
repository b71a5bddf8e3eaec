import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { buildImage, pushImage, startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import {
  createTestSigstore,
  inTotoStatement,
  pushBundleReferrer,
  pushLegacyAttestations,
  SLSA_PROVENANCE_V1,
} from '../../support/sigstore/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCountingProxy, type CountingProxy } from '../graph/counting-proxy.js';

/**
 * What an attestation query costs in registry requests, counted between the service and a real
 * registry with every cache off: one request's own cost, nothing reused from an earlier one.
 */
describe('registry requests of attestation queries', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let service: TestService;
  let dir: string;
  let ref: string;
  const POLICY = {
    certificateIdentity: 'builder@example.com',
    certificateOidcIssuer: 'https://accounts.example.com',
  };

  beforeAll(async () => {
    registry = await startTestRegistry();
    proxy = await startCountingProxy(registry.url);
    const sigstore = createTestSigstore();
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-attest-counts-'));
    const trustedRootPath = await sigstore.writeTrustedRoot(dir);
    const defaults = loadConfig({}).cache;
    service = await startTestService({
      insecureRegistries: [proxy.host],
      config: {
        verification: { trustedRootPath, maxSignaturesPerDigest: 1000 },
        cache: {
          ...defaults,
          contentTtlSeconds: 0,
          tagTtlSeconds: 0,
          listingTtlSeconds: 0,
          verificationTtlSeconds: 0,
          failureTtlSeconds: 0,
        },
      },
    });
    const image = buildImage({ os: 'linux', architecture: 'amd64' });
    const target = { url: registry.url };
    await pushImage(target, 'count/attested', image);
    const identity = sigstore.issueCertificate({
      san: { email: POLICY.certificateIdentity },
      issuer: POLICY.certificateOidcIssuer,
    });
    const statement = inTotoStatement({ subjects: [image.digest], predicateType: SLSA_PROVENANCE_V1 });
    await pushBundleReferrer(
      target,
      'count/attested',
      image,
      sigstore.signBundle({ imageDigest: image.digest, identity, statement }),
    );
    await pushLegacyAttestations(target, 'count/attested', image.digest, [
      sigstore.signLegacyAttestation({ statement, identity }),
    ]);
    ref = `${proxy.host}/count/attested@${image.digest}`;
  });
  beforeEach(() => proxy.reset());
  afterAll(async () => {
    await service?.stop();
    await proxy?.stop();
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('an attestations query never fetches the .sig tag', async () => {
    const { data, errors } = await service.graphql<{ image: { attestations: unknown[] } }>(
      `{ image(ref: "${ref}") { attestations { source } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data?.image.attestations).toHaveLength(2);
    expect(proxy.requests.filter((r) => r.includes('.sig'))).toEqual([]);
    expect(proxy.requests.filter((r) => r.includes('.att'))).toHaveLength(1);
  });

  it('signatures, attestations and an attestation verification share one referrer listing and fetch set', async () => {
    const { data, errors } = await service.graphql<{
      image: { signatures: unknown[]; attestations: unknown[]; attestationVerification: { status: string } };
    }>(
      `query($policy: PolicyInput!) { image(ref: "${ref}") {
         signatures { format }
         attestations { source }
         attestationVerification(policy: $policy, predicateType: "slsaprovenance1") { status }
       } }`,
      { policy: POLICY },
    );
    expect(errors).toBeUndefined();
    expect(data?.image).toMatchObject({ signatures: [], attestationVerification: { status: 'VERIFIED' } });
    const counts = new Map<string, number>();
    for (const r of proxy.requests) counts.set(r, (counts.get(r) ?? 0) + 1);
    // Every distinct request went out once: the referrers (API and fallback tag), the referrer
    // manifest, its bundle blob, the .att tag and its layer were each read for all three fields.
    expect([...counts.entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(proxy.requests.filter((r) => r.includes('/referrers/'))).toHaveLength(1);
  });
});
