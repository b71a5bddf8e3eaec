import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type VerifierOptions } from '@sigstore/verify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryResult, LegacySignature } from '../../../src/discovery/types.js';
import { verifyDigest, type TrustRoot } from '../../../src/verification/index.js';
import {
  legacyToBundleJson,
  type IssuedCertificate,
  type LegacySignatureArtifact,
  type TestSigstore,
} from '../../support/sigstore/index.js';
import { discovered, legacyDiscovered, servedBundleDiscovered } from './discovered.js';
import {
  codes as codesOf,
  createSigstoreWorld,
  DIGEST,
  IDENTITY,
  ISSUER,
  POLICY,
  REFERENCE,
} from './world.js';

/**
 * Each gap @sigstore/verify leaves, shown twice: first that the library alone accepts (or crashes
 * on) the hostile input — so the test would fail without our fix — then that verifyDigest rejects
 * it cleanly with a code.
 */
let sigstore: TestSigstore;
let trustRoot: TrustRoot;
let identity: IssuedCertificate;

beforeAll(() => {
  ({ sigstore, trustRoot } = createSigstoreWorld());
  identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
});

/** @sigstore/verify on its own, the way a straightforward integration would call it. */
function sigstoreJsAlone(
  artifact: LegacySignatureArtifact,
  policy?: Parameters<Verifier['verify']>[1],
  options: VerifierOptions = {},
) {
  const bundle = bundleFromJSON(legacyToBundleJson(artifact.payload, artifact.annotations));
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), options);
  return verifier.verify(toSignedEntity(bundle, Buffer.from(artifact.payload)), policy);
}

const sign = (signer: IssuedCertificate, extra: Record<string, unknown> = {}) =>
  sigstore.signLegacy({ imageDigest: DIGEST, dockerReference: REFERENCE, identity: signer, ...extra });

describe('gap 1: a string SAN policy is an unanchored regexp in @sigstore/verify', () => {
  const EVIL = 'https://github.com/acme/app-evil/.github/workflows/release.yml@refs/heads/main';

  it('lets @sigstore/verify accept acme/app-evil for the policy "https://github.com/acme/app"', () => {
    const artifact = sign(sigstore.issueCertificate({ san: { uri: EVIL }, issuer: ISSUER }));
    expect(() =>
      sigstoreJsAlone(artifact, {
        subjectAlternativeName: 'https://github.com/acme/app',
        extensions: { issuer: ISSUER },
      }),
    ).not.toThrow();
  });

  it('is an IDENTITY_MISMATCH for us: an exact identity is compared for equality', () => {
    const artifact = sign(sigstore.issueCertificate({ san: { uri: EVIL }, issuer: ISSUER }));
    const result = verifyDigest(
      discovered(DIGEST, [artifact]),
      { certificateIdentity: 'https://github.com/acme/app', certificateOidcIssuer: ISSUER },
      trustRoot,
    );
    expect(result.status).toBe('FAILED');
    expect(result.signatures[0]?.errors).toEqual([
      {
        code: 'IDENTITY_MISMATCH',
        message: `expected SAN value "https://github.com/acme/app", got "${EVIL}"`,
      },
    ]);
  });
});

describe('gap 2: the log entry is not bound to the signing certificate (GHSA-fx35-mq7g-6g98)', () => {
  let artifact: LegacySignatureArtifact;
  beforeAll(() => {
    const other = sigstore.issueCertificate({ san: { email: 'someone-else@example.com' }, issuer: ISSUER });
    artifact = sign(identity, { rekorCertificateOverride: other });
  });

  it('lets @sigstore/verify accept an entry that records another certificate', () => {
    expect(() => sigstoreJsAlone(artifact)).not.toThrow();
  });

  it('is a TLOG_MISMATCH for us', () => {
    const result = verifyDigest(discovered(DIGEST, [artifact]), POLICY, trustRoot);
    expect(result.status).toBe('FAILED');
    expect(codesOf(result)).toEqual(['TLOG_MISMATCH']);
  });

  it('is a TLOG_MISMATCH for a cosign v3 bundle too', () => {
    const other = sigstore.issueCertificate({ san: { email: 'someone-else@example.com' }, issuer: ISSUER });
    const bundle = sigstore.signBundle({ imageDigest: DIGEST, identity, tlogCertificateOverride: other });
    expect(codesOf(verifyDigest(discovered(DIGEST, [bundle]), POLICY, trustRoot))).toEqual(['TLOG_MISMATCH']);
  });
});

describe('gap 3: the codeSigning extended key usage is not checked', () => {
  let artifact: LegacySignatureArtifact;
  beforeAll(() => {
    artifact = sign(
      sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER, codeSigning: false }),
    );
  });

  it('lets @sigstore/verify accept a certificate that is not for code signing', () => {
    expect(() => sigstoreJsAlone(artifact)).not.toThrow();
  });

  it('is a CERTIFICATE_INVALID for us', () => {
    const result = verifyDigest(discovered(DIGEST, [artifact]), POLICY, trustRoot);
    expect(result.signatures[0]?.errors).toEqual([
      {
        code: 'CERTIFICATE_INVALID',
        message: 'certificate is not valid for code signing (extended key usage)',
      },
    ]);
  });
});

describe('gap 4: a signature with no timestamp at all', () => {
  let artifact: LegacySignatureArtifact;
  beforeAll(() => {
    artifact = sign(identity, { tlog: 'none' });
  });

  it('crashes @sigstore/verify with a TypeError when timestamps are not required', () => {
    // The entity a v0.3 bundle with no tlog entry and no TSA token becomes.
    const entity = {
      signature: {
        signature: artifact.signature,
        compareSignature: () => true,
        compareDigest: () => true,
        compareSignedDigest: () => true,
        verifySignature: () => true,
      },
      key: {
        $case: 'certificate' as const,
        certificate: X509Certificate.parse(Buffer.from(identity.certificateDer)),
      },
      tlogEntries: [],
      timestamps: [],
    };
    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
      timestampThreshold: 0,
      tlogThreshold: 0,
    });
    expect(() => verifier.verify(entity)).toThrowError(TypeError);
  });

  it('is a clean TIMESTAMP_MISSING for us, even with the tlog waived', () => {
    const result = verifyDigest(discovered(DIGEST, [artifact]), { ...POLICY, ignoreTlog: true }, trustRoot);
    expect(result.status).toBe('FAILED');
    expect(result.signatures[0]?.errors[0]?.code).toBe('TIMESTAMP_MISSING');
    expect(result.signatures[0]?.errors[0]?.message).toMatch(/^no trusted timestamp/);
  });

  it('is a TLOG_MISSING for us when the tlog is required', () => {
    expect(codesOf(verifyDigest(discovered(DIGEST, [artifact]), POLICY, trustRoot))).toEqual([
      'TLOG_MISSING',
    ]);
  });
});

describe('gap 5: exceptions from parsing untrusted input', () => {
  let good: LegacySignature;
  beforeAll(() => {
    good = legacyDiscovered(sign(identity), DIGEST);
  });

  const hostile: [string, (s: LegacySignature) => LegacySignature][] = [
    ['a signature that is not base64', (s) => ({ ...s, signature: 'not base64 at all!' })],
    [
      'a certificate PEM with garbage inside',
      (s) => ({ ...s, certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }),
    ],
    ['a certificate annotation without PEM', (s) => ({ ...s, certificatePem: 'hello' })],
    [
      'a Rekor body that is not JSON',
      (s) => ({
        ...s,
        rekorBundle: s.rekorBundle && { ...s.rekorBundle, body: Buffer.from('{').toString('base64') },
      }),
    ],
    [
      'a Rekor log id that is not hex',
      (s) => ({ ...s, rekorBundle: s.rekorBundle && { ...s.rekorBundle, logId: 'zz' } }),
    ],
    [
      'an RFC 3161 token of random bytes',
      (s) => ({ ...s, rfc3161Timestamp: Buffer.from('0badc0de', 'hex') }),
    ],
    ['a payload that is not JSON', (s) => ({ ...s, payload: Buffer.from('not json') })],
  ];

  it('shows that the libraries below do throw on such input', () => {
    expect(() => bundleFromJSON({})).toThrow();
    expect(() =>
      bundleFromJSON({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: 7 }),
    ).toThrow();
  });

  it.each(hostile)('turns %s into a failed entry with a code, never an exception', (_name, mutate) => {
    const result = verifyDigest(
      { subjectDigest: DIGEST, signatures: [mutate(good)], problems: [] },
      POLICY,
      trustRoot,
    );
    expect(result.status).toBe('FAILED');
    expect(result.signatures).toHaveLength(1);
    expect(result.signatures[0]?.errors[0]?.code).toMatch(/^[A-Z_]+$/);
    expect(result.signatures[0]?.verified).toBe(false);
  });

  it.each([
    ['an empty object', {}],
    ['null', null],
    ['a string', 'bundle'],
    [
      'wrong field types',
      {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: 7,
        dsseEnvelope: [],
      },
    ],
  ])('turns a bundle that is %s into MALFORMED_SIGNATURE', (_name, bundle) => {
    const result: DiscoveryResult = {
      subjectDigest: DIGEST,
      signatures: [servedBundleDiscovered(bundle, DIGEST)],
      problems: [],
    };
    expect(codesOf(verifyDigest(result, POLICY, trustRoot))).toEqual(['MALFORMED_SIGNATURE']);
  });

  it('still verifies the good signature next to hostile ones', () => {
    const signatures = [...hostile.map(([, mutate]) => mutate(good)), good];
    const result = verifyDigest({ subjectDigest: DIGEST, signatures, problems: [] }, POLICY, trustRoot);
    expect(result.status).toBe('VERIFIED');
    expect(result.signatures.map((s) => s.verified)).toEqual([...hostile.map(() => false), true]);
  });
});
