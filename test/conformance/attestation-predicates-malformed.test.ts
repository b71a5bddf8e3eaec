import { describe, expect, it } from 'vitest';
import {
  cosignVulnOf,
  openVexOf,
  readView,
  sbomOf,
  slsaProvenanceOf,
  type ViewKind,
} from '../../src/attestations/views/index.js';
import {
  cosignAttestStatement,
  copyOf,
  githubAttestSbomStatement,
  readFixture,
} from './attestation-predicate-fixtures.js';
import {
  AttestationContentService,
  MalformedPredicateError,
} from '../../src/services/attestation-content.js';
import { describeAttestation } from '../../src/services/attestation-views.js';

/**
 * The real documents of attestation-predicates/, truncated and mistyped: a view must never throw,
 * and must never show a value the document does not state. The sweep below replaces every node of
 * each predicate in turn with a value of the wrong type and checks that property on every answer;
 * the cases after it pin what a view says for the damage real pipelines produce (a cut-off upload,
 * a number where a string belongs, a list where an object belongs).
 */
type Statement = { predicateType: string; predicate: unknown };

const documents: { name: string; kind: ViewKind; statement: Statement; read: (s: unknown) => unknown }[] = [
  {
    name: 'npm SPDX 2.3',
    kind: 'sbom',
    statement: githubAttestSbomStatement(readFixture('npm-sbom/spdx-2.3.json').json),
    read: sbomOf,
  },
  {
    name: 'cyclonedx-npm CycloneDX 1.6',
    kind: 'sbom',
    statement: githubAttestSbomStatement(readFixture('cyclonedx-npm/cyclonedx-1.6.json').json),
    read: sbomOf,
  },
  {
    name: 'GitHub workflow SLSA v1',
    kind: 'provenance',
    statement: readFixture('slsa-github-actions-buildtype/workflow-v1-example.json').json as Statement,
    read: slsaProvenanceOf,
  },
  {
    name: 'BuildKit SLSA v1',
    kind: 'provenance',
    statement: readFixture('buildkit/definitions-v1.json').json as Statement,
    read: slsaProvenanceOf,
  },
  {
    name: 'slsa-github-generator SLSA v0.2',
    kind: 'provenance',
    statement: readFixture('slsa-github-generator/container-v0.2.json').json as Statement,
    read: slsaProvenanceOf,
  },
  {
    name: 'OpenVEX spec (struct examples)',
    kind: 'openVex',
    statement: cosignAttestStatement(
      'openvex',
      readFixture('openvex-spec/v0.2.0-composed-struct-examples.json').json,
    ),
    read: openVexOf,
  },
  {
    name: 'OpenVEX spec (two statements)',
    kind: 'openVex',
    statement: cosignAttestStatement(
      'openvex',
      readFixture('openvex-spec/v0.2.0-inheritance-two-statements.json').json,
    ),
    read: openVexOf,
  },
  {
    name: 'Trivy cosign-vuln',
    kind: 'vulnScan',
    statement: cosignAttestStatement(
      'vuln',
      readFixture('trivy-cosign-vuln/alpine-3.10.cosign-vuln.json').json,
    ),
    read: cosignVulnOf,
  },
];

/** Strings a view may show that are its own words, not the document's. */
const VIEW_CONSTANTS = new Set(['SPDX', 'CYCLONEDX', 'v1', 'v0.2', 'trivy', 'grype', 'UNKNOWN']);

/** Every string in a JSON value (keys included: a severity or an id may only appear as a key). */
function stringsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      stringsIn(v, out);
    }
  return out;
}

/**
 * Whether every string of `view` is stated by `document`: one of its strings, a part of one (a
 * repository or ref split out of a source URI), one upper-cased (a severity), or the view's own word.
 */
function inventedStrings(view: unknown, document: unknown): string[] {
  // One haystack, NUL-separated, so a match never spans two of the document's strings.
  const stated = [...stringsIn(document)].join('\u0000');
  const statedUpper = stated.toUpperCase();
  return [...stringsIn(view)].filter(
    (s) => !VIEW_CONSTANTS.has(s) && !isViewKey(s) && !stated.includes(s) && !statedUpper.includes(s),
  );
}

/** The view's own field names, which stringsIn collects as keys. */
function isViewKey(s: string): boolean {
  return VIEW_FIELD_NAMES.has(s);
}

function keysIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysIn(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysIn(v, out);
    }
  return out;
}
const VIEW_FIELD_NAMES = new Set<string>();
for (const d of documents) for (const key of keysIn(d.read(d.statement))) VIEW_FIELD_NAMES.add(key);

/** Paths to every node under `value`, parents first, at most `limit`. */
function pathsIn(value: unknown, limit: number): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0 && out.length < limit) {
    const { value: node, path } = stack.pop()!;
    out.push(path);
    if (Array.isArray(node)) node.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
    else if (typeof node === 'object' && node !== null)
      for (const [k, v] of Object.entries(node)) stack.push({ value: v, path: [...path, k] });
  }
  return out;
}

function replaced(statement: Statement, path: (string | number)[], value: unknown): Statement {
  const copy = copyOf(statement);
  if (path.length === 0) return { ...copy, predicate: value };
  let parent = copy.predicate as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
  return copy;
}

const WRONG_TYPES: readonly unknown[] = [null, 42, 'x', [], {}];

describe('every node of a real predicate replaced by a value of the wrong type', () => {
  it('the check below does catch a string the document does not state', () => {
    const doc = documents[0]!;
    const view = doc.read(doc.statement) as { components: { name: string }[] };
    expect(inventedStrings(view, doc.statement)).toEqual([]);
    const forged = { ...view, components: [{ ...view.components[0]!, name: 'left-pad-invented' }] };
    expect(inventedStrings(forged, doc.statement)).toEqual(['left-pad-invented']);
  });

  it.each(documents)('$name: no view throws, and none shows a string the document does not state', (doc) => {
    // The last 300 nodes depth-first (the end of each document, whole entries, and its top level):
    // real documents repeat one entry shape, so more nodes would repeat the same cases.
    const paths = pathsIn(doc.statement.predicate, 300);
    let views = 0;
    for (const path of paths) {
      for (const wrong of WRONG_TYPES) {
        const statement = replaced(doc.statement, path, wrong);
        const view = doc.read(statement);
        const outcome = readView(doc.kind, statement);
        // readView agrees with the view function: a view, or a problem saying why not.
        expect(outcome.view, JSON.stringify(path)).toEqual(view);
        if (view === undefined) {
          expect(outcome.problem, JSON.stringify(path)).toMatch(/\S/);
          continue;
        }
        views++;
        expect(
          inventedStrings(view, statement),
          `${JSON.stringify(path)} = ${JSON.stringify(wrong)}`,
        ).toEqual([]);
      }
    }
    // The sweep did reach into the documents and most damage still leaves a (partial) view.
    expect(paths.length).toBeGreaterThan(20);
    expect(views).toBeGreaterThan(paths.length);
  });
});

describe('a statement cut off in transit', () => {
  it.each(documents)('$name: no JSON, so no view but MALFORMED_PREDICATE saying so', (doc) => {
    const text = JSON.stringify(doc.statement);
    for (const fraction of [0.1, 0.5, 0.9, 0.999]) {
      const cut = Buffer.from(text.slice(0, Math.floor(text.length * fraction)));
      // The cut bytes, through the service's own path: the attestation as the edges describe it,
      // then the view service (which parses the statement when the view is asked for).
      const attestation = describeAttestation({
        kind: 'buildkit',
        subjectDigest: `sha256:${'cd'.repeat(32)}`,
        manifestDigest: `sha256:${'ef'.repeat(32)}`,
        layerDigest: `sha256:${fraction.toFixed(3).slice(2).padStart(64, '0')}`,
        statement: { type: undefined, predicateType: doc.statement.predicateType, subjects: [], bytes: cut },
        annotations: {},
      });
      expect(attestation.content).toBeUndefined();
      expect(() => new AttestationContentService().view(doc.kind, attestation)).toThrow(
        new MalformedPredicateError(
          `attestation ${attestation.digest} (${doc.statement.predicateType}): the statement is not a JSON object`,
        ),
      );
    }
  });
});

describe('truncated and mistyped SBOMs', () => {
  const spdx = githubAttestSbomStatement(readFixture('npm-sbom/spdx-2.3.json').json) as Statement;
  const cdx = githubAttestSbomStatement(readFixture('cyclonedx-npm/cyclonedx-1.6.json').json) as Statement;

  it('a package list cut short counts only what is there', () => {
    const cut = copyOf(spdx) as { predicate: { packages: unknown[] } };
    cut.predicate.packages = cut.predicate.packages.slice(0, 10);
    const sbom = sbomOf(cut)!;
    expect(sbom).toMatchObject({ componentCount: 10, truncated: false });
    expect(sbom.components).toEqual(sbomOf(spdx)!.components.slice(0, 10));
  });

  it('a mistyped spec version or list is no view, and the problem names the field', () => {
    expect(readView('sbom', replaced(spdx, ['spdxVersion'], 2.3))).toEqual({
      problem: 'predicate.spdxVersion is a number, not "SPDX-2.x": not an SPDX 2 JSON document',
    });
    expect(readView('sbom', replaced(spdx, ['packages'], { 0: {} }))).toEqual({
      problem: 'predicate.packages is an object, not a list',
    });
    expect(readView('sbom', replaced(cdx, ['bomFormat'], 'cyclonedx'))).toEqual({
      problem: 'predicate.bomFormat is "cyclonedx", not "CycloneDX": not a CycloneDX JSON document',
    });
    expect(readView('sbom', replaced(cdx, ['components'], 'x'))).toEqual({
      problem: 'predicate.components is "x", not a list',
    });
  });

  it('a mistyped field of one package is unknown, not coerced, and the package is still counted', () => {
    const first = 1; // argparse@2.0.1, Python-2.0
    let damaged = replaced(spdx, ['packages', first, 'versionInfo'], 2);
    damaged = replaced(damaged, ['packages', first, 'licenseDeclared'], ['Python-2.0']);
    damaged = replaced(damaged, ['packages', first, 'externalRefs'], { purl: 'pkg:npm/argparse@2.0.1' });
    const sbom = sbomOf(damaged)!;
    expect(sbom.components[first]).toEqual({
      name: 'argparse',
      version: undefined,
      purl: undefined,
      licenses: [],
    });
    expect(sbom.componentCount).toBe(26);
    // A package whose name is not a string is left out of the list but not of the count.
    const nameless = sbomOf(replaced(spdx, ['packages', first, 'name'], 7))!;
    expect(nameless.componentCount).toBe(26);
    expect(nameless.components.map((c) => c.name)).not.toContain('argparse');
  });

  it("CycloneDX: nested components that are not a list are not walked, and the parent's count stands", () => {
    const top = (cdx.predicate as { components: { name: string }[] }).components;
    const finalhandler = top.findIndex((c) => c.name === 'finalhandler');
    const sbom = sbomOf(replaced(cdx, ['components', finalhandler, 'components'], { debug: {} }))!;
    expect(sbom.componentCount).toBe(23);
    expect(sbom.components.filter((c) => c.name === 'debug').map((c) => c.version)).toEqual(['4.3.7']);
  });
});

describe('mistyped provenance', () => {
  const github = readFixture('slsa-github-actions-buildtype/workflow-v1-example.json').json as Statement;
  const generator = readFixture('slsa-github-generator/container-v0.2.json').json as Statement;

  it('a v1 buildDefinition or v0.2 builder that is not an object is no view, and says which', () => {
    expect(readView('provenance', replaced(github, ['buildDefinition'], []))).toEqual({
      problem: 'predicate.buildDefinition is a list, not an object',
    });
    expect(readView('provenance', replaced(generator, ['builder'], 'https://github.com/x'))).toEqual({
      problem: 'predicate.builder is "https://github.com/x", not an object',
    });
  });

  it('a number where an id or a time belongs is unknown, not its digits', () => {
    let damaged = replaced(github, ['runDetails', 'metadata', 'invocationId'], 1536140711);
    damaged = replaced(damaged, ['runDetails', 'metadata', 'startedOn'], 1672576496);
    expect(slsaProvenanceOf(damaged)).toMatchObject({
      invocationId: undefined,
      startedOn: undefined,
      builderId: expect.stringContaining('builder_go_slsa3.yml') as unknown,
    });
  });

  it('resolvedDependencies that are not a list give no commit, and the workflow still names the source', () => {
    const view = slsaProvenanceOf(
      replaced(github, ['buildDefinition', 'resolvedDependencies'], 'git+https://x'),
    );
    expect(view).toMatchObject({
      sourceRepository: 'https://github.com/octocat/hello-world',
      sourceRef: 'refs/heads/main',
      sourceDigest: undefined,
    });
  });

  it('a v0.2 config source URI that is not a string gives no repository or ref', () => {
    expect(slsaProvenanceOf(replaced(generator, ['invocation', 'configSource', 'uri'], 42))).toMatchObject({
      sourceRepository: undefined,
      sourceRef: undefined,
      // The digest is stated on its own, so it is still shown.
      sourceDigest: 'e491e4b2ce5bc76fb103729b61b04d3c46d8a192',
    });
  });
});

describe('mistyped OpenVEX', () => {
  const two = cosignAttestStatement(
    'openvex',
    readFixture('openvex-spec/v0.2.0-inheritance-two-statements.json').json,
  ) as Statement;

  it('a statement list that is not a list is no view', () => {
    expect(readView('openVex', replaced(two, ['statements'], {}))).toEqual({
      problem: 'predicate.statements is an object, not a list',
    });
  });

  it('a statement with an unknown status or an unreadable vulnerability is left out but counted', () => {
    let damaged = replaced(two, ['statements', 0, 'status'], 'UNDER_INVESTIGATION');
    damaged = replaced(damaged, ['statements', 1, 'vulnerability'], { name: 12345 });
    expect(openVexOf(damaged)).toMatchObject({ statementCount: 2, statements: [] });
  });

  it("a statement timestamp that is there but unreadable is unknown, not the document's", () => {
    const view = openVexOf(replaced(two, ['statements', 0, 'timestamp'], 1673222523))!;
    expect(view.statements.map((s) => s.timestamp)).toEqual([undefined, '2023-01-09T09:08:42-06:00']);
  });

  it('products and aliases that are not lists are empty, not the one string', () => {
    let damaged = replaced(two, ['statements', 0, 'products'], 'pkg:apk/wolfi/git@2.39.0-r1?arch=armv7');
    damaged = replaced(damaged, ['statements', 0, 'vulnerability', 'aliases'], 'GHSA-xxxx');
    expect(openVexOf(damaged)!.statements[0]).toMatchObject({ products: [], aliases: [] });
  });
});

describe('mistyped cosign vuln records', () => {
  const trivy = cosignAttestStatement(
    'vuln',
    readFixture('trivy-cosign-vuln/alpine-3.10.cosign-vuln.json').json,
  ) as Statement;

  it('a scanner that is not an object gives no scanner fields and no result', () => {
    expect(cosignVulnOf(replaced(trivy, ['scanner'], 'trivy'))).toMatchObject({
      scannerUri: undefined,
      scannerVersion: undefined,
      hasResult: false,
      summary: undefined,
      scanStartedOn: '2022-07-24T17:14:04.864682+09:00',
    });
  });

  it('a report whose Results is not a list has no summary; a severity that is not a string is UNKNOWN', () => {
    expect(cosignVulnOf(replaced(trivy, ['scanner', 'result', 'Results'], {}))!.summary).toBeUndefined();
    const summary = cosignVulnOf(
      replaced(trivy, ['scanner', 'result', 'Results', 0, 'Vulnerabilities', 0, 'Severity'], 4),
    )!.summary;
    expect(summary).toEqual({
      format: 'trivy',
      findings: 1,
      bySeverity: [{ severity: 'UNKNOWN', count: 1 }],
      truncated: false,
    });
  });
});
