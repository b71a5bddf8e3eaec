import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  COSIGN_SIGN_PREDICATE_TYPE,
  createTestSigstore,
  generateKeyPair,
  type BundleSignatureArtifact,
  type IssuedCertificate,
  type TestSigstore,
} from './index.js';

const DIGEST = `sha256:${'12'.repeat(32)}`;
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0';
const ISSUER = 'https://token.actions.githubusercontent.com';

function verifyWithSigstoreJs(sigstore: TestSigstore, artifact: BundleSignatureArtifact) {
  // Parse the stored bytes, not the object we built: the oracle sees what a registry would serve.
  const bundle = bundleFromJSON(JSON.parse(artifact.bytes.toString()));
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
    ctlogThreshold: 1,
    tlogThreshold: 1,
  });
  return verifier.verify(toSignedEntity(bundle), {
    subjectAlternativeName: IDENTITY,
    extensions: { issuer: ISSUER },
  });
}

describe('the test Sigstore bundle (cosign v3) format', () => {
  let sigstore: TestSigstore;
  let identity: IssuedCertificate;
  beforeAll(() => {
    sigstore = createTestSigstore();
    identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
  });

  describe('when the signature is good', () => {
    it('is accepted by @sigstore/verify, with SCT, SET, inclusion proof and checkpoint checked', () => {
      const artifact = sigstore.signBundle({ imageDigest: DIGEST, identity });
      const signer = verifyWithSigstoreJs(sigstore, artifact);
      expect(signer.identity?.subjectAlternativeName).toBe(IDENTITY);
    });

    it('verifies on the inclusion proof and checkpoint alone for a key-based signature', () => {
      // Without a SET there is no timestamp, which sigstore-js only tolerates for public keys
      // (certificates need a time to check validity): this isolates the Merkle proof path.
      const key = generateKeyPair('ecdsa-p256');
      const artifact = sigstore.signBundle({ imageDigest: DIGEST, key, tlog: 'proof' });
      const hint = artifact.bundle.verificationMaterial.publicKey?.hint ?? '';
      const trust = toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot), {
        [hint]: { rawBytes: key.spkiDer, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256 },
      });
      const bundle = bundleFromJSON(JSON.parse(artifact.bytes.toString()));
      expect(() =>
        new Verifier(trust, { timestampThreshold: 0 }).verify(toSignedEntity(bundle)),
      ).not.toThrow();
      expect(() => new Verifier(trust).verify(toSignedEntity(bundle))).toThrow(/timestamps/);
    });

    it('signs the in-toto statement cosign v3 writes for an image', () => {
      const artifact = sigstore.signBundle({ imageDigest: DIGEST, identity, annotations: { env: 'prod' } });
      const statement: unknown = JSON.parse(
        Buffer.from(artifact.bundle.dsseEnvelope.payload, 'base64').toString(),
      );
      expect(statement).toEqual({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ digest: { sha256: '12'.repeat(32) }, annotations: { env: 'prod' } }],
        predicateType: COSIGN_SIGN_PREDICATE_TYPE,
        predicate: {},
      });
      expect(artifact.bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      expect(artifact.bundle.verificationMaterial.certificate?.rawBytes).toBe(
        identity.certificateDer.toString('base64'),
      );
    });
  });

  describe('when the stored statement differs from the signed one', () => {
    it('is rejected by @sigstore/verify', () => {
      const other = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [] }));
      const artifact = sigstore.signBundle({ imageDigest: DIGEST, identity, payloadOverride: other });
      expect(() => verifyWithSigstoreJs(sigstore, artifact)).toThrow(/mismatch|signature/i);
    });
  });

  describe('when the entry comes from a log outside the trusted root', () => {
    it('is rejected by @sigstore/verify', () => {
      const artifact = sigstore.signBundle({ imageDigest: DIGEST, identity, log: 'other' });
      expect(() => verifyWithSigstoreJs(sigstore, artifact)).toThrow(/inclusion/);
    });
  });

  describe('when the inclusion proof is corrupted', () => {
    it('is rejected by @sigstore/verify (the proof is really checked)', () => {
      // Two entries first, so the proof of the third has sibling hashes to corrupt.
      sigstore.signBundle({ imageDigest: DIGEST, identity });
      sigstore.signBundle({ imageDigest: DIGEST, identity });
      const artifact = sigstore.signBundle({ imageDigest: DIGEST, identity });
      const json = JSON.parse(artifact.bytes.toString()) as {
        verificationMaterial: { tlogEntries: { inclusionProof: { hashes: string[] } }[] };
      };
      const proof = json.verificationMaterial.tlogEntries[0]!.inclusionProof;
      expect(proof.hashes.length).toBeGreaterThan(0);
      proof.hashes[0] = Buffer.alloc(32, 7).toString('base64');
      const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)));
      expect(() => verifier.verify(toSignedEntity(bundleFromJSON(json)))).toThrow(/root hash/);
    });
  });

  describe('when the certificate has no SCT', () => {
    it('is rejected by @sigstore/verify with an SCT threshold of 1', () => {
      const noSct = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER, sct: false });
      const artifact = sigstore.signBundle({ imageDigest: DIGEST, identity: noSct });
      expect(() => verifyWithSigstoreJs(sigstore, artifact)).toThrow(/SCT/);
    });
  });

  describe('when the log integrated the entry after the certificate expired', () => {
    it('is rejected by @sigstore/verify', () => {
      const artifact = sigstore.signBundle({
        imageDigest: DIGEST,
        identity,
        integratedTime: new Date(identity.notAfter.getTime() + 60_000),
      });
      expect(() => verifyWithSigstoreJs(sigstore, artifact)).toThrow(/certificate/i);
    });
  });
});
