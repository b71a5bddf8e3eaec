import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import {
  pushBundleReferrer,
  pushHostileLegacySignatures,
  pushLegacySignatures,
  simpleSigningPayload,
  type IssuedCertificate,
  type SignLegacyOptions,
} from '../../support/sigstore/index.js';
import {
  signatureCodes,
  startHarness,
  verifyOverGraphQL,
  type VerificationReply,
  type VerifyGraphHarness,
} from './harness.js';

/**
 * What an attacker with push access to the repository (or a hostile registry) can put next to an
 * image, and what the service answers for it over GraphQL: never verified, always a stable code, and
 * never an exception instead of an answer.
 */
const REPO = 'team/app';
const SAN = 'https://github.com/team/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const POLICY = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };

describe('attacks on signatures, through GraphQL', () => {
  let h: VerifyGraphHarness;
  let signer: IssuedCertificate;
  let dockerReference: string;

  /** A fresh image of its own for each case, so one case's signatures never mix with another's. */
  async function newImage(): Promise<BuiltImage> {
    const image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage(h.target, REPO, image);
    return image;
  }
  const ref = (image: BuiltImage) => `${h.registry.host}/${REPO}@${image.digest}`;
  /** The genuine signer's legacy signature of `image`, with one thing changed by the attacker. */
  type Tampering = Partial<
    Pick<
      SignLegacyOptions,
      'imageDigest' | 'payloadOverride' | 'log' | 'rekorCertificateOverride' | 'tlog' | 'rfc3161'
    >
  > & { readonly identity?: IssuedCertificate };
  const legacy = (image: BuiltImage, options: Tampering = {}) =>
    h.sigstore.signLegacy({ imageDigest: image.digest, dockerReference, identity: signer, ...options });
  /** Pushes one legacy signature for `image` and verifies it under the genuine policy. */
  async function verifyWithLegacy(image: BuiltImage, options: Tampering): Promise<VerificationReply> {
    await pushLegacySignatures(h.target, REPO, image.digest, [legacy(image, options)]);
    return verifyOverGraphQL(h.service, ref(image), POLICY);
  }
  function expectRejected(v: VerificationReply): void {
    expect(v).toMatchObject({ verified: false, status: 'FAILED' });
    expect(v.signatures).toHaveLength(1);
    expect(v.signatures[0]?.verified).toBe(false);
    expect(v.errors[0]?.code).toBe('NO_MATCHING_SIGNATURES');
  }

  beforeAll(async () => {
    h = await startHarness();
    dockerReference = `${h.registry.host}/${REPO}`;
    signer = h.sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('when a genuine signature of another digest is copied next to the image', () => {
    it('is DIGEST_MISMATCH with cosign\'s "invalid or missing digest in claim"', async () => {
      const [image, other] = [await newImage(), await newImage()];
      const v = await verifyWithLegacy(image, { imageDigest: other.digest });
      expectRejected(v);
      expect(v.signatures[0]?.errors).toContainEqual({
        code: 'DIGEST_MISMATCH',
        message: `invalid or missing digest in claim: ${other.digest}`,
      });
    });
  });

  describe('when the stored payload is not the one that was signed', () => {
    // The Rekor entry records the digest of what was signed, so with a log entry the first check to
    // trip over a swapped payload is the entry/artifact binding: TLOG_MISMATCH.
    it('is TLOG_MISMATCH for a legacy layer whose log entry names the signed payload', async () => {
      const image = await newImage();
      const forged = simpleSigningPayload(image.digest, 'attacker.example/evil');
      const v = await verifyWithLegacy(image, { payloadOverride: forged });
      expectRejected(v);
      expect(signatureCodes(v)).toEqual(['TLOG_MISMATCH']);
    });

    it('is INVALID_SIGNATURE when only the signature itself can catch it (TSA timestamp, tlog ignored)', async () => {
      const image = await newImage();
      const forged = simpleSigningPayload(image.digest, 'attacker.example/evil');
      await pushLegacySignatures(h.target, REPO, image.digest, [
        legacy(image, { payloadOverride: forged, tlog: 'none', rfc3161: 'main' }),
      ]);
      const v = await verifyOverGraphQL(h.service, ref(image), { ...POLICY, ignoreTlog: true });
      expectRejected(v);
      expect(signatureCodes(v)).toEqual(['INVALID_SIGNATURE']);
    });

    it('is TLOG_MISMATCH for a bundle whose DSSE payload was swapped', async () => {
      const image = await newImage();
      const other = await newImage();
      const bundle = h.sigstore.signBundle({ imageDigest: other.digest, identity: signer });
      const forged = h.sigstore.signBundle({
        imageDigest: image.digest,
        identity: signer,
        payloadOverride: bundle.statement,
      });
      await pushBundleReferrer(h.target, REPO, image, forged);
      const v = await verifyOverGraphQL(h.service, ref(image), POLICY);
      expectRejected(v);
      expect(v.signatures[0]?.signature?.format).toBe('SIGSTORE_BUNDLE');
      expect(signatureCodes(v)).toEqual(['TLOG_MISMATCH']);
    });
  });

  describe('when the transparency-log entry is not trustworthy', () => {
    it('rejects a SET from a log absent from the trusted root with a TLOG code', async () => {
      const v = await verifyWithLegacy(await newImage(), { log: 'other' });
      expectRejected(v);
      expect(v.signatures[0]?.errors).toEqual([
        { code: 'TLOG_INVALID', message: 'inclusion promise could not be verified' },
      ]);
    });

    it('is TLOG_MISMATCH when the Rekor entry records another certificate', async () => {
      const stranger = h.sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });
      const v = await verifyWithLegacy(await newImage(), { rekorCertificateOverride: stranger });
      expectRejected(v);
      expect(signatureCodes(v)).toContain('TLOG_MISMATCH');
    });
  });

  describe('when the certificate has no code-signing extended key usage', () => {
    it('is rejected with a CERTIFICATE code while still reporting who it names', async () => {
      const noEku = h.sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER, codeSigning: false });
      const v = await verifyWithLegacy(await newImage(), { identity: noEku });
      expectRejected(v);
      expect(v.signatures[0]?.errors).toEqual([
        {
          code: 'CERTIFICATE_INVALID',
          message: 'certificate is not valid for code signing (extended key usage)',
        },
      ]);
      expect(v.signatures[0]?.identity).toMatchObject({ subjectAlternativeName: SAN, issuer: ISSUER });
    });
  });

  describe('when the signature carries no timestamp at all', () => {
    it('is a clean FAILED answer, not an exception', async () => {
      const v = await verifyWithLegacy(await newImage(), { tlog: 'none' });
      expectRejected(v);
      expect(v.signatures[0]?.errors).toEqual([
        { code: 'TLOG_MISSING', message: 'no transparency log entry attached to the signature' },
      ]);
    });

    it('stays FAILED when the tlog is ignored, since nothing then says when it was signed', async () => {
      const image = await newImage();
      await pushLegacySignatures(h.target, REPO, image.digest, [legacy(image, { tlog: 'none' })]);
      const v = await verifyOverGraphQL(h.service, ref(image), { ...POLICY, ignoreTlog: true });
      expectRejected(v);
      expect(signatureCodes(v)).toEqual(['TIMESTAMP_MISSING']);
    });
  });

  describe('when the registry holds more than the service will read', () => {
    it('is TOO_MANY_SIGNATURES for a .sig manifest of 1001 layers, never verified', async () => {
      const image = await newImage();
      await pushHostileLegacySignatures(h.target, REPO, image.digest, { layers: 1001 });
      const v = await verifyOverGraphQL(h.service, ref(image), POLICY);
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(v.signatures.some((s) => s.verified)).toBe(false);
      expect(signatureCodes(v)).toContain('TOO_MANY_SIGNATURES');
    });

    it('is PAYLOAD_TOO_LARGE for a payload over the 1 MiB cap', async () => {
      const image = await newImage();
      await pushHostileLegacySignatures(h.target, REPO, image.digest, {
        layers: 1,
        payloadBytes: 1024 * 1024 + 1,
      });
      const v = await verifyOverGraphQL(h.service, ref(image), POLICY);
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(signatureCodes(v)).toContain('PAYLOAD_TOO_LARGE');
    });
  });

  describe('when a good signature sits next to a bad one in the same manifest', () => {
    it('is VERIFIED with one verified and one failed entry', async () => {
      const image = await newImage();
      const forged = simpleSigningPayload(image.digest, 'attacker.example/evil');
      await pushLegacySignatures(h.target, REPO, image.digest, [
        legacy(image, { payloadOverride: forged }),
        legacy(image),
      ]);
      const v = await verifyOverGraphQL(h.service, ref(image), POLICY);
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
      expect(v.signatures.map((s) => s.verified)).toEqual([false, true]);
      expect(v.signatures[0]?.errors.map((e) => e.code)).toEqual(['TLOG_MISMATCH']);
      expect(v.signatures[1]?.errors).toEqual([]);
    });
  });
});
