import { describe, expect, it } from 'vitest';
import {
  CYCLONEDX_BOM,
  MAX_SBOM_COMPONENTS,
  MAX_SBOM_PAGE_SIZE,
  sbomOf,
  sbomPage,
  SbomPageError,
  SPDX_DOCUMENT,
  type Sbom,
} from './index.js';

const statement = (predicateType: string, predicate: unknown) => ({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'app', digest: { sha256: 'ab'.repeat(32) } }],
  predicateType,
  predicate,
});

// Hand-written in the shape of an SPDX 2.3 JSON document (spdx-spec v2.3, as syft emits it), not
// produced by a tool.
const SPDX_23 = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'app',
  documentNamespace: 'https://example.com/spdx/app-1',
  creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: hand-written'] },
  packages: [
    {
      name: 'lodash',
      SPDXID: 'SPDXRef-Package-npm-lodash',
      versionInfo: '4.17.21',
      downloadLocation: 'NOASSERTION',
      licenseConcluded: 'MIT',
      licenseDeclared: 'MIT',
      externalRefs: [
        { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:lodash' },
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: 'pkg:npm/lodash@4.17.21',
        },
      ],
    },
    {
      name: 'openssl',
      SPDXID: 'SPDXRef-Package-deb-openssl',
      versionInfo: '3.0.11-1',
      downloadLocation: 'NOASSERTION',
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'Apache-2.0',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE_MANAGER',
          referenceType: 'purl',
          referenceLocator: 'pkg:deb/debian/openssl@3.0.11-1',
        },
      ],
    },
    { SPDXID: 'SPDXRef-nameless', versionInfo: '1' },
  ],
};

// Hand-written in the shape of a CycloneDX 1.5 JSON BOM (cyclonedx.org/docs/1.5/json), not produced
// by a tool.
const CYCLONEDX_15 = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  version: 1,
  metadata: { component: { type: 'container', name: 'app' } },
  components: [
    {
      type: 'library',
      name: 'express',
      version: '4.18.2',
      purl: 'pkg:npm/express@4.18.2',
      licenses: [{ license: { id: 'MIT' } }, { license: { id: 'MIT' } }],
      components: [
        {
          type: 'library',
          name: 'body-parser',
          version: '1.20.1',
          purl: 'pkg:npm/body-parser@1.20.1',
          licenses: [{ expression: 'MIT OR Apache-2.0' }],
        },
      ],
    },
    { type: 'library', name: 'internal-lib', licenses: [{ license: { name: 'Proprietary' } }] },
  ],
};

function sbom(value: unknown): Sbom {
  const view = sbomOf(value);
  if (view === undefined) throw new Error('expected an SBOM view');
  return view;
}

describe('SBOM view', () => {
  it('reads SPDX 2.3 packages: version, purl from PACKAGE-MANAGER refs, licences without NOASSERTION', () => {
    const view = sbom(statement(SPDX_DOCUMENT, SPDX_23));
    expect(view).toMatchObject({
      format: 'SPDX',
      specVersion: 'SPDX-2.3',
      componentCount: 3,
      truncated: false,
    });
    expect(view.components).toEqual([
      { name: 'lodash', version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21', licenses: ['MIT'] },
      {
        name: 'openssl',
        version: '3.0.11-1',
        purl: 'pkg:deb/debian/openssl@3.0.11-1',
        licenses: ['Apache-2.0'],
      },
    ]);
  });

  it('reads CycloneDX 1.5 components, nested ones after their parent, and not metadata.component', () => {
    const view = sbom(statement(`${CYCLONEDX_BOM}/v1.5`, CYCLONEDX_15));
    expect(view).toMatchObject({ format: 'CYCLONEDX', specVersion: '1.5', componentCount: 3 });
    expect(view.components).toEqual([
      { name: 'express', version: '4.18.2', purl: 'pkg:npm/express@4.18.2', licenses: ['MIT'] },
      {
        name: 'body-parser',
        version: '1.20.1',
        purl: 'pkg:npm/body-parser@1.20.1',
        licenses: ['MIT OR Apache-2.0'],
      },
      { name: 'internal-lib', version: undefined, purl: undefined, licenses: ['Proprietary'] },
    ]);
  });

  it('is no view, not a throw, for other predicate types and malformed predicates', () => {
    const malformed: unknown[] = [
      null,
      'a string',
      [],
      statement('https://slsa.dev/provenance/v1', SPDX_23),
      statement(SPDX_DOCUMENT, null),
      statement(SPDX_DOCUMENT, 'SPDX-2.3'),
      statement(SPDX_DOCUMENT, { ...SPDX_23, spdxVersion: 'SPDX-3.0' }),
      statement(SPDX_DOCUMENT, { ...SPDX_23, packages: { lodash: {} } }),
      statement(SPDX_DOCUMENT, CYCLONEDX_15),
      statement(CYCLONEDX_BOM, SPDX_23),
      statement(CYCLONEDX_BOM, { ...CYCLONEDX_15, components: 'express' }),
      statement(`${CYCLONEDX_BOM}x`, CYCLONEDX_15),
    ];
    for (const value of malformed) expect(sbomOf(value)).toBeUndefined();
  });

  it('skips components without a usable name and drops over-long strings and licences beyond the cap', () => {
    const long = 'x'.repeat(2000);
    const view = sbom(
      statement(CYCLONEDX_BOM, {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [
          null,
          7,
          { name: long },
          { name: 42 },
          {
            name: 'ok',
            version: long,
            purl: { not: 'a string' },
            licenses: Array.from({ length: 40 }, (_, n) => ({ license: { id: `L-${n}` } })),
          },
        ],
      }),
    );
    expect(view.componentCount).toBe(5);
    expect(view.components).toHaveLength(1);
    expect(view.components[0]).toMatchObject({ name: 'ok', version: undefined, purl: undefined });
    expect(view.components[0]?.licenses).toHaveLength(16);
  });

  it('walks deeply nested CycloneDX components without recursion', () => {
    let nested: Record<string, unknown> = { name: 'leaf' };
    for (let depth = 0; depth < 20_000; depth++) nested = { name: `c${depth}`, components: [nested] };
    const view = sbom(
      statement(CYCLONEDX_BOM, { bomFormat: 'CycloneDX', specVersion: '1.4', components: [nested] }),
    );
    expect(view.componentCount).toBe(20_001);
    expect(view.components[20_000]?.name).toBe('leaf');
  });

  it(`reads at most ${MAX_SBOM_COMPONENTS} components and says so`, () => {
    const packages = Array.from({ length: MAX_SBOM_COMPONENTS + 10 }, (_, n) => ({ name: `p${n}` }));
    const view = sbom(statement(SPDX_DOCUMENT, { spdxVersion: 'SPDX-2.2', packages }));
    expect(view).toMatchObject({ componentCount: MAX_SBOM_COMPONENTS + 10, truncated: true });
    expect(view.components).toHaveLength(MAX_SBOM_COMPONENTS);
    const bom = sbom(statement(CYCLONEDX_BOM, { bomFormat: 'CycloneDX', components: packages }));
    expect(bom).toMatchObject({ componentCount: MAX_SBOM_COMPONENTS + 10, truncated: true });
    expect(bom.components).toHaveLength(MAX_SBOM_COMPONENTS);
  });
});

describe('SBOM pages', () => {
  // A generated 20 000-component CycloneDX BOM: every 100th is an `openssl-*` package.
  const large = sbom(
    statement(CYCLONEDX_BOM, {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: Array.from({ length: 20_000 }, (_, n) => ({
        name: n % 100 === 0 ? `openssl-${n}` : `pkg-${n}`,
        version: `1.0.${n}`,
        purl: `pkg:npm/pkg-${n}@1.0.${n}`,
      })),
    }),
  );

  it('pages through all 20 000 in order with cursors, each page at most the size asked', () => {
    const first = sbomPage(large, { first: 500 });
    expect(first).toMatchObject({ totalCount: 20_000, hasNextPage: true });
    expect(first.items).toHaveLength(500);
    expect(first.items[0]?.name).toBe('openssl-0');
    const names: string[] = first.items.map((c) => c.name);
    let cursor = first.endCursor;
    let pages = 1;
    for (;;) {
      const page = sbomPage(large, { first: 500, after: cursor });
      names.push(...page.items.map((c) => c.name));
      pages++;
      if (!page.hasNextPage) {
        expect(page.items).toHaveLength(500);
        break;
      }
      cursor = page.endCursor;
    }
    expect(pages).toBe(40);
    expect(names).toHaveLength(20_000);
    expect(names[19_999]).toBe('pkg-19999');
    expect(new Set(names).size).toBe(20_000);
  });

  it('defaults to 50 and filters by name, case-insensitively, with cursors over the filtered list', () => {
    expect(sbomPage(large, {}).items).toHaveLength(50);
    const first = sbomPage(large, { first: 150, nameContains: 'OpenSSL' });
    expect(first.totalCount).toBe(200);
    expect(first.items.map((c) => c.name).slice(0, 2)).toEqual(['openssl-0', 'openssl-100']);
    const rest = sbomPage(large, { first: 150, nameContains: 'OpenSSL', after: first.endCursor });
    expect(rest).toMatchObject({ totalCount: 200, hasNextPage: false });
    expect(rest.items).toHaveLength(50);
    expect(rest.items[49]?.name).toBe('openssl-19900');
    const none = sbomPage(large, { nameContains: 'no-such' });
    expect(none).toMatchObject({ totalCount: 0, items: [], endCursor: undefined, hasNextPage: false });
  });

  it('refuses a page larger than the cap, a negative one, a long filter and a forged cursor', () => {
    const bad = [
      { first: MAX_SBOM_PAGE_SIZE + 1 },
      { first: -1 },
      { nameContains: 'x'.repeat(300) },
      { after: 'not-a-cursor' },
      { after: Buffer.from('sbom:-3').toString('base64url') },
      { after: Buffer.from('sbom:1e3').toString('base64url') },
    ];
    for (const request of bad) {
      expect(() => sbomPage(large, request)).toThrow(SbomPageError);
    }
    expect(() => sbomPage(large, { first: 501 })).toThrow('first must be between 0 and 500, got 501');
  });
});
