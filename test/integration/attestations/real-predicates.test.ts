import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import { pushLegacyAttestations } from '../../support/sigstore/index.js';
import {
  cosignAttestStatement,
  copyOf,
  readFixture,
  type StatementSubject,
} from '../../conformance/attestation-predicate-fixtures.js';
import { startHarness, type VerifyGraphHarness } from '../verify-graph/harness.js';
import { verifyAttestation } from './queries.js';

/**
 * The real documents of test/conformance/attestation-predicates/ end to end: attested as `cosign
 * attest --type <t>` stores them (signed `.att` layers by the test Sigstore) in the real registry,
 * verified, and read through GraphQL as typed views — and one of them mistyped, answered with a
 * MALFORMED_PREDICATE field error naming the field. The views' details are pinned in
 * test/conformance/attestation-*-real.test.ts; this checks that the same facts reach a client.
 */
const REPO = 'attest/real-predicates';
const SAN = 'release@example.com';
const ISSUER = 'https://accounts.example.com';

const QUERY = `query($ref: String!) { image(ref: $ref) { attestations {
  predicateType
  sbom { format specVersion componentCount truncated
    components(first: 5, nameContains: "spdx-") { totalCount items { name version purl licenses } } }
  provenance { slsaVersion builderId sourceRepository sourceRef sourceDigest workflow trigger invocationId }
  openVex { context author version statementCount
    statements { vulnerability aliases status justification timestamp products { id purl cpe } } }
  vulnScan { scannerUri scannerVersion dbUri scanStartedOn summary { format findings bySeverity { severity count } } }
} } }`;

interface Row {
  predicateType: string;
  sbom: unknown;
  provenance: unknown;
  openVex: unknown;
  vulnScan: unknown;
}

describe('real attestation predicates through the registry and GraphQL', () => {
  let h: VerifyGraphHarness;
  let image: BuiltImage;
  let broken: BuiltImage;
  const ref = (digest: string) => `${h.registry.host}/${REPO}@${digest}`;

  beforeAll(async () => {
    h = await startHarness();
    image = buildImage({ os: 'linux', architecture: 'amd64' });
    broken = buildImage({ os: 'linux', architecture: 'arm64' });
    await pushImage(h.target, REPO, image);
    await pushImage(h.target, REPO, broken);
    const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
    const attest = (digest: string, statements: unknown[]) =>
      pushLegacyAttestations(
        h.target,
        REPO,
        digest,
        statements.map((s) =>
          h.sigstore.signLegacyAttestation({ statement: Buffer.from(JSON.stringify(s)), identity }),
        ),
      );
    const subject = (digest: string): StatementSubject => ({ name: `${h.registry.host}/${REPO}`, digest });
    const provenance = readFixture('slsa-github-actions-buildtype/workflow-v1-example.json').json as {
      predicate: unknown;
    };
    await attest(image.digest, [
      cosignAttestStatement('spdxjson', readFixture('npm-sbom/spdx-2.3.json').json, subject(image.digest)),
      cosignAttestStatement(
        'cyclonedx',
        readFixture('cyclonedx-npm/cyclonedx-1.6.json').json,
        subject(image.digest),
      ),
      cosignAttestStatement('slsaprovenance1', provenance.predicate, subject(image.digest)),
      cosignAttestStatement(
        'openvex',
        readFixture('openvex-spec/v0.2.0-spring-boot-log4shell.json').json,
        subject(image.digest),
      ),
      cosignAttestStatement(
        'vuln',
        readFixture('trivy-cosign-vuln/alpine-3.10.cosign-vuln.json').json,
        subject(image.digest),
      ),
    ]);
    // npm's SPDX with its spec version written as a number, as a hand-edited document might have it.
    const mistyped = copyOf(readFixture('npm-sbom/spdx-2.3.json').json) as Record<string, unknown>;
    mistyped['spdxVersion'] = 2.3;
    await attest(broken.digest, [cosignAttestStatement('spdxjson', mistyped, subject(broken.digest))]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('verifies each as cosign verify-attestation --type would', async () => {
    for (const type of ['spdxjson', 'cyclonedx', 'slsaprovenance1', 'openvex', 'vuln']) {
      const verification = await verifyAttestation(
        h.service,
        ref(image.digest),
        { certificateIdentity: SAN, certificateOidcIssuer: ISSUER },
        type,
      );
      expect(verification, type).toMatchObject({ verified: true, status: 'VERIFIED' });
    }
  });

  it('shows each as its typed view, with the facts the tools and specs wrote', async () => {
    const reply = await h.service.graphql<{ image: { attestations: Row[] } }>(QUERY, {
      ref: ref(image.digest),
    });
    expect(reply.errors).toBeUndefined();
    const byType = new Map(reply.data!.image.attestations.map((a) => [a.predicateType, a]));
    expect(byType.size).toBe(5);
    const spdxPackages = {
      totalCount: 3,
      items: [
        {
          name: 'spdx-exceptions',
          version: '2.5.0',
          purl: 'pkg:npm/spdx-exceptions@2.5.0',
          licenses: ['CC-BY-3.0'],
        },
        {
          name: 'spdx-expression-parse',
          version: '4.0.0',
          purl: 'pkg:npm/spdx-expression-parse@4.0.0',
          licenses: ['MIT'],
        },
        {
          name: 'spdx-license-ids',
          version: '3.0.24',
          purl: 'pkg:npm/spdx-license-ids@3.0.24',
          licenses: ['CC0-1.0'],
        },
      ],
    };
    expect(byType.get('https://spdx.dev/Document')).toMatchObject({
      sbom: {
        format: 'SPDX',
        specVersion: 'SPDX-2.3',
        componentCount: 26,
        truncated: false,
        components: spdxPackages,
      },
      provenance: null,
    });
    expect(byType.get('https://cyclonedx.org/bom')).toMatchObject({
      sbom: {
        format: 'CYCLONEDX',
        specVersion: '1.6',
        componentCount: 25,
        truncated: false,
        components: {
          totalCount: 3,
          // In document order: cyclonedx-npm lists spdx-expression-parse before its dependencies.
          items: expect.arrayContaining(spdxPackages.items) as unknown,
        },
      },
    });
    expect(byType.get('https://slsa.dev/provenance/v1')?.provenance).toEqual({
      slsaVersion: 'v1',
      builderId:
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v0.0.1',
      sourceRepository: 'https://github.com/octocat/hello-world',
      sourceRef: 'refs/heads/main',
      sourceDigest: 'c27d339ee6075c1f744c5d4b200f7901aad2c369',
      workflow: '.github/workflow/release.yml',
      trigger: 'workflow_dispatch',
      invocationId: 'https://github.com/octocat/hello-world/actions/runs/1536140711/attempts/1',
    });
    expect(byType.get('https://openvex.dev/ns')?.openVex).toEqual({
      context: 'https://openvex.dev/ns/v0.2.0',
      author: 'Spring Builds <spring-builds@users.noreply.github.com>',
      version: 1,
      statementCount: 1,
      statements: [
        {
          vulnerability: 'CVE-2021-44228',
          aliases: ['GHSA-jfh8-c2jp-5v3q'],
          status: 'NOT_AFFECTED',
          justification: 'vulnerable_code_not_in_execute_path',
          timestamp: '2023-01-16T19:07:16.853479631-06:00',
          products: [
            {
              id: 'pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3',
              purl: 'pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3',
              cpe: null,
            },
          ],
        },
      ],
    });
    expect(byType.get('https://cosign.sigstore.dev/attestation/vuln/v1')?.vulnScan).toEqual({
      scannerUri: 'pkg:github/aquasecurity/trivy@v0.30.1-8-gf9cb8a28',
      scannerVersion: 'v0.30.1-8-gf9cb8a28',
      dbUri: null,
      scanStartedOn: '2022-07-24T17:14:04.864682+09:00',
      summary: { format: 'trivy', findings: 1, bySeverity: [{ severity: 'CRITICAL', count: 1 }] },
    });
  });

  it('answers the mistyped document with MALFORMED_PREDICATE naming the field, and still verifies it', async () => {
    const reply = await h.service.graphql<{ image: { attestations: Row[] } }>(QUERY, {
      ref: ref(broken.digest),
    });
    expect(reply.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^attestation sha256:[0-9a-f]{64} \(https:\/\/spdx\.dev\/Document\): predicate\.spdxVersion is a number, not "SPDX-2\.x"/,
        ) as unknown,
        path: ['image', 'attestations', 0, 'sbom'],
        extensions: expect.objectContaining({ code: 'MALFORMED_PREDICATE' }) as unknown,
      }),
    ]);
    expect(reply.data?.image.attestations).toEqual([
      {
        predicateType: 'https://spdx.dev/Document',
        sbom: null,
        provenance: null,
        openVex: null,
        vulnScan: null,
      },
    ]);
    // What it claims is unreadable; that it was signed by whom is still true.
    const verification = await verifyAttestation(
      h.service,
      ref(broken.digest),
      { certificateIdentity: SAN, certificateOidcIssuer: ISSUER },
      'spdxjson',
    );
    expect(verification).toMatchObject({ verified: true, status: 'VERIFIED' });
  });
});
