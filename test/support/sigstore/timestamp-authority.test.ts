import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type VerifierOptions } from '@sigstore/verify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestSigstore,
  LEGACY_ANNOTATION,
  legacyToBundleJson,
  type IssuedCertificate,
  type TestSigstore,
} from './index.js';

const DIGEST = `sha256:${'34'.repeat(32)}`;
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

describe('RFC 3161 timestamps from the test TSA', () => {
  let sigstore: TestSigstore;
  let identity: IssuedCertificate;
  let verifier: (options?: VerifierOptions) => Verifier;
  beforeAll(() => {
    sigstore = createTestSigstore();
    identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
    verifier = (options) =>
      new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), options);
  });

  describe('on a bundle whose log entry has a proof but no SET (Rekor v2 style)', () => {
    it('supply the timestamp @sigstore/verify needs', () => {
      const artifact = sigstore.signBundle({ imageDigest: DIGEST, identity, tlog: 'proof', rfc3161: 'main' });
      const bundle = bundleFromJSON(JSON.parse(artifact.bytes.toString()));
      expect(() => verifier().verify(toSignedEntity(bundle))).not.toThrow();
    });

    it('are refused when the TSA is not in the trusted root', () => {
      const artifact = sigstore.signBundle({
        imageDigest: DIGEST,
        identity,
        tlog: 'proof',
        rfc3161: 'other',
      });
      const bundle = bundleFromJSON(JSON.parse(artifact.bytes.toString()));
      expect(() => verifier().verify(toSignedEntity(bundle))).toThrow(/timestamp could not be verified/);
    });

    it('are refused when the stated time is outside the certificate validity', () => {
      const artifact = sigstore.signBundle({
        imageDigest: DIGEST,
        identity,
        tlog: 'proof',
        rfc3161: 'main',
        timestampedAt: new Date(identity.notAfter.getTime() + 120_000),
      });
      const bundle = bundleFromJSON(JSON.parse(artifact.bytes.toString()));
      expect(() => verifier().verify(toSignedEntity(bundle))).toThrow(/certificate/i);
    });
  });

  describe('on a legacy signature without a log entry', () => {
    it('travel in the rfc3161timestamp annotation and verify when the tlog is not required', () => {
      const artifact = sigstore.signLegacy({
        imageDigest: DIGEST,
        dockerReference: 'r/app',
        identity,
        tlog: 'none',
        rfc3161: 'main',
      });
      expect(JSON.parse(artifact.annotations[LEGACY_ANNOTATION.rfc3161Timestamp] ?? '{}')).toHaveProperty(
        'SignedRFC3161Timestamp',
      );
      const entity = toSignedEntity(
        bundleFromJSON(legacyToBundleJson(artifact.payload, artifact.annotations)),
        artifact.payload,
      );
      expect(() => verifier({ tlogThreshold: 0 }).verify(entity)).not.toThrow();
      expect(() => verifier().verify(entity)).toThrow(/tlog entries/);
    });
  });
});
