import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  pushImage,
  pushIndex,
  type BuiltIndex,
} from '../../support/registry/index.js';
import type { TestService } from '../../support/service.js';
import { pushBundleReferrer, pushLegacySignatures } from '../../support/sigstore/index.js';
import { startHarness, verifyOverGraphQL, type VerifyGraphHarness } from './harness.js';

/**
 * Every case of `shared/reference/cosign-multiplatform-til.txt`, replayed against a private Sigstore:
 * aquasec/trivy:0.70.0 is a Docker manifest list over four platforms, and only the list is signed
 * (twice, as the release workflow did), so the platform manifests have no signatures of their own.
 */
const REPO = 'aquasec/trivy';
const TAG = '0.70.0';
const SAN = 'https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v0.70.0';
const ISSUER = 'https://token.actions.githubusercontent.com';
const TIL_POLICY = {
  certificateIdentityRegexp: 'https://github.com/aquasecurity/trivy/.*',
  certificateOidcIssuer: ISSUER,
};

describe('the cosign multi-platform TIL, through GraphQL', () => {
  let h: VerifyGraphHarness;
  let index: BuiltIndex;
  let indexRef: string;
  let dockerReference: string;

  beforeAll(async () => {
    h = await startHarness();
    index = buildIndex(
      FOUR_PLATFORMS.map((p) => buildImage(p, 'docker')),
      'docker',
    );
    await pushIndex(h.target, REPO, index, TAG);
    indexRef = `${h.registry.host}/${REPO}@${index.digest}`;
    dockerReference = `${h.registry.host}/${REPO}:${TAG}`;
    // Two signatures over the index, as `cosign verify` printed two payloads: one in the legacy
    // `.sig` tag, one as a cosign v3 bundle referrer, each by its own short-lived certificate.
    const sign = () => h.sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });
    await pushLegacySignatures(h.target, REPO, index.digest, [
      h.sigstore.signLegacy({ imageDigest: index.digest, dockerReference, identity: sign() }),
    ]);
    await pushBundleReferrer(
      h.target,
      REPO,
      index,
      h.sigstore.signBundle({ imageDigest: index.digest, identity: sign() }),
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('when the multi-platform digest is verified with the publisher identity and issuer', () => {
    it('is VERIFIED with both signatures verified and naming the index digest', async () => {
      const v = await verifyOverGraphQL(h.service, indexRef, TIL_POLICY);
      expect(v).toMatchObject({ digest: index.digest, verified: true, status: 'VERIFIED', errors: [] });
      expect(v.signatures).toHaveLength(2);
      for (const s of v.signatures) {
        expect(s.verified).toBe(true);
        expect(s.errors).toEqual([]);
        expect(s.signature?.dockerManifestDigest).toBe(index.digest);
        expect(s.identity).toMatchObject({ subjectAlternativeName: SAN, issuer: ISSUER });
      }
      expect(v.signatures.map((s) => s.signature?.format).sort()).toEqual([
        'SIGSTORE_BUNDLE',
        'SIMPLE_SIGNING',
      ]);
      const legacy = v.signatures.find((s) => s.signature?.format === 'SIMPLE_SIGNING');
      expect(legacy?.signature?.dockerReference).toBe(dockerReference);
    });
  });

  describe('when a platform digest is verified directly', () => {
    const platformRef = (n: number) => `${h.registry.host}/${REPO}@${index.images[n]!.digest}`;

    it('is UNSIGNED with cosign\'s "no signatures found" and no hint on a service that never saw the index', async () => {
      const fresh = await h.startService();
      const v = await verifyOverGraphQL(fresh, platformRef(0), TIL_POLICY);
      expect(v).toMatchObject({ digest: index.images[0]!.digest, verified: false, status: 'UNSIGNED' });
      expect(v.errors).toEqual([{ code: 'NO_SIGNATURES', message: 'no signatures found' }]);
      expect(v.signatures).toEqual([]);
      expect(v.hint).toBeNull();
    });

    it('hints at the signed index once the service has seen that index, without changing the status', async () => {
      const seen: TestService = await h.startService();
      await verifyOverGraphQL(seen, indexRef, TIL_POLICY);
      const v = await verifyOverGraphQL(seen, platformRef(1), TIL_POLICY);
      expect(v).toMatchObject({ verified: false, status: 'UNSIGNED', inheritedFrom: null });
      expect(v.errors).toEqual([{ code: 'NO_SIGNATURES', message: 'no signatures found' }]);
      expect(v.hint).toContain(index.digest);
      expect(v.hint).toContain(`${h.registry.host}/${REPO}@${index.digest}`);
    });

    it('gives no hint for the same digest in another repository, where that index does not exist', async () => {
      const seen = await h.startService();
      await verifyOverGraphQL(seen, indexRef, TIL_POLICY);
      await pushImage(h.target, 'mirror/trivy', index.images[0]!);
      const v = await verifyOverGraphQL(
        seen,
        `${h.registry.host}/mirror/trivy@${index.images[0]!.digest}`,
        TIL_POLICY,
      );
      expect(v.status).toBe('UNSIGNED');
      expect(v.hint).toBeNull();
    });

    it('gives no hint when the index it belongs to does not verify under the policy', async () => {
      const seen = await h.startService();
      const wrongIssuer = { ...TIL_POLICY, certificateOidcIssuer: 'https://google.com' };
      await verifyOverGraphQL(seen, indexRef, wrongIssuer);
      const v = await verifyOverGraphQL(seen, platformRef(2), wrongIssuer);
      expect(v.status).toBe('UNSIGNED');
      expect(v.hint).toBeNull();
    });
  });

  describe('when the issuer does not match', () => {
    it("is FAILED with cosign's expected/got message and the real identity of each signer", async () => {
      const v = await verifyOverGraphQL(h.service, indexRef, {
        ...TIL_POLICY,
        certificateOidcIssuer: 'https://google.com',
      });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      const message =
        'expected issuer value "https://google.com", got "https://token.actions.githubusercontent.com"';
      expect(v.errors).toContainEqual({ code: 'ISSUER_MISMATCH', message });
      // Both signers carry the same issuer: one distinct reason, in cosign's summary wording.
      expect(v.errors[0]).toEqual({
        code: 'NO_MATCHING_SIGNATURES',
        message: `no matching signatures: ${message}`,
      });
      expect(v.signatures).toHaveLength(2);
      for (const s of v.signatures) {
        expect(s.verified).toBe(false);
        expect(s.errors).toContainEqual({ code: 'ISSUER_MISMATCH', message });
        expect(s.identity).toMatchObject({ subjectAlternativeName: SAN, issuer: ISSUER });
      }
    });
  });

  describe('when the identity regexp misses a letter of the repository name', () => {
    it('is FAILED with cosign\'s "expected SAN value to match regex" message', async () => {
      const v = await verifyOverGraphQL(h.service, indexRef, {
        ...TIL_POLICY,
        certificateIdentityRegexp: 'https://github.com/aquasecurity/triv/.*',
      });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      const message = `expected SAN value to match regex "https://github.com/aquasecurity/triv/.*", got "${SAN}"`;
      expect(v.errors).toContainEqual({ code: 'IDENTITY_MISMATCH', message });
      for (const s of v.signatures) expect(s.errors).toContainEqual({ code: 'IDENTITY_MISMATCH', message });
    });
  });

  describe('when the platforms are reached through the multi-platform tag', () => {
    const query = `query($ref: String!, $policy: PolicyInput!) {
      image(ref: $ref) { digest manifestList { manifests {
        digest platform { architecture } verification(policy: $policy) { status verified inheritedFrom }
      } } } }`;
    type Reply = {
      image: {
        digest: string;
        manifestList: {
          manifests: {
            digest: string;
            platform: { architecture: string };
            verification: { status: string; verified: boolean; inheritedFrom: string | null };
          }[];
        };
      };
    };

    it('is VERIFIED_VIA_INDEX for every platform, inherited from the index digest', async () => {
      const { data, errors } = await h.service.graphql<Reply>(query, {
        ref: `${h.registry.host}/${REPO}:${TAG}`,
        policy: TIL_POLICY,
      });
      expect(errors).toBeUndefined();
      expect(data?.image.digest).toBe(index.digest);
      const manifests = data?.image.manifestList.manifests ?? [];
      expect(manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64', 'ppc64le', 's390x']);
      for (const m of manifests) {
        expect(m.verification).toEqual({
          status: 'VERIFIED_VIA_INDEX',
          verified: true,
          inheritedFrom: index.digest,
        });
      }
    });

    it('is VERIFIED_VIA_INDEX for one platform picked by name, which has no signatures of its own', async () => {
      const { data, errors } = await h.service.graphql<{
        image: { platform: { digest: string; signatures: unknown[]; verification: Record<string, unknown> } };
      }>(
        `query($ref: String!, $policy: PolicyInput!) { image(ref: $ref) { platform(platform: "linux/s390x") {
          digest signatures { format } verification(policy: $policy) { status verified inheritedFrom }
        } } }`,
        { ref: `${h.registry.host}/${REPO}:${TAG}`, policy: TIL_POLICY },
      );
      expect(errors).toBeUndefined();
      expect(data?.image.platform).toEqual({
        digest: index.images[3]!.digest,
        signatures: [],
        verification: { status: 'VERIFIED_VIA_INDEX', verified: true, inheritedFrom: index.digest },
      });
    });

    it('inherits nothing when the index signature does not verify under the policy', async () => {
      const { data, errors } = await h.service.graphql<Reply>(query, {
        ref: `${h.registry.host}/${REPO}:${TAG}`,
        policy: { ...TIL_POLICY, certificateOidcIssuer: 'https://google.com' },
      });
      expect(errors).toBeUndefined();
      const manifests = data?.image.manifestList.manifests ?? [];
      expect(manifests).toHaveLength(4);
      for (const m of manifests) {
        expect(m.verification).toEqual({ status: 'UNSIGNED', verified: false, inheritedFrom: null });
      }
    });
  });
});
