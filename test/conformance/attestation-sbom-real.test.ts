import { describe, expect, it } from 'vitest';
import { sbomOf, sbomPage, type Sbom } from '../../src/attestations/views/index.js';
import {
  buildkitSbomStatement,
  cosignAttestStatement,
  githubAttestSbomStatement,
  readFixture,
} from './attestation-predicate-fixtures.js';

/**
 * The SBOM view over documents real tools wrote (attestation-predicates/npm-sbom, cyclonedx-npm and
 * buildkit, see their NOTICE.md). The expected counts come from the tool's own record of the
 * project — the lockfile npm installed from — not from the document the view reads.
 */
const spdx = readFixture('npm-sbom/spdx-2.3.json');
const cdx15 = readFixture('npm-sbom/cyclonedx-1.5.json');
const cdx16 = readFixture('cyclonedx-npm/cyclonedx-1.6.json');
const cdx14 = readFixture('cyclonedx-npm/cyclonedx-1.4.json');
const lock = readFixture('npm-sbom/sample-project/package-lock.json').json as {
  packages: Record<string, { version?: string; license?: string }>;
};

/** Installed packages by lockfile key (`node_modules/a/node_modules/b`), the root ("") excluded. */
const installed = Object.entries(lock.packages).filter(([path]) => path !== '');

function viewOf(statement: unknown): Sbom {
  const sbom = sbomOf(statement);
  if (sbom === undefined) throw new Error('expected an SBOM view');
  return sbom;
}

function named(sbom: Sbom, name: string, version: string) {
  return sbom.components.filter((c) => c.name === name && c.version === version);
}

describe('the files are the ones the NOTICE files describe', () => {
  it.each([
    [spdx, 'd769f8c9abf05f77a8c8b25eb9b21326611e38359d719224ff533822d567ba80'],
    [cdx15, 'f479ca9374774bca57bc79db3b3c29c88bfb893acbdc40d47f41e4478d7ef792'],
    [cdx16, '76747b244cb5ea7fae5068276e25069da767444b1062f89c40983527a51ee6b5'],
    [cdx14, '295d604ae54dc63f6914f241f21cbf5d31817572a70a4ecce902640c3fb74654'],
  ])('%#', (fixture, sha256) => {
    expect(fixture.sha256).toBe(sha256);
  });
});

describe('SPDX 2.3 from `npm sbom --sbom-format spdx` (npm 11.19.1)', () => {
  // The same document as cosign (`--type spdxjson`), GitHub's attest-sbom and BuildKit wrap it.
  const statements = {
    cosign: cosignAttestStatement('spdxjson', spdx.json),
    github: githubAttestSbomStatement(spdx.json),
    buildkit: buildkitSbomStatement(spdx.json),
  };

  it.each(Object.entries(statements))('is read the same when wrapped as %s wraps it', (_, statement) => {
    expect(sbomOf(statement)).toEqual(viewOf(statements.cosign));
  });

  const sbom = viewOf(statements.github);

  it('states its format and spec version', () => {
    expect(statements.github.predicateType).toBe('https://spdx.dev/Document/v2.3');
    expect(sbom).toMatchObject({ format: 'SPDX', specVersion: 'SPDX-2.3', truncated: false });
  });

  it('lists every installed package plus the project itself, as npm does in SPDX', () => {
    // npm writes the root package into `packages` (it is what the document DESCRIBES); SPDX has no
    // separate place for it, unlike CycloneDX's metadata.component.
    expect(sbom.componentCount).toBe(installed.length + 1);
    expect(sbom.components).toHaveLength(installed.length + 1);
    expect(sbom.components[0]).toEqual({
      name: 'imprimatur-sbom-sample',
      version: '1.0.0',
      purl: 'pkg:npm/imprimatur-sbom-sample@1.0.0',
      licenses: ['Apache-2.0'],
    });
  });

  it('carries each installed package with the version, purl and licence the lockfile records', () => {
    for (const [path, entry] of installed) {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const found = named(sbom, name, entry.version!);
      expect(found, path).toHaveLength(1);
      expect(found[0]!.purl).toBe(`pkg:npm/${name}@${entry.version!}`);
      expect(found[0]!.licenses).toEqual([entry.license]);
    }
  });

  it('keeps an SPDX licence expression whole and both versions of a package nested twice', () => {
    expect(named(sbom, 'rc', '1.2.8')[0]!.licenses).toEqual(['(BSD-2-Clause OR MIT OR Apache-2.0)']);
    expect(named(sbom, 'argparse', '2.0.1')[0]!.licenses).toEqual(['Python-2.0']);
    expect(sbom.components.filter((c) => c.name === 'debug').map((c) => c.version)).toEqual([
      '4.3.7',
      '2.6.9',
    ]);
  });

  it('pages and filters over the real list', () => {
    const first = sbomPage(sbom, { first: 10 });
    expect(first).toMatchObject({ totalCount: 26, hasNextPage: true });
    const second = sbomPage(sbom, { first: 10, after: first.endCursor });
    const third = sbomPage(sbom, { first: 10, after: second.endCursor });
    expect(third).toMatchObject({ hasNextPage: false });
    expect([...first.items, ...second.items, ...third.items]).toEqual(sbom.components);
    const spdxPackages = sbomPage(sbom, { nameContains: 'SPDX-' });
    expect(spdxPackages.items.map((c) => c.name)).toEqual([
      'spdx-exceptions',
      'spdx-expression-parse',
      'spdx-license-ids',
    ]);
  });
});

describe('CycloneDX 1.5 from `npm sbom --sbom-format cyclonedx` (npm 11.19.1)', () => {
  const sbom = viewOf(cosignAttestStatement('cyclonedx', cdx15.json));

  it('states its spec version and lists each installed package once, without the project itself', () => {
    expect(sbom).toMatchObject({ format: 'CYCLONEDX', specVersion: '1.5', truncated: false });
    expect(sbom.componentCount).toBe(installed.length);
    expect(sbom.components.some((c) => c.name === 'imprimatur-sbom-sample')).toBe(false);
  });

  it('agrees with the SPDX document npm wrote for the same tree', () => {
    const fromSpdx = viewOf(cosignAttestStatement('spdxjson', spdx.json)).components.slice(1);
    const key = (c: { name: string; version: string | undefined }) => `${c.name}@${c.version}`;
    expect(sbom.components.map(key).sort()).toEqual(fromSpdx.map(key).sort());
    expect(named(sbom, 'rc', '1.2.8')[0]).toEqual({
      name: 'rc',
      version: '1.2.8',
      purl: 'pkg:npm/rc@1.2.8',
      licenses: ['(BSD-2-Clause OR MIT OR Apache-2.0)'],
    });
  });
});

describe('CycloneDX 1.6 from @cyclonedx/cyclonedx-npm 6.0.1', () => {
  const statement = githubAttestSbomStatement(cdx16.json);
  const sbom = viewOf(statement);

  it('states its spec version', () => {
    expect(statement.predicateType).toBe('https://cyclonedx.org/bom');
    expect(sbom).toMatchObject({ format: 'CYCLONEDX', specVersion: '1.6', truncated: false });
  });

  it('counts the components nested under the package that holds them in node_modules', () => {
    // cyclonedx-npm nests finalhandler's own debug@2.6.9 and ms@2.0.0 inside finalhandler; the
    // top level has 23 entries, the tree 25, one per installed package.
    expect((cdx16.json as { components: unknown[] }).components).toHaveLength(23);
    expect(sbom.componentCount).toBe(installed.length);
    const order = sbom.components.map((c) => `${c.name}@${c.version}`);
    expect(order.slice(order.indexOf('finalhandler@1.3.1'), order.indexOf('finalhandler@1.3.1') + 3)).toEqual(
      ['finalhandler@1.3.1', 'debug@2.6.9', 'ms@2.0.0'],
    );
  });

  it('reads `license.id` and `expression` entries and drops a licence listed twice', () => {
    // deep-extend's package.json names MIT twice (once with a URL); the tool keeps both entries.
    const deepExtend = named(sbom, 'deep-extend', '0.6.0')[0]!;
    expect(deepExtend.licenses).toEqual(['MIT']);
    expect(named(sbom, 'rc', '1.2.8')[0]!.licenses).toEqual(['(BSD-2-Clause OR MIT OR Apache-2.0)']);
    expect(named(sbom, 'spdx-license-ids', '3.0.24')[0]).toEqual({
      name: 'spdx-license-ids',
      version: '3.0.24',
      purl: 'pkg:npm/spdx-license-ids@3.0.24',
      licenses: ['CC0-1.0'],
    });
  });
});

describe('CycloneDX 1.4 from @cyclonedx/cyclonedx-npm 6.0.1 (`--spec-version 1.4`)', () => {
  it('lists the same components, nesting and licences as the 1.6 document of the same tree', () => {
    // 1.4 has no licence `acknowledgement` and lists metadata.tools as an array; neither is read.
    const sbom = viewOf(cosignAttestStatement('cyclonedx', cdx14.json));
    expect(sbom).toMatchObject({ format: 'CYCLONEDX', specVersion: '1.4', componentCount: installed.length });
    expect(sbom.components).toEqual(viewOf(githubAttestSbomStatement(cdx16.json)).components);
  });
});

describe("SPDX 2.2 from syft, in BuildKit's documented SBOM attestation", () => {
  const fixture = readFixture('buildkit/sbom-spdx-2.2-alpine.json');
  const sbom = viewOf(fixture.json);

  it("reads the package with SPDX 2.2's PACKAGE_MANAGER purl and its concluded licence", () => {
    expect(sbom).toEqual({
      format: 'SPDX',
      specVersion: 'SPDX-2.2',
      componentCount: 1,
      truncated: false,
      components: [
        {
          name: 'busybox',
          version: '1.35.0-r17',
          purl: 'pkg:alpine/busybox@1.35.0-r17?arch=aarch64&upstream=busybox&distro=alpine-3.16.2',
          licenses: ['GPL-2.0-only'],
        },
      ],
    });
  });
});
