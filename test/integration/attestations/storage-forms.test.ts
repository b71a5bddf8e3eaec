import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAttestation,
  buildImage,
  buildIndex,
  buildKitProvenance,
  pushImage,
  pushIndex,
  type BuiltImage,
} from '../../support/registry/index.js';
import {
  inTotoStatement,
  pushBundleReferrer,
  pushLegacyAttestations,
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
  STATEMENT_V01,
} from '../../support/sigstore/index.js';
import { startHarness, verifyOverGraphQL, type VerifyGraphHarness } from '../verify-graph/harness.js';
import { attestationsOf, platformAttestations, verifyAttestation } from './queries.js';

/**
 * Attestations in each of the three places they are stored, made with real cryptography by the test
 * Sigstore, pushed to a real registry, found and verified through GraphQL.
 */
const REPO = 'attest/app';
const SAN = 'builder@example.com';
const ISSUER = 'https://accounts.example.com';
const POLICY = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };

describe('attestations in all three storage forms, through GraphQL', () => {
  let h: VerifyGraphHarness;
  const ref = (digest: string) => `${h.registry.host}/${REPO}@${digest}`;
  const identity = () => h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
  const newImage = async (): Promise<BuiltImage> => {
    const image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage(h.target, REPO, image);
    return image;
  };

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('a cosign legacy `.att` attestation', () => {
    it('is listed with its statement and certificate, and verifies as slsaprovenance1', async () => {
      const image = await newImage();
      const statement = inTotoStatement({ subjects: [image.digest], predicateType: SLSA_PROVENANCE_V1 });
      const att = h.sigstore.signLegacyAttestation({ statement, identity: identity() });
      await pushLegacyAttestations(h.target, REPO, image.digest, [att]);

      const [listed, ...rest] = await attestationsOf(h.service, ref(image.digest));
      expect(rest).toEqual([]);
      expect(listed).toMatchObject({
        source: 'LEGACY_TAG',
        predicateType: SLSA_PROVENANCE_V1,
        statementType: 'https://in-toto.io/Statement/v1',
        payloadType: 'application/vnd.in-toto+json',
        signed: true,
        statementSize: statement.length,
        subjects: [{ digest: { sha256: image.digest.slice(7) } }],
        certificate: { subjectAlternativeName: SAN, issuer: ISSUER },
        transparencyLog: { kind: 'intoto', kindVersion: '0.0.2' },
      });
      expect(listed?.statement).toEqual(JSON.parse(statement.toString()));

      const v = await verifyAttestation(h.service, ref(image.digest), POLICY, 'slsaprovenance1');
      expect(v).toMatchObject({
        digest: image.digest,
        predicateType: SLSA_PROVENANCE_V1,
        verified: true,
        status: 'VERIFIED',
        errors: [],
      });
      expect(v.attestations).toHaveLength(1);
      expect(v.attestations[0]).toMatchObject({
        verified: true,
        identity: { subjectAlternativeName: SAN, issuer: ISSUER },
        attestation: { source: 'LEGACY_TAG' },
      });
      // Which root verified it: the service's only (default) one, the test Sigstore's file.
      expect(v.trustRoot?.name).toBe('default');
      expect(v.attestations[0]?.trustRoot).toEqual(v.trustRoot);
    });
  });

  describe('one attestation stored twice', () => {
    it('is listed once, and verified once', async () => {
      const image = await newImage();
      const statement = inTotoStatement({ subjects: [image.digest], predicateType: SLSA_PROVENANCE_V1 });
      const att = h.sigstore.signLegacyAttestation({ statement, identity: identity() });
      // Two layers of the `.att` manifest naming the same envelope blob.
      await pushLegacyAttestations(h.target, REPO, image.digest, [att, att]);
      expect(await attestationsOf(h.service, ref(image.digest))).toHaveLength(1);
      const v = await verifyAttestation(h.service, ref(image.digest), POLICY, 'slsaprovenance1');
      expect(v).toMatchObject({ status: 'VERIFIED' });
      expect(v.attestations).toHaveLength(1);
    });
  });

  describe('a Sigstore bundle referrer attestation', () => {
    it('verifies as the full URI, and the image stays UNSIGNED for signatures', async () => {
      const image = await newImage();
      const statement = inTotoStatement({ subjects: [image.digest], predicateType: SLSA_PROVENANCE_V1 });
      const bundle = h.sigstore.signBundle({ imageDigest: image.digest, identity: identity(), statement });
      await pushBundleReferrer(h.target, REPO, image, bundle);

      const listed = await attestationsOf(h.service, ref(image.digest), 'slsaprovenance1');
      expect(listed.map((a) => a.source)).toEqual(['BUNDLE_REFERRER']);
      expect(listed[0]?.transparencyLog).toMatchObject({ kind: 'dsse' });
      const v = await verifyAttestation(h.service, ref(image.digest), POLICY, SLSA_PROVENANCE_V1);
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED' });
      expect(v.attestations[0]?.attestation?.source).toBe('BUNDLE_REFERRER');

      const signatures = await verifyOverGraphQL(h.service, ref(image.digest), POLICY);
      expect(signatures).toMatchObject({ status: 'UNSIGNED', signatures: [] });
    });
  });

  describe('the same attestation verification asked again in a later request', () => {
    it('is taken from the cache, per predicate type, and never read as a signature verdict', async () => {
      const image = await newImage();
      const statement = inTotoStatement({ subjects: [image.digest], predicateType: SLSA_PROVENANCE_V1 });
      await pushLegacyAttestations(h.target, REPO, image.digest, [
        h.sigstore.signLegacyAttestation({ statement, identity: identity() }),
      ]);
      const ask = async (type: string) => {
        const reply = await h.service.graphql<{
          image: { attestationVerification: { status: string; cached: boolean; checkedAt: string } };
        }>(
          `query($ref: String!, $policy: PolicyInput!, $type: String!) {
             image(ref: $ref) { attestationVerification(policy: $policy, predicateType: $type) { status cached checkedAt } }
           }`,
          { ref: ref(image.digest), policy: POLICY, type },
        );
        expect(reply.errors).toBeUndefined();
        return reply.data!.image.attestationVerification;
      };
      const first = await ask('slsaprovenance1');
      expect(first).toMatchObject({ status: 'VERIFIED', cached: false });
      expect(await ask('slsaprovenance1')).toEqual({ ...first, cached: true });
      // Another predicate type is another verdict, computed for itself.
      expect(await ask('spdx')).toMatchObject({ status: 'UNSIGNED', cached: false });
      const signatures = await verifyOverGraphQL(h.service, ref(image.digest), POLICY);
      expect(signatures).toMatchObject({ status: 'UNSIGNED', signatures: [] });
    });
  });

  describe('BuildKit attestation manifests in an image index', () => {
    it('are listed for their platform as unsigned statements and never verified', async () => {
      const amd64 = buildImage({ os: 'linux', architecture: 'amd64' });
      const arm64 = buildImage({ os: 'linux', architecture: 'arm64' });
      const index = buildIndex([amd64, arm64], 'oci', {
        attestation: (subject) => buildAttestation(subject, [buildKitProvenance(subject)]),
      });
      await pushIndex(h.target, REPO, index);

      const amd = await platformAttestations(
        h.service,
        ref(index.digest),
        'linux/amd64',
        POLICY,
        'slsaprovenance02',
      );
      expect(amd.attestations).toHaveLength(1);
      expect(amd.attestations[0]).toMatchObject({
        source: 'BUILDKIT',
        signed: false,
        predicateType: SLSA_PROVENANCE_V02,
        statementType: STATEMENT_V01,
        payloadType: null,
        certificate: null,
        subjects: [{ digest: { sha256: amd64.digest.slice(7) } }],
      });
      expect(amd.attestationVerification).toMatchObject({
        verified: false,
        status: 'UNSIGNED',
        errors: [{ code: 'NO_ATTESTATIONS', message: 'no attestations found' }],
        attestations: [],
      });
      // The other platform's statement is its own.
      const arm = await platformAttestations(
        h.service,
        ref(index.digest),
        'linux/arm64',
        POLICY,
        'slsaprovenance02',
      );
      expect(arm.attestations[0]?.subjects[0]?.digest.sha256).toBe(arm64.digest.slice(7));
    });
  });

  describe('a platform manifest reached through an attested index', () => {
    it('is VERIFIED_VIA_INDEX when the index’s statement names the index', async () => {
      const amd64 = buildImage({ os: 'linux', architecture: 'amd64' });
      const index = buildIndex([amd64]);
      await pushIndex(h.target, REPO, index);
      const statement = inTotoStatement({ subjects: [index.digest], predicateType: SLSA_PROVENANCE_V1 });
      const bundle = h.sigstore.signBundle({ imageDigest: index.digest, identity: identity(), statement });
      await pushBundleReferrer(h.target, REPO, index, bundle);

      const p = await platformAttestations(
        h.service,
        ref(index.digest),
        'linux/amd64',
        POLICY,
        'slsaprovenance1',
      );
      expect(p.attestationVerification).toMatchObject({
        digest: amd64.digest,
        verified: true,
        status: 'VERIFIED_VIA_INDEX',
        inheritedFrom: index.digest,
      });
      const own = await verifyAttestation(h.service, ref(amd64.digest), POLICY, 'slsaprovenance1');
      expect(own).toMatchObject({ status: 'UNSIGNED', verified: false });
    });

    it('is VERIFIED directly when the index’s statement lists the platform digest', async () => {
      const amd64 = buildImage({ os: 'linux', architecture: 'amd64' });
      const index = buildIndex([amd64]);
      await pushIndex(h.target, REPO, index);
      const statement = inTotoStatement({ subjects: [amd64.digest], predicateType: SLSA_PROVENANCE_V1 });
      const bundle = h.sigstore.signBundle({ imageDigest: index.digest, identity: identity(), statement });
      await pushBundleReferrer(h.target, REPO, index, bundle);

      const p = await platformAttestations(
        h.service,
        ref(index.digest),
        'linux/amd64',
        POLICY,
        'slsaprovenance1',
      );
      expect(p.attestationVerification).toMatchObject({
        digest: amd64.digest,
        verified: true,
        status: 'VERIFIED',
        inheritedFrom: null,
      });
    });
  });
});
