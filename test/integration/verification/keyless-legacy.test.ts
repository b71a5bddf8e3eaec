import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDigest, type Policy, type TrustRoot } from '../../../src/verification/index.js';
import {
  createTestSigstore,
  type IssuedCertificate,
  type SignLegacyOptions,
  type TestSigstore,
} from '../../support/sigstore/index.js';
import { discovered } from './discovered.js';
import { codes, createSigstoreWorld, DIGEST, IDENTITY, ISSUER, POLICY, REFERENCE } from './world.js';

let sigstore: TestSigstore;
let trustRoot: TrustRoot;
let identity: IssuedCertificate;

beforeAll(() => {
  ({ sigstore, trustRoot } = createSigstoreWorld());
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

type Extra = Partial<Omit<SignLegacyOptions, 'identity' | 'key'>>;

function verifyOne(
  policy: Policy,
  extra: Extra = {},
  signer: IssuedCertificate = identity,
  subject = DIGEST,
) {
  const artifact = sigstore.signLegacy({
    imageDigest: DIGEST,
    dockerReference: REFERENCE,
    identity: signer,
    ...extra,
  });
  return verifyDigest(discovered(subject, [artifact]), policy, trustRoot);
}

describe('a keyless legacy (.sig) signature from the test Sigstore', () => {
  describe('when everything is right', () => {
    it('is VERIFIED and reports the signer with its GitHub claims', () => {
      const result = verifyOne(POLICY);
      expect(result.errors).toEqual([]);
      expect(result.status).toBe('VERIFIED');
      expect(result.signatures[0]?.identity).toEqual({
        subjectAlternativeName: IDENTITY,
        issuer: ISSUER,
        githubWorkflowTrigger: 'push',
        githubWorkflowSha: 'c0ffee'.padEnd(40, '0'),
        githubWorkflowName: 'release',
        githubWorkflowRepository: 'acme/app',
        githubWorkflowRef: 'refs/heads/main',
      });
    });

    it('passes GitHub claim and annotation constraints that match', () => {
      const policy: Policy = {
        ...POLICY,
        githubWorkflowRepository: 'acme/app',
        githubWorkflowTrigger: 'push',
        annotations: [{ key: 'env', value: 'prod' }],
      };
      expect(verifyOne(policy, { annotations: { env: 'prod' } }).status).toBe('VERIFIED');
    });

    it('verifies with a TSA timestamp instead of the log when the tlog is waived', () => {
      const result = verifyOne({ ...POLICY, ignoreTlog: true }, { tlog: 'none', rfc3161: 'main' });
      expect(result.errors).toEqual([]);
      expect(result.status).toBe('VERIFIED');
    });
  });

  describe('when the policy does not match the signer', () => {
    it('reports the issuer mismatch with the identity found', () => {
      const result = verifyOne({ ...POLICY, certificateOidcIssuer: 'https://accounts.google.com' });
      expect(result.status).toBe('FAILED');
      expect(result.signatures[0]?.errors).toEqual([
        {
          code: 'ISSUER_MISMATCH',
          message: `expected issuer value "https://accounts.google.com", got "${ISSUER}"`,
        },
      ]);
      expect(result.signatures[0]?.identity?.subjectAlternativeName).toBe(IDENTITY);
    });

    it('reports a regexp identity mismatch', () => {
      const result = verifyOne({
        certificateIdentityRegexp: '^https://github\\.com/other/',
        certificateOidcIssuer: ISSUER,
      });
      expect(codes(result)).toEqual(['IDENTITY_MISMATCH']);
    });

    it('reports a GitHub claim mismatch', () => {
      expect(codes(verifyOne({ ...POLICY, githubWorkflowRef: 'refs/tags/v1' }))).toEqual([
        'GITHUB_CLAIM_MISMATCH',
      ]);
    });

    it('reports a missing annotation', () => {
      expect(codes(verifyOne({ ...POLICY, annotations: [{ key: 'env', value: 'prod' }] }))).toEqual([
        'ANNOTATION_MISMATCH',
      ]);
    });
  });

  describe('when the signature is for another digest', () => {
    it('never counts (DIGEST_MISMATCH)', () => {
      const result = verifyOne(POLICY, {}, identity, `sha256:${'cd'.repeat(32)}`);
      expect(result.status).toBe('FAILED');
      expect(codes(result)).toEqual(['DIGEST_MISMATCH']);
    });
  });

  describe('when the cryptography is wrong', () => {
    it('rejects a payload changed after signing', () => {
      const tampered = Buffer.from(
        JSON.stringify({ critical: { image: { 'docker-manifest-digest': DIGEST } }, optional: { x: 1 } }),
      );
      const result = verifyOne(POLICY, { payloadOverride: tampered });
      expect(result.status).toBe('FAILED');
      expect(codes(result)[0]).toMatch(/^(TLOG_MISMATCH|INVALID_SIGNATURE)$/);
    });

    it('rejects an entry in a log the root does not trust', () => {
      expect(codes(verifyOne(POLICY, { log: 'other' }))).toEqual(['TLOG_INVALID']);
    });

    it('rejects a certificate that had expired when the entry was logged', () => {
      const result = verifyOne(POLICY, { integratedTime: new Date(identity.notAfter.getTime() + 60_000) });
      expect(codes(result)).toEqual(['CERTIFICATE_EXPIRED']);
    });

    it('rejects a certificate from a CA the root does not trust', () => {
      const stranger = createTestSigstore().issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
      expect(codes(verifyOne(POLICY, {}, stranger))).toEqual(['CERTIFICATE_UNTRUSTED']);
    });

    it('rejects a certificate without an SCT unless ignoreSct', () => {
      const noSct = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER, sct: false });
      expect(codes(verifyOne(POLICY, {}, noSct))).toEqual(['SCT_INVALID']);
      expect(verifyOne({ ...POLICY, ignoreSct: true }, {}, noSct).status).toBe('VERIFIED');
    });

    it('requires a transparency log entry unless ignoreTlog', () => {
      expect(codes(verifyOne(POLICY, { tlog: 'none', rfc3161: 'main' }))).toEqual(['TLOG_MISSING']);
    });

    it('rejects a timestamp from an untrusted TSA', () => {
      const result = verifyOne({ ...POLICY, ignoreTlog: true }, { tlog: 'none', rfc3161: 'other' });
      expect(codes(result)).toEqual(['TIMESTAMP_INVALID']);
    });
  });
});
