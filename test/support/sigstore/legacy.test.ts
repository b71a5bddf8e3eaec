import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestSigstore,
  FULCIO_OID,
  generateKeyPair,
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

  describe('when nothing timestamps the signature (no SET, no TSA)', () => {
    it('carries no bundle annotation and is rejected by @sigstore/verify', () => {
      const artifact = sigstore.signLegacy({
        imageDigest: DIGEST,
        dockerReference: REFERENCE,
        identity,
        tlog: 'none',
      });
      expect(artifact.annotations[LEGACY_ANNOTATION.bundle]).toBeUndefined();
      expect(() => verifyWithSigstoreJs(sigstore, artifact)).toThrow(/timestamps/);
    });
  });

  describe('when the log integrated the entry after the certificate expired', () => {
    it('is rejected by @sigstore/verify', () => {
      const artifact = sigstore.signLegacy({
        imageDigest: DIGEST,
        dockerReference: REFERENCE,
        identity,
        integratedTime: new Date(identity.notAfter.getTime() + 60_000),
      });
      expect(() => verifyWithSigstoreJs(sigstore, artifact)).toThrow(/certificate/i);
    });
  });

  describe('when the Rekor entry records a different certificate (GHSA-fx35-mq7g-6g98)', () => {
    it('names the other certificate in the entry body, which @sigstore/verify alone does not compare', () => {
      const other = sigstore.issueCertificate({ san: { email: 'mallory@example.com' }, issuer: ISSUER });
      const artifact = sigstore.signLegacy({
        imageDigest: DIGEST,
        dockerReference: REFERENCE,
        identity,
        rekorCertificateOverride: other,
      });
      const body = JSON.parse(artifact.tlogEntry?.body.toString() ?? '{}') as {
        spec: { signature: { publicKey: { content: string } } };
      };
      expect(Buffer.from(body.spec.signature.publicKey.content, 'base64').toString()).toBe(
        other.certificatePem,
      );
      // sigstore-js compares only the signature and digest of a hashedrekord body: product code must
      // compare the entry's certificate with the annotation's itself. This pins that hazard down.
      expect(() => verifyWithSigstoreJs(sigstore, artifact)).not.toThrow();
    });
  });

  describe('when the certificate is issued without the codeSigning EKU', () => {
    it('has no extended key usage at all', () => {
      const plain = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER, codeSigning: false });
      expect(new X509Certificate(plain.certificatePem).keyUsage).toBeUndefined();
    });
  });

  describe('when the signature is key-based (cosign --key)', () => {
    it('is accepted by @sigstore/verify with that key, and rejected with another', () => {
      const key = generateKeyPair('ecdsa-p256');
      const artifact = sigstore.signLegacy({ imageDigest: DIGEST, dockerReference: REFERENCE, key });
      expect(artifact.annotations[LEGACY_ANNOTATION.certificate]).toBeUndefined();
      const bundle = bundleFromJSON(
        legacyToBundleJson(artifact.payload, artifact.annotations, { keyHint: 'k' }),
      );
      const trustFor = (spki: Buffer) =>
        toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot), {
          k: { rawBytes: spki, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256 },
        });
      const entity = toSignedEntity(bundle, artifact.payload);
      expect(() => new Verifier(trustFor(key.spkiDer)).verify(entity)).not.toThrow();
      expect(() => new Verifier(trustFor(generateKeyPair().spkiDer)).verify(entity)).toThrow(/signature/);
    });
  });
});
