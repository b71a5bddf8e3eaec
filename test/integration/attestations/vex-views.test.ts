import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import { inTotoStatement, pushBundleReferrer } from '../../support/sigstore/index.js';
import { startHarness, type VerifyGraphHarness } from '../verify-graph/harness.js';

/**
 * `Attestation.openVex` and `Attestation.vulnScan` through GraphQL, from real signed bundle referrers
 * in the real registry. The predicates are hand-written in the shapes of the OpenVEX v0.2.0 spec and
 * cosign's COSIGN_VULN_ATTESTATION_SPEC.md.
 */
const REPO = 'attest/vex-views';
const SAN = 'scanner@example.com';
const ISSUER = 'https://accounts.example.com';
const OPENVEX = 'https://openvex.dev/ns/v0.2.0';
const VULN = 'https://cosign.sigstore.dev/attestation/vuln/v1';

describe('typed OpenVEX and vuln-scan views', () => {
  let h: VerifyGraphHarness;
  let image: BuiltImage;

  beforeAll(async () => {
    h = await startHarness();
    image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage(h.target, REPO, image);
    const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
    const predicates: [string, unknown][] = [
      [
        OPENVEX,
        {
          '@context': 'https://openvex.dev/ns/v0.2.0',
          '@id': 'https://example.com/vex/widget-1',
          author: 'Acme Security',
          timestamp: '2024-05-01T00:00:00Z',
          version: 1,
          statements: [
            {
              vulnerability: { name: 'CVE-2024-1234', aliases: ['GHSA-abcd-efgh-ijkl'] },
              products: [{ '@id': `pkg:oci/widget@${encodeURIComponent(image.digest)}` }],
              status: 'not_affected',
              justification: 'vulnerable_code_not_in_execute_path',
              impact_statement: 'widget never calls the parser',
            },
          ],
        },
      ],
      [
        VULN,
        {
          invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
          scanner: {
            uri: 'pkg:github/aquasecurity/trivy@v0.50.0',
            version: 'v0.50.0',
            db: { uri: 'pkg:github/aquasecurity/trivy-db', version: '2' },
            result: { Results: [{ Vulnerabilities: [{ Severity: 'HIGH' }, { Severity: 'LOW' }] }] },
          },
          metadata: { scanStartedOn: '2024-05-01T10:00:00Z', scanFinishedOn: '2024-05-01T10:00:05Z' },
        },
      ],
    ];
    for (const [predicateType, predicate] of predicates) {
      const statement = inTotoStatement({ subjects: [image.digest], predicateType, predicate });
      await pushBundleReferrer(
        h.target,
        REPO,
        image,
        h.sigstore.signBundle({ imageDigest: image.digest, identity, statement }),
      );
    }
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('each attestation shows its own view and null for the others', async () => {
    type Row = { predicateType: string; provenance: unknown; openVex: unknown; vulnScan: unknown };
    const reply = await h.service.graphql<{ image: { attestations: Row[] } }>(
      `query($ref: String!) { image(ref: $ref) { attestations {
         predicateType
         provenance { slsaVersion }
         openVex { context id author statementCount
           statements { vulnerability aliases status justification impactStatement actionStatement
             products { id subcomponents } } }
         vulnScan { scannerUri scannerVersion dbUri dbVersion scanStartedOn scanFinishedOn hasResult
           summary { format findings truncated bySeverity { severity count } } }
       } } }`,
      { ref: `${h.registry.host}/${REPO}@${image.digest}` },
    );
    expect(reply.errors).toBeUndefined();
    const rows = [...(reply.data?.image.attestations ?? [])].sort((a, b) =>
      a.predicateType.localeCompare(b.predicateType),
    );
    expect(rows).toEqual([
      {
        predicateType: VULN,
        provenance: null,
        openVex: null,
        vulnScan: {
          scannerUri: 'pkg:github/aquasecurity/trivy@v0.50.0',
          scannerVersion: 'v0.50.0',
          dbUri: 'pkg:github/aquasecurity/trivy-db',
          dbVersion: '2',
          scanStartedOn: '2024-05-01T10:00:00Z',
          scanFinishedOn: '2024-05-01T10:00:05Z',
          hasResult: true,
          summary: {
            format: 'trivy',
            findings: 2,
            truncated: false,
            bySeverity: [
              { severity: 'HIGH', count: 1 },
              { severity: 'LOW', count: 1 },
            ],
          },
        },
      },
      {
        predicateType: OPENVEX,
        provenance: null,
        vulnScan: null,
        openVex: {
          context: 'https://openvex.dev/ns/v0.2.0',
          id: 'https://example.com/vex/widget-1',
          author: 'Acme Security',
          statementCount: 1,
          statements: [
            {
              vulnerability: 'CVE-2024-1234',
              aliases: ['GHSA-abcd-efgh-ijkl'],
              status: 'NOT_AFFECTED',
              justification: 'vulnerable_code_not_in_execute_path',
              impactStatement: 'widget never calls the parser',
              actionStatement: null,
              products: [{ id: `pkg:oci/widget@${encodeURIComponent(image.digest)}`, subcomponents: [] }],
            },
          ],
        },
      },
    ]);
  });
});
