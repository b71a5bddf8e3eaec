import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, sha256Digest, type BuiltImage } from '../../support/registry/index.js';
import {
  generateKeyPair,
  pushBundleReferrer,
  pushLegacySignatures,
  type KeyAlgorithm,
} from '../../support/sigstore/index.js';
import { signatureCodes, startHarness, verifyOverGraphQL, type VerifyGraphHarness } from './harness.js';

/**
 * Both cosign storage formats as the `signatures` field shows them (no policy: what is stored), and
 * key-based verification (`cosign verify --key`) with every key type cosign signs with.
 */
const REPO = 'formats/app';
const SAN = 'release@example.com';
const ISSUER = 'https://accounts.example.com';
const POLICY = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };
const SIGNATURE_FIELDS = `format digest dockerReference dockerManifestDigest payloadType annotations
  certificate { subjectAlternativeName issuer pem chain { issuerName } }
  transparencyLog { logIndex logId kind kindVersion integratedTime }
  timestamps { kind time }`;

interface SignatureReply {
  format: string;
  digest: string | null;
  dockerReference: string | null;
  dockerManifestDigest: string;
  payloadType: string | null;
  annotations: unknown;
  certificate: { subjectAlternativeName: string; issuer: string; pem: string; chain: unknown[] } | null;
  transparencyLog: {
    logIndex: string;
    logId: string;
    kind: string | null;
    kindVersion: string | null;
    integratedTime: string | null;
  } | null;
  timestamps: { kind: string; time: string }[];
}

describe('signature formats and keys, through GraphQL', () => {
  let h: VerifyGraphHarness;
  const ref = (image: BuiltImage) => `${h.registry.host}/${REPO}@${image.digest}`;
  async function newImage(): Promise<BuiltImage> {
    const image = buildImage({ os: 'linux', architecture: 'arm64' });
    await pushImage(h.target, REPO, image);
    return image;
  }
  async function storedSignatures(image: BuiltImage): Promise<SignatureReply[]> {
    const { data, errors } = await h.service.graphql<{ image: { signatures: SignatureReply[] } }>(
      `query($ref: String!) { image(ref: $ref) { signatures { ${SIGNATURE_FIELDS} } } }`,
      { ref: ref(image) },
    );
    expect(errors).toBeUndefined();
    return data?.image.signatures ?? [];
  }

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('when the only signature is a Sigstore bundle referrer', () => {
    it('is found through the referrers tag fallback and shown with certificate, log entry and timestamps', async () => {
      const image = await newImage();
      const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
      const bundle = h.sigstore.signBundle({ imageDigest: image.digest, identity, rfc3161: 'main' });
      const pushed = await pushBundleReferrer(h.target, REPO, image, bundle);
      const [signature, ...rest] = await storedSignatures(image);
      expect(rest).toEqual([]);
      expect(signature).toMatchObject({
        format: 'SIGSTORE_BUNDLE',
        digest: pushed.digest,
        dockerManifestDigest: image.digest,
        payloadType: 'application/vnd.in-toto+json',
        certificate: { subjectAlternativeName: SAN, issuer: ISSUER, pem: identity.certificatePem },
        transparencyLog: {
          logIndex: String(bundle.tlogEntry?.logIndex),
          logId: h.sigstore.rekor.logId.toString('hex'),
          kind: 'dsse',
          kindVersion: '0.0.1',
        },
      });
      expect(signature?.timestamps.map((t) => t.kind).sort()).toEqual(['RFC3161', 'TRANSPARENCY_LOG']);
      const logged = new Date((bundle.tlogEntry?.integratedTime ?? 0) * 1000).toISOString();
      expect(signature?.timestamps).toContainEqual({ kind: 'TRANSPARENCY_LOG', time: logged });
      const v = await verifyOverGraphQL(h.service, ref(image), POLICY);
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED' });
      expect(v.signatures.map((s) => s.signature?.format)).toEqual(['SIGSTORE_BUNDLE']);
    });
  });

  describe('when the only signature is a legacy .sig layer', () => {
    it('is shown as SIMPLE_SIGNING with its layer digest, docker reference and chain', async () => {
      const image = await newImage();
      const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
      const dockerReference = `${h.registry.host}/${REPO}`;
      const sig = h.sigstore.signLegacy({ imageDigest: image.digest, dockerReference, identity });
      await pushLegacySignatures(h.target, REPO, image.digest, [sig]);
      const [signature, ...rest] = await storedSignatures(image);
      expect(rest).toEqual([]);
      expect(signature).toMatchObject({
        format: 'SIMPLE_SIGNING',
        digest: sha256Digest(sig.payload),
        dockerReference,
        dockerManifestDigest: image.digest,
        payloadType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        certificate: { subjectAlternativeName: SAN, issuer: ISSUER },
        transparencyLog: { logIndex: String(sig.tlogEntry?.logIndex), kind: 'hashedrekord' },
      });
      expect(signature?.certificate?.chain).toHaveLength(2);
      expect(signature?.timestamps.map((t) => t.kind)).toEqual(['TRANSPARENCY_LOG']);
      const v = await verifyOverGraphQL(h.service, ref(image), POLICY);
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED' });
    });
  });

  describe('when an image carries both formats', () => {
    it('lists every stored signature without any policy', async () => {
      const image = await newImage();
      const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
      const dockerReference = `${h.registry.host}/${REPO}`;
      await pushLegacySignatures(h.target, REPO, image.digest, [
        h.sigstore.signLegacy({ imageDigest: image.digest, dockerReference, identity }),
        h.sigstore.signLegacy({ imageDigest: image.digest, dockerReference, key: generateKeyPair() }),
      ]);
      await pushBundleReferrer(
        h.target,
        REPO,
        image,
        h.sigstore.signBundle({ imageDigest: image.digest, identity }),
      );
      const signatures = await storedSignatures(image);
      expect(signatures.map((s) => s.format).sort()).toEqual([
        'SIGSTORE_BUNDLE',
        'SIMPLE_SIGNING',
        'SIMPLE_SIGNING',
      ]);
      expect(signatures.filter((s) => s.certificate === null)).toHaveLength(1);
      expect(await storedSignatures(await newImage())).toEqual([]);
    });
  });

  describe('when signed with a key (cosign --key)', () => {
    const ALGORITHMS: KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa'];

    for (const algorithm of ALGORITHMS) {
      it(`verifies a ${algorithm} legacy signature with its public key, and not with another`, async () => {
        const image = await newImage();
        const key = generateKeyPair(algorithm);
        const dockerReference = `${h.registry.host}/${REPO}`;
        await pushLegacySignatures(h.target, REPO, image.digest, [
          h.sigstore.signLegacy({ imageDigest: image.digest, dockerReference, key }),
        ]);
        const good = await verifyOverGraphQL(h.service, ref(image), { key: key.publicKeyPem });
        expect(good).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
        expect(good.signatures[0]?.identity).toBeNull();
        const wrong = await verifyOverGraphQL(h.service, ref(image), {
          key: generateKeyPair(algorithm).publicKeyPem,
        });
        expect(wrong).toMatchObject({ verified: false, status: 'FAILED' });
        expect(wrong.signatures[0]?.errors).toEqual([
          { code: 'INVALID_SIGNATURE', message: 'signature verification failed' },
        ]);
      });
    }

    it('verifies a key-signed bundle referrer', async () => {
      const image = await newImage();
      const key = generateKeyPair('ecdsa-p256');
      await pushBundleReferrer(
        h.target,
        REPO,
        image,
        h.sigstore.signBundle({ imageDigest: image.digest, key }),
      );
      const v = await verifyOverGraphQL(h.service, ref(image), { key: key.publicKeyPem });
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED' });
      expect(v.signatures[0]?.signature?.format).toBe('SIGSTORE_BUNDLE');
    });

    it('accepts a signature without a log entry only with ignoreTlog, as --insecure-ignore-tlog', async () => {
      const image = await newImage();
      const key = generateKeyPair('ecdsa-p256');
      const dockerReference = `${h.registry.host}/${REPO}`;
      await pushLegacySignatures(h.target, REPO, image.digest, [
        h.sigstore.signLegacy({ imageDigest: image.digest, dockerReference, key, tlog: 'none' }),
      ]);
      const strict = await verifyOverGraphQL(h.service, ref(image), { key: key.publicKeyPem });
      expect(strict).toMatchObject({ verified: false, status: 'FAILED' });
      expect(signatureCodes(strict)).toEqual(['TLOG_MISSING']);
      const waived = await verifyOverGraphQL(h.service, ref(image), {
        key: key.publicKeyPem,
        ignoreTlog: true,
      });
      expect(waived).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
    });

    it('does not verify a keyless signature under a key policy', async () => {
      const image = await newImage();
      const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
      await pushBundleReferrer(
        h.target,
        REPO,
        image,
        h.sigstore.signBundle({ imageDigest: image.digest, identity }),
      );
      const v = await verifyOverGraphQL(h.service, ref(image), { key: generateKeyPair().publicKeyPem });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(v.signatures[0]?.errors).toEqual([
        {
          code: 'KEY_MISMATCH',
          message: 'signature was made with a certificate, but the policy expects a key',
        },
      ]);
    });
  });
});
