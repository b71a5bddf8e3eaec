import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import {
  COSIGN_SIGN_PREDICATE_TYPE,
  pushBundleReferrer,
  pushLegacySignatures,
  type IssueCertificateOptions,
  type SignBundleOptions,
  type SignLegacyOptions,
} from '../../support/sigstore/index.js';
import {
  startHarness,
  verifyOverGraphQL,
  type PolicyVariables,
  type VerificationIssueReply,
  type VerifyGraphHarness,
} from './harness.js';

/**
 * Certificate validity, SCTs, RFC 3161 timestamps and the bundle format's own variants of the log
 * checks, each through GraphQL with the exact code and message the service gives. A signature either
 * verifies (`expected: 'VERIFIED'`) or is the only entry, rejected with exactly `errors`.
 */
const REPO = 'certs/app';
const SAN = 'builder@example.com';
const ISSUER = 'https://accounts.example.com';
const POLICY = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };
const HOUR = 3600_000;

type Outcome = 'VERIFIED' | readonly VerificationIssueReply[];
interface Case {
  readonly when: string;
  readonly then: string;
  readonly certificate?: Partial<IssueCertificateOptions>;
  readonly legacy?: Pick<SignLegacyOptions, 'integratedTime' | 'tlog' | 'rfc3161' | 'timestampedAt'>;
  readonly bundle?: Pick<SignBundleOptions, 'tlog' | 'log' | 'rfc3161' | 'predicateType'> & {
    readonly fallback?: 'spec' | 'ggcr';
    /** The log entry records a freshly issued certificate instead of the signer's. */
    readonly otherTlogCertificate?: true;
  };
  readonly policy?: PolicyVariables;
  readonly expected: Outcome;
}

const EXPIRED = {
  code: 'CERTIFICATE_EXPIRED',
  message: 'Failed to verify certificate chain: certificate is not valid or expired at the specified date',
};
const NO_TIMESTAMP = {
  code: 'TIMESTAMP_MISSING',
  message:
    'no trusted timestamp (no Rekor SET with integrated time, no RFC 3161 timestamp) to check the certificate against',
};

const CASES: readonly Case[] = [
  {
    when: 'the log entry was integrated after the certificate expired',
    then: 'is CERTIFICATE_EXPIRED',
    legacy: { integratedTime: new Date(Date.now() + HOUR) },
    expected: [EXPIRED],
  },
  {
    when: 'the certificate has no embedded SCT',
    then: 'is SCT_INVALID',
    certificate: { sct: false },
    expected: [{ code: 'SCT_INVALID', message: 'expected 1 SCTs, got 0' }],
  },
  {
    when: 'the certificate has no embedded SCT and the policy says ignoreSct',
    then: 'verifies, as --insecure-ignore-sct',
    certificate: { sct: false },
    policy: { ignoreSct: true },
    expected: 'VERIFIED',
  },
  {
    when: 'the certificate carries only the deprecated v1 issuer extension',
    then: 'verifies, reading the issuer from it',
    certificate: { issuerExtensions: 'v1' },
    expected: 'VERIFIED',
  },
  {
    when: 'a trusted TSA timestamp stands in for an ignored transparency log',
    then: 'verifies',
    legacy: { tlog: 'none', rfc3161: 'main' },
    policy: { ignoreTlog: true },
    expected: 'VERIFIED',
  },
  {
    when: 'the only timestamp comes from a TSA absent from the trusted root',
    then: 'is TIMESTAMP_INVALID',
    legacy: { tlog: 'none', rfc3161: 'other' },
    policy: { ignoreTlog: true },
    expected: [{ code: 'TIMESTAMP_INVALID', message: 'timestamp could not be verified' }],
  },
  {
    when: 'the trusted TSA dates the signature after the certificate expired',
    then: 'is CERTIFICATE_EXPIRED',
    legacy: { tlog: 'none', rfc3161: 'main', timestampedAt: new Date(Date.now() + HOUR) },
    policy: { ignoreTlog: true },
    expected: [EXPIRED],
  },
  {
    when: 'a bundle has an inclusion proof but no SET and no TSA timestamp (Rekor v2 style)',
    then: 'is TIMESTAMP_MISSING',
    bundle: { tlog: 'proof' },
    expected: [NO_TIMESTAMP],
  },
  {
    when: 'a bundle has an inclusion proof and a trusted TSA timestamp',
    then: 'verifies',
    bundle: { tlog: 'proof', rfc3161: 'main' },
    expected: 'VERIFIED',
  },
  {
    when: 'a bundle was logged in a log absent from the trusted root',
    then: 'is TLOG_INVALID',
    bundle: { log: 'other' },
    expected: [{ code: 'TLOG_INVALID', message: 'inclusion promise could not be verified' }],
  },
  {
    when: 'the DSSE log entry of a bundle names another certificate',
    then: 'is TLOG_MISMATCH',
    bundle: { otherTlogCertificate: true },
    expected: [
      {
        code: 'TLOG_MISMATCH',
        message:
          'transparency log entry does not record the signing certificate (comparing public key PEMs failed)',
      },
    ],
  },
  {
    when: 'the referrers fallback index describes the bundle as go-containerregistry writes it',
    then: 'still finds and verifies it',
    bundle: { fallback: 'ggcr' },
    expected: 'VERIFIED',
  },
];

describe('certificates, timestamps and bundle log entries, through GraphQL', () => {
  let h: VerifyGraphHarness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function sign(image: BuiltImage, c: Case): Promise<void> {
    const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER, ...c.certificate });
    if (c.bundle === undefined) {
      const dockerReference = `${h.registry.host}/${REPO}`;
      const sig = h.sigstore.signLegacy({
        imageDigest: image.digest,
        dockerReference,
        identity,
        ...c.legacy,
      });
      await pushLegacySignatures(h.target, REPO, image.digest, [sig]);
      return;
    }
    const { fallback, otherTlogCertificate, ...options } = c.bundle;
    const bundle = h.sigstore.signBundle({
      imageDigest: image.digest,
      identity,
      ...options,
      ...(otherTlogCertificate === undefined
        ? {}
        : { tlogCertificateOverride: h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER }) }),
    });
    await pushBundleReferrer(h.target, REPO, image, bundle, fallback === undefined ? {} : { fallback });
  }

  for (const c of CASES) {
    describe(`when ${c.when}`, () => {
      it(c.then, async () => {
        const image = buildImage({ os: 'linux', architecture: 'amd64' });
        await pushImage(h.target, REPO, image);
        await sign(image, c);
        const v = await verifyOverGraphQL(h.service, `${h.registry.host}/${REPO}@${image.digest}`, {
          ...POLICY,
          ...c.policy,
        });
        expect(v.signatures).toHaveLength(1);
        expect(v.signatures[0]?.signature?.format).toBe(
          c.bundle === undefined ? 'SIMPLE_SIGNING' : 'SIGSTORE_BUNDLE',
        );
        if (c.expected === 'VERIFIED') {
          expect(v).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
          expect(v.signatures[0]?.identity).toMatchObject({ subjectAlternativeName: SAN, issuer: ISSUER });
        } else {
          expect(v).toMatchObject({ verified: false, status: 'FAILED' });
          expect(v.signatures[0]?.verified).toBe(false);
          expect(v.signatures[0]?.errors).toEqual(c.expected);
        }
      });
    });
  }

  describe('when an attestation and a signature by the same signer are both attached', () => {
    it('is VERIFIED by the signature alone', async () => {
      const image = buildImage({ os: 'linux', architecture: 'amd64' });
      await pushImage(h.target, REPO, image);
      const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
      const predicateType = 'https://spdx.dev/Document';
      await pushBundleReferrer(
        h.target,
        REPO,
        image,
        h.sigstore.signBundle({ imageDigest: image.digest, identity, predicateType }),
      );
      await pushBundleReferrer(
        h.target,
        REPO,
        image,
        h.sigstore.signBundle({ imageDigest: image.digest, identity }),
      );
      const v = await verifyOverGraphQL(h.service, `${h.registry.host}/${REPO}@${image.digest}`, POLICY);
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED' });
      // The attestation is not a signature at all: not even a failed entry.
      expect(v.signatures).toHaveLength(1);
      expect(v.signatures[0]?.verified).toBe(true);
    });
  });

  describe('when the only referrer is an attestation by the trusted signer', () => {
    it('is UNSIGNED, since only the cosign sign predicate makes a bundle a signature', async () => {
      const image = buildImage({ os: 'linux', architecture: 'amd64' });
      await pushImage(h.target, REPO, image);
      const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
      const predicateType = 'https://slsa.dev/provenance/v1';
      await pushBundleReferrer(
        h.target,
        REPO,
        image,
        h.sigstore.signBundle({ imageDigest: image.digest, identity, predicateType }),
      );
      const v = await verifyOverGraphQL(h.service, `${h.registry.host}/${REPO}@${image.digest}`, POLICY);
      expect(v).toMatchObject({
        verified: false,
        status: 'UNSIGNED',
        errors: [{ code: 'NO_SIGNATURES', message: 'no signatures found' }],
      });
      expect(v.signatures).toEqual([]);
    });
  });

  describe('when a cosign v3 signature statement has no predicate field', () => {
    it('verifies, as cosign writes it', async () => {
      const image = buildImage({ os: 'linux', architecture: 'amd64' });
      await pushImage(h.target, REPO, image);
      const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
      const [algorithm, hex] = image.digest.split(':') as [string, string];
      const statement = Buffer.from(
        JSON.stringify({
          _type: 'https://in-toto.io/Statement/v1',
          subject: [{ digest: { [algorithm]: hex } }],
          predicateType: COSIGN_SIGN_PREDICATE_TYPE,
        }),
      );
      const bundle = h.sigstore.signBundle({ imageDigest: image.digest, identity, statement });
      await pushBundleReferrer(h.target, REPO, image, bundle);
      const v = await verifyOverGraphQL(h.service, `${h.registry.host}/${REPO}@${image.digest}`, POLICY);
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
      expect(v.signatures).toHaveLength(1);
    });
  });
});
