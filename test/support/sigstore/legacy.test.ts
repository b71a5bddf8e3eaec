import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestSigstore,
  FULCIO_OID,
  LEGACY_ANNOTATION,
  legacyToBundleJson,
  type IssuedCertificate,
  type LegacySignatureArtifact,
  type TestSigstore,
} from './index.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const REFERENCE = '127.0.0.1:5000/team/app';
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

/** @sigstore/verify as the oracle: SCT threshold 1, tlog threshold 1, as cosign verifies keyless. */
function verifyWithSigstoreJs(
  sigstore: TestSigstore,
  artifact: LegacySignatureArtifact,
  trustedRoot = sigstore.trustedRoot,
) {
  const bundle = bundleFromJSON(legacyToBundleJson(artifact.payload, artifact.annotations));
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot)), {
    ctlogThreshold: 1,
    tlogThreshold: 1,
  });
  return verifier.verify(toSignedEntity(bundle, Buffer.from(artifact.payload)), {
    subjectAlternativeName: IDENTITY,
    extensions: { issuer: ISSUER },
  });
}

describe('the test Sigstore legacy (.sig) format', () => {
  let sigstore: TestSigstore;
  let identity: IssuedCertificate;
  beforeAll(() => {
    sigstore = createTestSigstore();
    identity = sigstore.issueCertificate({
      san: { uri: IDENTITY },
      issuer: ISSUER,
      github: {
        workflowTrigger: 'push',
        workflowSha: 'c0ffee'.padEnd(40, '0'),
        workflowName: 'release',
        workflowRepository: 'acme/app',
        workflowRef: 'refs/heads/main',
      },
    });
  });

  describe('when the signature is good', () => {
    it('is accepted by @sigstore/verify, SCT and SET included', () => {
      const artifact = sigstore.signLegacy({ imageDigest: DIGEST, dockerReference: REFERENCE, identity });
      const signer = verifyWithSigstoreJs(sigstore, artifact);
      expect(signer.identity?.subjectAlternativeName).toBe(IDENTITY);
      expect(signer.identity?.extensions?.issuer).toBe(ISSUER);
    });

    it('stores the simple-signing payload cosign writes', () => {
      const artifact = sigstore.signLegacy({
        imageDigest: DIGEST,
        dockerReference: REFERENCE,
        identity,
        annotations: { team: 'core', env: 'prod' },
      });
      expect(JSON.parse(artifact.payload.toString())).toEqual({
        critical: {
          identity: { 'docker-reference': REFERENCE },
          image: { 'docker-manifest-digest': DIGEST },
          type: 'cosign container image signature',
        },
        optional: { env: 'prod', team: 'core' },
      });
      expect(Object.keys(artifact.annotations).sort()).toEqual(
        [
          LEGACY_ANNOTATION.bundle,
          LEGACY_ANNOTATION.certificate,
          LEGACY_ANNOTATION.chain,
          LEGACY_ANNOTATION.signature,
        ].sort(),
      );
    });
  });

  describe('when the stored payload differs from the signed one', () => {
    it('is rejected by @sigstore/verify', () => {
      const tampered = Buffer.from(
        sigstore
          .signLegacy({ imageDigest: DIGEST, dockerReference: REFERENCE, identity })
          .payload.toString()
          .replace('ab', 'cd'),
      );
      const artifact = sigstore.signLegacy({
        imageDigest: DIGEST,
        dockerReference: REFERENCE,
        identity,
        payloadOverride: tampered,
      });
      expect(() => verifyWithSigstoreJs(sigstore, artifact)).toThrow(/mismatch|signature/i);
    });
  });

  describe('when the SET comes from a log outside the trusted root', () => {
    it('is rejected by @sigstore/verify', () => {
      const artifact = sigstore.signLegacy({
        imageDigest: DIGEST,
        dockerReference: REFERENCE,
        identity,
        log: 'other',
      });
      expect(() => verifyWithSigstoreJs(sigstore, artifact)).toThrow(/inclusion promise/);
    });

    it('is accepted once that log is trusted too (so the rejection is about trust, not shape)', () => {
      const artifact = sigstore.signLegacy({
        imageDigest: DIGEST,
        dockerReference: REFERENCE,
        identity,
        log: 'other',
      });
      expect(() =>
        verifyWithSigstoreJs(sigstore, artifact, sigstore.trustedRootWith({ includeOtherLog: true })),
      ).not.toThrow();
    });
  });

  describe('the issued certificate', () => {
    it('carries Fulcio extensions, codeSigning and the SAN', () => {
      const cert = new X509Certificate(identity.certificatePem);
      expect(cert.subjectAltName).toBe(`URI:${IDENTITY}`);
      expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.3']);
      expect(cert.checkIssued(new X509Certificate(sigstore.fulcio.intermediateDer))).toBe(true);
      expect(FULCIO_OID.issuerV2).toBe('1.3.6.1.4.1.57264.1.8');
    });
  });
});
