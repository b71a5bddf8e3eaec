import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../../src/telemetry/index.js';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import { inTotoStatement, pushBundleReferrer, pushLegacyAttestations } from '../../support/sigstore/index.js';
import { startHarness, type VerifyGraphHarness } from '../verify-graph/harness.js';
import { verifyAttestation } from './queries.js';

/**
 * `Attestation.sbom` end to end: a CycloneDX 1.5 BOM attested as cosign v3 / GitHub's attest action
 * store it (a signed Sigstore bundle referrer) and an SPDX 2.3 document as `cosign attest` stores it
 * (a signed `.att` layer), both in a real registry, read as typed, paged components through GraphQL.
 * The documents are generated here in each spec's shape, not produced by an SBOM tool (those are
 * tested in test/conformance). The BOM is large on purpose: tens of thousands of components, a
 * statement of megabytes, above the signature cap and the `statement` field's 256 KiB.
 */
const REPO = 'sbom/app';
const SAN = 'builder@example.com';
const ISSUER = 'https://accounts.example.com';
const COMPONENTS = 30_000; // ~4 MB of statement, ~5.5 MB of bundle.

interface Page {
  totalCount: number;
  items: { name: string; version: string | null; purl: string | null; licenses: string[] }[];
  endCursor: string | null;
  hasNextPage: boolean;
}
interface SbomReply {
  format: string;
  specVersion: string | null;
  componentCount: number;
  truncated: boolean;
  components: Page;
}

const SBOM_QUERY = `query($ref: String!, $first: Int, $after: String, $name: String) {
  image(ref: $ref) { attestations {
    source predicateType statementSize
    sbom { format specVersion componentCount truncated
      components(first: $first, after: $after, nameContains: $name) {
        totalCount items { name version purl licenses } endCursor hasNextPage } }
  } } }`;

describe('SBOM attestations through GraphQL', () => {
  let h: VerifyGraphHarness;
  let image: BuiltImage;
  const ref = () => `${h.registry.host}/${REPO}@${image.digest}`;

  async function sbomPage(variables: Record<string, unknown>) {
    return h.service.graphql<{
      image: {
        attestations: {
          source: string;
          predicateType: string;
          statementSize: number;
          sbom: SbomReply | null;
        }[];
      };
    }>(SBOM_QUERY, { ref: ref(), ...variables });
  }

  beforeAll(async () => {
    h = await startHarness();
    image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage(h.target, REPO, image);
    const identity = () => h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
    const bom = inTotoStatement({
      subjects: [image.digest],
      predicateType: 'https://cyclonedx.org/bom',
      predicate: {
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        version: 1,
        components: Array.from({ length: COMPONENTS }, (_, n) => ({
          type: 'library',
          name: n % 100 === 7 ? `zlib-${n}` : `lib-${n}`,
          version: `1.${n}`,
          purl: `pkg:deb/debian/lib-${n}@1.${n}`,
          licenses: [{ license: { id: 'MIT' } }],
        })),
      },
    });
    await pushBundleReferrer(
      h.target,
      REPO,
      image,
      h.sigstore.signBundle({ imageDigest: image.digest, identity: identity(), statement: bom }),
    );
    const spdx = inTotoStatement({
      subjects: [image.digest],
      predicateType: 'https://spdx.dev/Document',
      predicate: {
        spdxVersion: 'SPDX-2.3',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: 'app',
        packages: [
          {
            name: 'musl',
            versionInfo: '1.2.4',
            licenseConcluded: 'MIT',
            externalRefs: [
              {
                referenceCategory: 'PACKAGE-MANAGER',
                referenceType: 'purl',
                referenceLocator: 'pkg:apk/alpine/musl@1.2.4',
              },
            ],
          },
        ],
      },
    });
    await pushLegacyAttestations(h.target, REPO, image.digest, [
      h.sigstore.signLegacyAttestation({ statement: spdx, identity: identity() }),
    ]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reads a page of a signed CycloneDX BOM, continues from its cursor, and shows the SPDX one', async () => {
    const before = await viewCounts();
    const first = await sbomPage({ first: 500 });
    expect(first.errors).toBeUndefined();
    const attestations = first.data?.image.attestations ?? [];
    const bundle = attestations.find((a) => a.source === 'BUNDLE_REFERRER');
    expect(bundle?.statementSize).toBeGreaterThan(3_000_000);
    const cyclonedx = bundle?.sbom;
    expect(cyclonedx).toMatchObject({
      format: 'CYCLONEDX',
      specVersion: '1.5',
      componentCount: COMPONENTS,
      truncated: false,
      components: { totalCount: COMPONENTS, hasNextPage: true },
    });
    expect(cyclonedx?.components.items).toHaveLength(500);
    expect(cyclonedx?.components.items[0]).toEqual({
      name: 'lib-0',
      version: '1.0',
      purl: 'pkg:deb/debian/lib-0@1.0',
      licenses: ['MIT'],
    });
    const spdx = attestations.find((a) => a.source === 'LEGACY_TAG')?.sbom;
    expect(spdx).toMatchObject({
      format: 'SPDX',
      specVersion: 'SPDX-2.3',
      componentCount: 1,
      components: {
        totalCount: 1,
        items: [{ name: 'musl', version: '1.2.4', purl: 'pkg:apk/alpine/musl@1.2.4', licenses: ['MIT'] }],
      },
    });

    const next = await sbomPage({ first: 500, after: cyclonedx?.components.endCursor });
    const page = next.data?.image.attestations.find((a) => a.source === 'BUNDLE_REFERRER')?.sbom?.components;
    expect(page?.items.map((c) => c.name).slice(0, 1)).toEqual(['lib-500']);
    expect(page?.items).toHaveLength(500);
    expect(page?.hasNextPage).toBe(true);
    // The answer carries the page, not the document: 500 components of 30 000.
    expect(JSON.stringify(next.data).length).toBeLessThan(100_000);

    // Each statement was read into its view once; the second query (another request) found them kept.
    const after = await viewCounts();
    expect(after.computed - before.computed).toBe(2);
    expect(after.cached - before.cached).toBe(2);
  });

  it('filters by name and verifies as cosign --type cyclonedx', async () => {
    const reply = await sbomPage({ first: 10, name: 'ZLIB' });
    const page = reply.data?.image.attestations.find((a) => a.source === 'BUNDLE_REFERRER')?.sbom?.components;
    expect(page?.totalCount).toBe(COMPONENTS / 100);
    expect(page?.items.map((c) => c.name).slice(0, 2)).toEqual(['zlib-7', 'zlib-107']);
    const verification = await verifyAttestation(
      h.service,
      ref(),
      { certificateIdentity: SAN, certificateOidcIssuer: ISSUER },
      'cyclonedx',
    );
    expect(verification).toMatchObject({ verified: true, status: 'VERIFIED' });
  });

  it('answers a malformed SBOM with MALFORMED_PREDICATE saying why, and the other fields still', async () => {
    const broken = buildImage({ os: 'linux', architecture: 'arm64' });
    await pushImage(h.target, REPO, broken);
    const statement = inTotoStatement({
      subjects: [broken.digest],
      predicateType: 'https://cyclonedx.org/bom',
      predicate: { bomFormat: 'SPDX', components: [] },
    });
    await pushLegacyAttestations(h.target, REPO, broken.digest, [
      h.sigstore.signLegacyAttestation({
        statement,
        identity: h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER }),
      }),
    ]);
    const reply = await h.service.graphql<{
      image: { attestations: { predicateType: string; sbom: SbomReply | null }[] };
    }>(SBOM_QUERY, { ref: `${h.registry.host}/${REPO}@${broken.digest}`, first: 1 });
    expect(reply.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^attestation sha256:[0-9a-f]{64} \(https:\/\/cyclonedx\.org\/bom\): predicate\.bomFormat is "SPDX", not "CycloneDX"/,
        ),
        path: ['image', 'attestations', 0, 'sbom'],
        extensions: expect.objectContaining({ code: 'MALFORMED_PREDICATE' }),
      }),
    ]);
    expect(reply.data?.image.attestations).toEqual([
      {
        source: 'LEGACY_TAG',
        predicateType: 'https://cyclonedx.org/bom',
        statementSize: statement.length,
        sbom: null,
      },
    ]);
  });

  it('a page over the cap is BAD_USER_INPUT naming the limit, not an internal error', async () => {
    const reply = await sbomPage({ first: 501 });
    expect(reply.errors?.[0]).toMatchObject({
      message: 'first must be between 0 and 500, got 501',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

/** `imprimatur_attestation_views_total` for SBOM views, from this process's registry. */
async function viewCounts(): Promise<{ computed: number; cached: number }> {
  const { values } = await metrics().attestationViews.get();
  const count = (outcome: string) =>
    values.find((v) => v.labels.view === 'sbom' && v.labels.outcome === outcome)?.value ?? 0;
  return { computed: count('computed'), cached: count('cached') };
}
