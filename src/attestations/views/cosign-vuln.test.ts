import { describe, expect, it } from 'vitest';
import { COSIGN_VULN_PREDICATE_TYPE, cosignVulnOf, MAX_VULN_FINDINGS_COUNTED } from './index.js';

// Predicates below are hand-written in the shape of cosign's COSIGN_VULN_ATTESTATION_SPEC.md (as Trivy's
// `--format cosign-vuln` writes it), with `scanner.result` cut-down Trivy and Grype JSON reports.
const statement = (predicateType: string, predicate: unknown) => ({
  _type: 'https://in-toto.io/Statement/v0.1',
  subject: [],
  predicateType,
  predicate,
});

const predicate = (result: unknown) => ({
  invocation: { parameters: null, uri: 'https://ci.example.com/run/7', event_id: '', 'builder.id': '' },
  scanner: {
    uri: 'pkg:github/aquasecurity/trivy@v0.50.0',
    version: 'v0.50.0',
    db: { uri: 'pkg:github/aquasecurity/trivy-db/commit/4c76bb5', version: 'v2' },
    result,
  },
  metadata: { scanStartedOn: '2024-03-01T10:00:00Z', scanFinishedOn: '2024-03-01T10:00:09Z' },
});

describe('cosign vuln scan view', () => {
  it('reads scanner, database and times, and counts a Trivy report by severity', () => {
    const trivy = {
      SchemaVersion: 2,
      Results: [
        {
          Target: 'alpine',
          Vulnerabilities: [{ Severity: 'HIGH' }, { Severity: 'CRITICAL' }, { Severity: 'HIGH' }],
        },
        { Target: 'app', Vulnerabilities: null },
        { Target: 'lib', Vulnerabilities: [{ Severity: 'low' }, {}] },
      ],
    };
    expect(cosignVulnOf(statement(COSIGN_VULN_PREDICATE_TYPE, predicate(trivy)))).toEqual({
      scannerUri: 'pkg:github/aquasecurity/trivy@v0.50.0',
      scannerVersion: 'v0.50.0',
      dbUri: 'pkg:github/aquasecurity/trivy-db/commit/4c76bb5',
      dbVersion: 'v2',
      invocationUri: 'https://ci.example.com/run/7',
      scanStartedOn: '2024-03-01T10:00:00Z',
      scanFinishedOn: '2024-03-01T10:00:09Z',
      hasResult: true,
      summary: {
        format: 'trivy',
        findings: 5,
        bySeverity: [
          { severity: 'HIGH', count: 2 },
          { severity: 'CRITICAL', count: 1 },
          { severity: 'LOW', count: 1 },
          { severity: 'UNKNOWN', count: 1 },
        ],
        truncated: false,
      },
    });
  });

  it('counts a Grype report, and has no summary for a result of another shape or none', () => {
    const grype = { matches: [{ vulnerability: { id: 'CVE-1', severity: 'Medium' } }] };
    expect(cosignVulnOf(statement(COSIGN_VULN_PREDICATE_TYPE, predicate(grype)))?.summary).toEqual({
      format: 'grype',
      findings: 1,
      bySeverity: [{ severity: 'MEDIUM', count: 1 }],
      truncated: false,
    });
    const other = cosignVulnOf(statement(COSIGN_VULN_PREDICATE_TYPE, predicate({ anything: 1 })));
    expect(other?.hasResult).toBe(true);
    expect(other?.summary).toBeUndefined();
    const none = cosignVulnOf(statement(COSIGN_VULN_PREDICATE_TYPE, predicate(null)));
    expect(none?.hasResult).toBe(false);
    expect(none?.summary).toBeUndefined();
  });

  it('stops counting at the cap and says the counts are partial', () => {
    const matches = Array.from({ length: MAX_VULN_FINDINGS_COUNTED + 3 }, () => ({
      vulnerability: { severity: 'Low' },
    }));
    const summary = cosignVulnOf(statement(COSIGN_VULN_PREDICATE_TYPE, predicate({ matches })))?.summary;
    expect(summary?.findings).toBe(MAX_VULN_FINDINGS_COUNTED);
    expect(summary?.truncated).toBe(true);
  });

  it('is undefined for other predicate types and non-object predicates; bad fields are undefined', () => {
    expect(
      cosignVulnOf(statement('https://cosign.sigstore.dev/attestation/vuln/v2', predicate({}))),
    ).toBeUndefined();
    expect(
      cosignVulnOf(statement('http://cosign.sigstore.dev/attestation/vuln/v1', predicate({}))),
    ).toBeUndefined();
    // The scheme-less type is cosign 1.x's own spelling, not another type (see cosign-vuln.ts).
    expect(cosignVulnOf(statement('cosign.sigstore.dev/attestation/vuln/v1', predicate({})))).toBeDefined();
    expect(cosignVulnOf(statement(COSIGN_VULN_PREDICATE_TYPE, []))).toBeUndefined();
    expect(cosignVulnOf(statement(COSIGN_VULN_PREDICATE_TYPE, 'x'))).toBeUndefined();
    const view = cosignVulnOf(
      statement(COSIGN_VULN_PREDICATE_TYPE, { scanner: { uri: 5, db: 'x', version: 'y'.repeat(3000) } }),
    );
    expect(view).toEqual({
      scannerUri: undefined,
      scannerVersion: undefined,
      dbUri: undefined,
      dbVersion: undefined,
      invocationUri: undefined,
      scanStartedOn: undefined,
      scanFinishedOn: undefined,
      hasResult: false,
      summary: undefined,
    });
  });
});
