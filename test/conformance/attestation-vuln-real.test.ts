import { describe, expect, it } from 'vitest';
import { cosignVulnOf } from '../../src/attestations/views/index.js';
import { cosignAttestStatement, readFixture } from './attestation-predicate-fixtures.js';

/**
 * The cosign vuln-scan view over a record Trivy wrote (`trivy image --format cosign-vuln`, from
 * Trivy's documentation) and the example of cosign's own specification (see the NOTICE.md files in
 * attestation-predicates/trivy-cosign-vuln and cosign-vuln-spec), wrapped as `cosign attest --type
 * vuln` wraps them.
 */
const trivy = readFixture('trivy-cosign-vuln/alpine-3.10.cosign-vuln.json');
const spec = readFixture('cosign-vuln-spec/vuln-spec-example.json');
const specPredicate = (spec.json as { predicate: unknown }).predicate;

describe('the files are the ones the NOTICE files describe', () => {
  it.each([
    [trivy, 'f7249f4bde155d4a6fd07810e17ee84439b06bea065b2b9c35da52d6df95be73'],
    [spec, 'a13d292ff94d991ca50f76038816d14d7eefa15a30f43e93c5d3638226b00858'],
  ])('%#', (fixture, sha256) => {
    expect(fixture.sha256).toBe(sha256);
  });
});

describe('Trivy v0.30.1 `--format cosign-vuln` output (alpine:3.10)', () => {
  it('shows the scanner, scan times and the one CRITICAL finding; empty strings are not values', () => {
    expect(cosignVulnOf(cosignAttestStatement('vuln', trivy.json))).toEqual({
      scannerUri: 'pkg:github/aquasecurity/trivy@v0.30.1-8-gf9cb8a28',
      scannerVersion: 'v0.30.1-8-gf9cb8a28',
      // Trivy writes "" for the database and the invocation it does not know.
      dbUri: undefined,
      dbVersion: undefined,
      invocationUri: undefined,
      scanStartedOn: '2022-07-24T17:14:04.864682+09:00',
      scanFinishedOn: '2022-07-24T17:14:04.864682+09:00',
      hasResult: true,
      summary: {
        format: 'trivy',
        findings: 1,
        bySeverity: [{ severity: 'CRITICAL', count: 1 }],
        truncated: false,
      },
    });
  });
});

describe("cosign's COSIGN_VULN_ATTESTATION_SPEC.md example (Trivy 0.19.2, alpine:3.12)", () => {
  const expected = {
    scannerUri: 'pkg:github/aquasecurity/trivy@244fd47e07d1004f0aed9',
    scannerVersion: '0.19.2',
    dbUri: 'pkg:github/aquasecurity/trivy-db/commit/4c76bb580b2736d67751410fa4ab66d2b6b9b27d',
    dbVersion: 'v1-2021080612',
    invocationUri: 'https://github.com/developer-guy/alpine/actions/runs/1071875574',
    scanStartedOn: '2021-08-06T17:45:50.52Z',
    scanFinishedOn: '2021-08-06T17:50:50.52Z',
    hasResult: true,
    // CVE-2021-28831 in busybox and in ssl_client: two findings, both HIGH.
    summary: { format: 'trivy', findings: 2, bySeverity: [{ severity: 'HIGH', count: 2 }], truncated: false },
  };

  it('is read under the predicate type cosign 2.x writes', () => {
    expect(cosignVulnOf(cosignAttestStatement('vuln', specPredicate))).toEqual(expected);
  });

  it('is read under the scheme-less type cosign 1.x wrote (`cosign.sigstore.dev/attestation/vuln/v1`)', () => {
    // cosign added the https:// scheme in v2.0.0 (sigstore/cosign#2717); attestations made by
    // v1.5–v1.13 carry the old type and are still in registries.
    const legacy = {
      ...cosignAttestStatement('vuln', specPredicate),
      predicateType: 'cosign.sigstore.dev/attestation/vuln/v1',
    };
    expect(cosignVulnOf(legacy)).toEqual(expected);
  });
});
