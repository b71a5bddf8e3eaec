import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  parseTrustRoot,
  verifyDigest,
  type DigestVerification,
  type TrustRoot,
} from '../../../src/verification/index.js';
import {
  createTestSigstore,
  type BundleSignatureArtifact,
  type IssuedCertificate,
  type LegacySignatureArtifact,
  type TestSigstore,
  type TrustedRootJson,
} from '../../support/sigstore/index.js';
import { discovered } from './discovered.js';
import { codes, DIGEST, IDENTITY, ISSUER, POLICY, REFERENCE } from './world.js';

/**
 * parseTrustRoot hands @sigstore/verify CA and TSA certificates that were encoded once at load
 * (EncodedCertificate). These tests run the same signatures against that material and against the
 * library's own `toTrustMaterial` of the same root, and require identical verdicts — the negative ones above all — so the precomputation can
 * only ever make verification faster, never more permissive. (The signer's leaf is wrapped the same
 * way on both sides; that wrapper's answers are compared with the library's in its unit test.)
 */
let sigstore: TestSigstore;
let stranger: TestSigstore;
let signer: IssuedCertificate;

/** The trust root as the service builds it, and the same root over the library's plain material. */
function bothRoots(json: TrustedRootJson): { encoded: TrustRoot; plain: TrustRoot } {
  const encoded = parseTrustRoot(json, 'test', { requireCurrentAuthorities: false });
  return { encoded, plain: { ...encoded, material: toTrustMaterial(TrustedRoot.fromJSON(json)) } };
}

/** What a verdict says, without the discovery records (which are the same objects either way). */
const verdict = (result: DigestVerification) => ({
  status: result.status,
  errors: result.errors,
  signatures: result.signatures.map((s) => ({
    verified: s.verified,
    errors: s.errors,
    identity: s.identity,
  })),
});

type Artifact = LegacySignatureArtifact | BundleSignatureArtifact;

function expectSameVerdict(artifacts: readonly Artifact[], json: TrustedRootJson, policy = POLICY) {
  const { encoded, plain } = bothRoots(json);
  const found = discovered(DIGEST, artifacts);
  const withEncoded = verifyDigest(found, policy, encoded);
  expect(verdict(withEncoded)).toEqual(verdict(verifyDigest(found, policy, plain)));
  return withEncoded;
}

const legacy = (identity: IssuedCertificate, extra: Record<string, unknown> = {}) =>
  sigstore.signLegacy({ imageDigest: DIGEST, dockerReference: REFERENCE, identity, ...extra });
const bundle = (identity: IssuedCertificate, extra: Record<string, unknown> = {}) =>
  sigstore.signBundle({ imageDigest: DIGEST, identity, ...extra });

beforeAll(() => {
  sigstore = createTestSigstore();
  stranger = createTestSigstore();
  signer = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
});

describe('trust material with certificates encoded once at load', () => {
  describe('gives the same verdict as the library material', () => {
    it('for a good legacy signature and a good bundle (VERIFIED)', () => {
      expect(expectSameVerdict([legacy(signer)], sigstore.trustedRoot).status).toBe('VERIFIED');
      expect(expectSameVerdict([bundle(signer)], sigstore.trustedRoot).status).toBe('VERIFIED');
    });

    it('for a certificate from a CA the root does not trust', () => {
      const foreign = stranger.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
      expect(codes(expectSameVerdict([legacy(foreign)], sigstore.trustedRoot))).toEqual([
        'CERTIFICATE_UNTRUSTED',
      ]);
      expect(expectSameVerdict([bundle(foreign)], sigstore.trustedRoot).status).toBe('FAILED');
    });

    it('under a wrong trust root altogether', () => {
      expect(expectSameVerdict([legacy(signer)], stranger.trustedRoot).status).toBe('FAILED');
      expect(expectSameVerdict([bundle(signer)], stranger.trustedRoot).status).toBe('FAILED');
    });

    it('under a root whose CA (and every other window) had expired before the signature', () => {
      const expired = sigstore.trustedRootWith({ validUntil: new Date(Date.now() - 3600_000) });
      expect(expectSameVerdict([legacy(signer)], expired).status).toBe('FAILED');
      expect(expectSameVerdict([bundle(signer)], expired).status).toBe('FAILED');
    });

    it('for a certificate that had expired when the entry was logged', () => {
      const late = { integratedTime: new Date(signer.notAfter.getTime() + 60_000) };
      expect(codes(expectSameVerdict([legacy(signer, late)], sigstore.trustedRoot))).toEqual([
        'CERTIFICATE_EXPIRED',
      ]);
      expect(expectSameVerdict([bundle(signer, late)], sigstore.trustedRoot).status).toBe('FAILED');
    });

    it('for a certificate without an SCT', () => {
      const noSct = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER, sct: false });
      expect(codes(expectSameVerdict([legacy(noSct)], sigstore.trustedRoot))).toEqual(['SCT_INVALID']);
    });

    it('for timestamps from a trusted and an untrusted TSA', () => {
      const policy = { ...POLICY, ignoreTlog: true };
      const main = legacy(signer, { tlog: 'none', rfc3161: 'main' });
      const other = legacy(signer, { tlog: 'none', rfc3161: 'other' });
      expect(expectSameVerdict([main], sigstore.trustedRoot, policy).status).toBe('VERIFIED');
      expect(codes(expectSameVerdict([other], sigstore.trustedRoot, policy))).toEqual(['TIMESTAMP_INVALID']);
    });
  });

  it('remembers no verdicts: one root object judges good, bad and good again independently', () => {
    const root = parseTrustRoot(sigstore.trustedRoot, 'test');
    const foreign = stranger.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
    const once = (artifact: Artifact) => verifyDigest(discovered(DIGEST, [artifact]), POLICY, root).status;
    expect(once(legacy(signer))).toBe('VERIFIED');
    expect(once(legacy(foreign))).toBe('FAILED');
    expect(once(bundle(foreign))).toBe('FAILED');
    expect(once(bundle(signer))).toBe('VERIFIED');
    expect(once(legacy(foreign))).toBe('FAILED');
  });
});
