import { describe, expect, it } from 'vitest';
import { openVexOf, type OpenVex } from '../../src/attestations/views/index.js';
import { cosignAttestStatement, copyOf, readFixture } from './attestation-predicate-fixtures.js';

/**
 * The OpenVEX view over the example documents of the OpenVEX specification
 * (attestation-predicates/openvex-spec, see its NOTICE.md for the commits and the JSON syntax
 * errors corrected), wrapped as `cosign attest --type openvex` wraps a VEX document.
 */
function viewOf(path: string, predicateType?: string): OpenVex {
  const statement = cosignAttestStatement('openvex', readFixture(path).json);
  const view = openVexOf(predicateType === undefined ? statement : { ...statement, predicateType });
  if (view === undefined) throw new Error(`expected an OpenVEX view of ${path}`);
  return view;
}

const product = (id: string) => ({ id, purl: undefined, cpe: undefined, subcomponents: [] });

describe('the files are the ones the NOTICE describes', () => {
  it.each([
    ['openvex-spec/v0.2.0-minimal.json', '97025fef8dcf904978e7b50431ba048ec9b46cacae83f0c8e100ade9ac70c3fe'],
    [
      'openvex-spec/v0.2.0-inheritance-two-statements.json',
      '7ddd52f46e5a6f2e6e5984b7e2a9139e469c2a944c91cddb1d635ea10ac600fe',
    ],
    [
      'openvex-spec/v0.2.0-spring-boot-log4shell.json',
      'de5a1c2f030350a34e4734e2eb0f770568a6ce8dcc04f8367787c58da05b0c01',
    ],
    [
      'openvex-spec/v0.2.0-composed-struct-examples.json',
      'add5aebbcf4fd6968d06f9978134b448365b587c52b89608c8447b5391112504',
    ],
    [
      'openvex-spec/v0.0.1-spring-boot-log4shell.json',
      '7e08fe4c64824dbf120a298bf9a108697172032642d8cb37ebfeff68f03d74c6',
    ],
  ])('%s', (path, sha256) => {
    expect(readFixture(path).sha256).toBe(sha256);
  });
});

describe('OpenVEX v0.2.0 specification examples', () => {
  it('the minimal document: one `fixed` statement over two products, timestamp from the document', () => {
    expect(viewOf('openvex-spec/v0.2.0-minimal.json')).toEqual({
      context: 'https://openvex.dev/ns/v0.2.0',
      id: 'https://openvex.dev/docs/example/vex-9fb3463de1b57',
      author: 'Wolfi J Inkinson',
      timestamp: '2023-01-08T18:02:03.647787998-06:00',
      version: 1,
      statementCount: 1,
      statements: [
        {
          vulnerability: 'CVE-2023-12345',
          aliases: [],
          status: 'fixed',
          justification: undefined,
          impactStatement: undefined,
          actionStatement: undefined,
          products: [
            product('pkg:apk/wolfi/git@2.39.0-r1?arch=armv7'),
            product('pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64'),
          ],
          // The statement has none; OpenVEX statements inherit the document's.
          timestamp: '2023-01-08T18:02:03.647787998-06:00',
        },
      ],
    });
  });

  it("the updated document: a statement's own timestamp overrides the document's, the new one inherits", () => {
    const vex = viewOf('openvex-spec/v0.2.0-inheritance-two-statements.json');
    expect(vex).toMatchObject({ version: 2, timestamp: '2023-01-09T09:08:42-06:00', statementCount: 2 });
    expect(vex.statements.map((s) => [s.vulnerability, s.status, s.timestamp])).toEqual([
      ['CVE-2023-12345', 'under_investigation', '2023-01-08T18:02:03-06:00'],
      ['CVE-2023-12345', 'fixed', '2023-01-09T09:08:42-06:00'],
    ]);
  });

  it('the Spring Boot log4shell example: not_affected, with justification, impact and aliases', () => {
    const vex = viewOf('openvex-spec/v0.2.0-spring-boot-log4shell.json');
    expect(vex).toMatchObject({
      author: 'Spring Builds <spring-builds@users.noreply.github.com>',
      timestamp: '2023-01-16T19:07:16.853479631-06:00',
      statementCount: 1,
    });
    const [statement] = vex.statements;
    expect(statement).toMatchObject({
      vulnerability: 'CVE-2021-44228',
      aliases: ['GHSA-jfh8-c2jp-5v3q'],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      products: [
        {
          id: 'pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3',
          purl: 'pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3',
          cpe: undefined,
          subcomponents: [],
        },
      ],
    });
    expect(statement!.impactStatement).toMatch(
      /^Spring Boot users are only affected by this vulnerability if/,
    );
  });

  it('the product and vulnerability struct examples: identifiers and every alias', () => {
    const [statement] = viewOf('openvex-spec/v0.2.0-composed-struct-examples.json').statements;
    expect(statement).toMatchObject({
      vulnerability: 'CVE-2019-17571',
      aliases: [
        'GHSA-2qrg-x229-3v8q',
        'openSUSE-SU-2020:0051-1',
        'SNYK-RHEL7-LOG4J-1472071',
        'DSA-4686-1',
        'USN-4495',
        'DLA-2065-1',
      ],
      status: 'not_affected',
      justification: 'component_not_present',
      impactStatement: 'The vulnerable code was removed with a custom patch',
      products: [
        {
          // @id and identifiers.purl differ in the example; both are shown, neither replaces the other.
          id: 'pkg:apk/wolfi/product@1.23.0-r1?arch=armv7',
          purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.4',
          cpe: 'cpe:2.3:a:apache:log4j:2.4:-:*:*:*:*:*:*',
          subcomponents: [],
        },
      ],
    });
  });

  it('a product (or subcomponent) named only by identifiers is kept, identified by its purl', () => {
    // Every way of naming a product is optional in the spec; an @id-less product used to be dropped.
    const document = copyOf(readFixture('openvex-spec/v0.2.0-composed-struct-examples.json').json) as {
      statements: { products: Record<string, unknown>[] }[];
    };
    const first = document.statements[0]!.products[0]!;
    delete first['@id'];
    first['subcomponents'] = [{ identifiers: { cpe22: 'cpe:/a:apache:log4j:2.4:-' } }, { hashes: {} }];
    const [statement] = openVexOf(cosignAttestStatement('openvex', document))!.statements;
    expect(statement!.products).toEqual([
      {
        id: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.4',
        purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.4',
        cpe: 'cpe:2.3:a:apache:log4j:2.4:-:*:*:*:*:*:*',
        // A subcomponent with nothing that names it is left out rather than shown as blank.
        subcomponents: ['cpe:/a:apache:log4j:2.4:-'],
      },
    ]);
  });

  it('is read the same under the versioned predicate type', () => {
    expect(viewOf('openvex-spec/v0.2.0-minimal.json', 'https://openvex.dev/ns/v0.2.0')).toEqual(
      viewOf('openvex-spec/v0.2.0-minimal.json'),
    );
  });
});

describe('OpenVEX v0.0.1 (the specification before v0.2.0)', () => {
  it('reads a bare vulnerability string, product strings and the version written as a string', () => {
    expect(viewOf('openvex-spec/v0.0.1-spring-boot-log4shell.json')).toMatchObject({
      context: 'https://openvex.dev/ns',
      version: 1,
      statementCount: 1,
      statements: [
        {
          vulnerability: 'CVE-2021-44228',
          aliases: [],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          products: [product('pkg:maven/org.springframework.boot/spring-boot@2.6.0')],
          timestamp: '2023-01-16T19:07:16.853479631-06:00',
        },
      ],
    });
  });
});
