import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDigest, type Policy, type TrustRoot } from '../../../src/verification/index.js';
import {
  type IssuedCertificate,
  type SignBundleOptions,
  type TestSigstore,
} from '../../support/sigstore/index.js';
import { discovered } from './discovered.js';
import { codes, createSigstoreWorld, DIGEST, ISSUER } from './world.js';

/** Signed from a release tag, not main: the policy-rejection test below relies on that. */
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0';
const POLICY: Policy = { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER };

let sigstore: TestSigstore;
let trustRoot: TrustRoot;
let identity: IssuedCertificate;

beforeAll(() => {
  ({ sigstore, trustRoot } = createSigstoreWorld());
  identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
});

type Extra = Partial<Omit<SignBundleOptions, 'identity' | 'key'>>;

function verifyBundle(policy: Policy, extra: Extra = {}, subject = DIGEST) {
  const artifact = sigstore.signBundle({ imageDigest: DIGEST, identity, ...extra });
  return verifyDigest(discovered(subject, [artifact]), policy, trustRoot);
}

describe('a cosign v3 Sigstore bundle attached as a referrer', () => {
  it.each(['proof-and-set', 'proof'] as const)('verifies with a %s tlog entry', (tlog) => {
    const result = verifyBundle(POLICY, tlog === 'proof' ? { tlog, rfc3161: 'main' } : { tlog });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('VERIFIED');
    expect(result.signatures[0]?.identity?.subjectAlternativeName).toBe(IDENTITY);
  });

  it('rejects a v0.3 bundle whose entry has a SET but no inclusion proof, as the bundle spec requires one', () => {
    expect(codes(verifyBundle(POLICY, { tlog: 'set' }))).toEqual(['MALFORMED_SIGNATURE']);
  });

  it('rejects an inclusion proof alone, with no trusted time (TIMESTAMP_MISSING)', () => {
    expect(codes(verifyBundle(POLICY, { tlog: 'proof' }))).toEqual(['TIMESTAMP_MISSING']);
  });

  it('does not count for another digest (DIGEST_MISMATCH, from the verified in-toto subject)', () => {
    expect(codes(verifyBundle(POLICY, {}, `sha256:${'cd'.repeat(32)}`))).toEqual(['DIGEST_MISMATCH']);
  });

  it('rejects an envelope payload swapped after signing', () => {
    const other = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ digest: { sha256: 'ab'.repeat(32) } }],
        predicateType: 'x',
        predicate: {},
      }),
    );
    const result = verifyBundle(POLICY, { payloadOverride: other });
    expect(result.status).toBe('FAILED');
    expect(codes(result)[0]).toMatch(/^(TLOG_MISMATCH|INVALID_SIGNATURE)$/);
  });

  it('does not count an attestation (another predicate type) as a signature', () => {
    const result = verifyBundle(POLICY, { predicateType: 'https://slsa.dev/provenance/v1' });
    expect(result.status).toBe('FAILED');
    expect(result.signatures[0]?.errors).toEqual([
      {
        code: 'MALFORMED_SIGNATURE',
        message:
          'bundle is an attestation (predicateType "https://slsa.dev/provenance/v1"), not a cosign image signature',
      },
    ]);
    expect(result.signatures[0]?.identity?.subjectAlternativeName).toBe(IDENTITY);
  });

  it('rejects an entry from a log the root does not trust', () => {
    expect(codes(verifyBundle(POLICY, { log: 'other' }))).toEqual(['TLOG_INVALID']);
  });

  it('reports the identity when the policy rejects it', () => {
    const result = verifyBundle({
      certificateIdentityRegexp: '^https://github\\.com/acme/app/.*@refs/heads/',
      certificateOidcIssuer: ISSUER,
    });
    expect(result.signatures[0]?.errors).toEqual([
      {
        code: 'IDENTITY_MISMATCH',
        message: `expected SAN value to match regex "^https://github\\.com/acme/app/.*@refs/heads/", got "${IDENTITY}"`,
      },
    ]);
    expect(result.signatures[0]?.identity?.issuer).toBe(ISSUER);
  });
});
