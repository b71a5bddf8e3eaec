import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../../../test/support/paths.js';
import { createTestSigstore, FULCIO_OID, githubBuildClaims } from '../../../test/support/sigstore/index.js';
import { FULCIO_CLAIMS, NO_FULCIO_CLAIMS } from '../fulcio-claims.js';
import { describeCertificate } from './describe-certificate.js';
import { pemCertificatesToDer } from './pem.js';

const REAL = join(
  CONFORMANCE_DIR,
  'cosign-real/containers-image/extracted/dir-img-cosign-fulcio-rekor-valid',
);
const sigstore = createTestSigstore();
const ISSUER = 'https://token.actions.githubusercontent.com';
const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';

describe('describeCertificate', () => {
  describe('on a real public-good Fulcio certificate', () => {
    const description = describeCertificate(readFileSync(`${REAL}/certificate.pem`, 'utf8'));

    it('reads the e-mail SAN and the v1 issuer extension', () => {
      expect(description.subjectAlternativeName).toBe('mitr@redhat.com');
      expect(description.subjectAlternativeNames).toEqual(['mitr@redhat.com']);
      expect(description.issuer).toBe('https://github.com/login/oauth');
    });

    it('reads serial, validity and issuing CA', () => {
      expect(description.serialNumber).toBe('633786D5307408AA2016F8652253AADA9A82DC3C');
      expect(description.notBefore.toISOString()).toBe('2023-01-20T20:51:31.000Z');
      expect(description.notAfter.toISOString()).toBe('2023-01-20T21:01:31.000Z');
      expect(description.issuerName).toBe('O=sigstore.dev, CN=sigstore-intermediate');
    });

    it('returns the certificate re-encoded as PEM with the same DER', () => {
      const original = pemCertificatesToDer(readFileSync(`${REAL}/certificate.pem`, 'utf8'));
      expect(pemCertificatesToDer(description.pem)).toEqual(original);
    });
  });

  describe('on a GitHub Actions certificate', () => {
    const github = {
      workflowTrigger: 'push',
      workflowSha: 'c0ffee'.padEnd(40, '0'),
      workflowName: 'release',
      workflowRepository: 'acme/app',
      workflowRef: 'refs/heads/main',
    };

    it('reads every GitHub claim', () => {
      const cert = sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER, github });
      expect(describeCertificate(cert.certificatePem)).toMatchObject({
        subjectAlternativeName: SAN,
        issuer: ISSUER,
        githubWorkflowTrigger: 'push',
        githubWorkflowSha: github.workflowSha,
        githubWorkflowName: 'release',
        githubWorkflowRepository: 'acme/app',
        githubWorkflowRef: 'refs/heads/main',
      });
    });

    it.each(['v1', 'v2'] as const)(
      'reads the issuer when only the %s extension is present',
      (issuerExtensions) => {
        const cert = sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER, issuerExtensions });
        expect(describeCertificate(cert.certificatePem).issuer).toBe(ISSUER);
      },
    );
  });

  describe("on a certificate with Fulcio's provider-generic claims (.1.9–.1.24)", () => {
    const claims = githubBuildClaims({
      repo: 'acme/app',
      ref: 'refs/tags/v1.2.3',
      sha: 'c0ffee'.padEnd(40, '1'),
      visibility: 'private',
    });
    const cert = sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER, buildClaims: claims });

    it('reads every claim, each from its own OID', () => {
      const description = describeCertificate(cert.certificatePem);
      expect(description).toMatchObject(claims);
      // Every claim in the table was written and read: none was silently skipped.
      for (const { field } of FULCIO_CLAIMS) expect(description[field], field).toBe(claims[field]);
    });

    it('agrees with the test Fulcio on which OID holds which claim', () => {
      for (const { field, oid } of FULCIO_CLAIMS) expect(FULCIO_OID[field], field).toBe(oid);
    });

    it('reads undefined for every claim of a certificate without them', () => {
      const plain = sigstore.issueCertificate({ san: { email: 'a@example.com' }, issuer: ISSUER });
      expect(describeCertificate(plain.certificatePem)).toMatchObject(NO_FULCIO_CLAIMS);
    });

    it('reads a malformed claim as undefined and still reads the others', () => {
      const broken = sigstore.issueCertificate({
        san: { uri: SAN },
        issuer: ISSUER,
        buildClaims: { ...claims, sourceRepositoryRef: undefined },
        // Raw bytes (the legacy .1.1–.1.6 encoding) where a DER string belongs.
        rawExtensions: {
          [FULCIO_OID.sourceRepositoryRef]: Buffer.from('refs/heads/evil'),
        },
      });
      const description = describeCertificate(broken.certificatePem);
      expect(description.sourceRepositoryRef).toBeUndefined();
      expect(description.sourceRepositoryUri).toBe('https://github.com/acme/app');
      expect(description.issuer).toBe(ISSUER);
    });
  });

  it('throws on text without a certificate', () => {
    expect(() => describeCertificate('no certificate here')).toThrowError(/no PEM certificate/);
  });
});

describe('pemCertificatesToDer', () => {
  it('reads a chain in order and ignores text around the blocks', () => {
    const chain = readFileSync(`${REAL}/chain.pem`, 'utf8');
    expect(pemCertificatesToDer(`junk\n${chain}\ntrailer`)).toHaveLength(2);
  });

  it('caps an absurdly long chain', () => {
    const one = readFileSync(`${REAL}/certificate.pem`, 'utf8');
    expect(pemCertificatesToDer(one.repeat(50))).toHaveLength(10);
  });
});
