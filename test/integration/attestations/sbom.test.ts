import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import { inTotoStatement, pushBundleReferrer, pushLegacyAttestations } from '../../support/sigstore/index.js';
import { startHarness, type VerifyGraphHarness } from '../verify-graph/harness.js';
import { verifyAttestation } from './queries.js';

/**
 * `Attestation.sbom` end to end: a CycloneDX 1.5 BOM attested as cosign v3 / GitHub's attest action
 * store it (a signed Sigstore bundle referrer) and an SPDX 2.3 document as `cosign attest` stores it
 * (a signed `.att` layer), both in a real registry, read as typed, paged components through GraphQL.
 * The documents are generated here in each spec's shape, not produced by an SBOM tool.
 */
const REPO = 'sbom/app';
const SAN = 'builder@example.com';
const ISSUER = 'https://accounts.example.com';
const COMPONENTS = 1500; // ~150 KB of statement: under the 256 KiB the view reads.

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
    source predicateType
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
      image: { attestations: { source: string; predicateType: string; sbom: SbomReply | null }[] };
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
    const first = await sbomPage({ first: 500 });
    expect(first.errors).toBeUndefined();
    const attestations = first.data?.image.attestations ?? [];
    const cyclonedx = attestations.find((a) => a.source === 'BUNDLE_REFERRER')?.sbom;
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
  });

  it('filters by name and verifies as cosign --type cyclonedx', async () => {
    const reply = await sbomPage({ first: 10, name: 'ZLIB' });
    const page = reply.data?.image.attestations.find((a) => a.source === 'BUNDLE_REFERRER')?.sbom?.components;
    expect(page?.totalCount).toBe(15);
    expect(page?.items.map((c) => c.name).slice(0, 2)).toEqual(['zlib-7', 'zlib-107']);
    const verification = await verifyAttestation(
      h.service,
      ref(),
      { certificateIdentity: SAN, certificateOidcIssuer: ISSUER },
      'cyclonedx',
    );
    expect(verification).toMatchObject({ verified: true, status: 'VERIFIED' });
  });

  it('a page over the cap is BAD_USER_INPUT naming the limit, not an internal error', async () => {
    const reply = await sbomPage({ first: 501 });
    expect(reply.errors?.[0]).toMatchObject({
      message: 'first must be between 0 and 500, got 501',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
