import { beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryResult } from '../../../src/discovery/types.js';
import { PolicyError, verifyDigest, type TrustRoot } from '../../../src/verification/index.js';
import type { IssuedCertificate, TestSigstore } from '../../support/sigstore/index.js';
import { discovered } from './discovered.js';
import { createSigstoreWorld, DIGEST, IDENTITY as ALICE, ISSUER, POLICY, REFERENCE } from './world.js';

let sigstore: TestSigstore;
let trustRoot: TrustRoot;
let alice: IssuedCertificate;
let mallory: IssuedCertificate;

beforeAll(() => {
  ({ sigstore, trustRoot } = createSigstoreWorld());
  alice = sigstore.issueCertificate({ san: { uri: ALICE }, issuer: ISSUER });
  mallory = sigstore.issueCertificate({
    san: { email: 'mallory@example.com' },
    issuer: 'https://accounts.google.com',
  });
});

const legacy = (identity: IssuedCertificate, imageDigest = DIGEST) =>
  sigstore.signLegacy({ imageDigest, dockerReference: REFERENCE, identity });

describe('verifyDigest', () => {
  describe('when there are no signatures and no discovery problems', () => {
    it('is UNSIGNED with NO_SIGNATURES', () => {
      const result = verifyDigest({ subjectDigest: DIGEST, signatures: [], problems: [] }, POLICY, trustRoot);
      expect(result).toEqual({
        digest: DIGEST,
        verified: false,
        status: 'UNSIGNED',
        errors: [{ code: 'NO_SIGNATURES', message: 'no signatures found' }],
        signatures: [],
        inheritedFrom: undefined,
      });
    });
  });

  describe('when discovery could not read some signatures', () => {
    const problems: DiscoveryResult['problems'] = [
      {
        code: 'TOO_MANY_SIGNATURES',
        message: 'more than 1000 signature layers',
        source: 'sha256:' + '1'.repeat(64),
      },
      { code: 'PAYLOAD_TOO_LARGE', message: 'payload larger than 1048576 bytes', source: undefined },
    ];

    it('is FAILED, not UNSIGNED, and lists each problem as a failed entry with its code', () => {
      const result = verifyDigest({ subjectDigest: DIGEST, signatures: [], problems }, POLICY, trustRoot);
      expect(result.status).toBe('FAILED');
      expect(result.signatures.map((s) => [s.signature, s.verified, s.errors[0]?.code])).toEqual([
        [undefined, false, 'TOO_MANY_SIGNATURES'],
        [undefined, false, 'PAYLOAD_TOO_LARGE'],
      ]);
      expect(result.signatures[0]?.errors[0]?.message).toContain('sha256:' + '1'.repeat(64));
    });

    it('is still VERIFIED when another signature passes, reporting the problem too', () => {
      const result = verifyDigest({ ...discovered(DIGEST, [legacy(alice)]), problems }, POLICY, trustRoot);
      expect(result.status).toBe('VERIFIED');
      expect(result.signatures).toHaveLength(3);
    });
  });

  describe('when several signatures are present', () => {
    it('is VERIFIED if one passes, and reports every outcome with its identity', () => {
      const result = verifyDigest(discovered(DIGEST, [legacy(mallory), legacy(alice)]), POLICY, trustRoot);
      expect(result.status).toBe('VERIFIED');
      expect(result.verified).toBe(true);
      expect(result.errors).toEqual([]);
      expect(result.signatures.map((s) => [s.verified, s.identity?.subjectAlternativeName])).toEqual([
        [false, 'mallory@example.com'],
        [true, ALICE],
      ]);
    });

    it('aggregates failures like cosign: a summary, then each distinct reason once', () => {
      const result = verifyDigest(
        discovered(DIGEST, [legacy(mallory), legacy(mallory), legacy(alice, `sha256:${'cd'.repeat(32)}`)]),
        POLICY,
        trustRoot,
      );
      expect(result.status).toBe('FAILED');
      const reasons = [
        'expected issuer value "https://token.actions.githubusercontent.com", got "https://accounts.google.com"',
        `expected SAN value "${ALICE}", got "mallory@example.com"`,
        `invalid or missing digest in claim: sha256:${'cd'.repeat(32)}`,
      ];
      expect(result.errors).toEqual([
        { code: 'NO_MATCHING_SIGNATURES', message: `no matching signatures: ${reasons.join('\n ')}` },
        { code: 'ISSUER_MISMATCH', message: reasons[0] },
        { code: 'IDENTITY_MISMATCH', message: reasons[1] },
        { code: 'DIGEST_MISMATCH', message: reasons[2] },
      ]);
      expect(result.signatures).toHaveLength(3);
    });
  });

  it('refuses an invalid policy with PolicyError instead of verifying anything', () => {
    expect(() =>
      verifyDigest(discovered(DIGEST, [legacy(alice)]), { certificateIdentity: ALICE }, trustRoot),
    ).toThrowError(PolicyError);
  });
});
