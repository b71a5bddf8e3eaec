/**
 * One entry point for the typed views, so the layers above can cache them uniformly and report a
 * predicate of the right type that cannot be read as a clear problem rather than a silent null:
 * a portal shows "this SBOM is malformed: …", not "no SBOM".
 */
import { cosignVulnOf, isCosignVulnPredicateType, type CosignVuln } from './cosign-vuln.js';
import { isOpenVexPredicateType, openVexOf, type OpenVex } from './openvex.js';
import { isCycloneDx } from './cyclonedx.js';
import { isSbomPredicateType, sbomOf, SPDX_DOCUMENT, type Sbom } from './sbom.js';
import { isSpdx } from './spdx.js';
import {
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
  slsaProvenanceOf,
  type SlsaProvenance,
} from './slsa-provenance.js';
import { at, isRecord } from './untrusted-fields.js';

export interface Views {
  readonly sbom: Sbom;
  readonly provenance: SlsaProvenance;
  readonly openVex: OpenVex;
  readonly vulnScan: CosignVuln;
}

export type ViewKind = keyof Views;

export type ViewOutcome<K extends ViewKind> =
  | { readonly view: Views[K]; readonly problem?: undefined }
  | { readonly view?: undefined; readonly problem: string };

/** Whether a statement of `predicateType` has a `kind` view: checked before reading the statement. */
export function hasView(kind: ViewKind, predicateType: string | undefined): boolean {
  switch (kind) {
    case 'sbom':
      return isSbomPredicateType(predicateType);
    case 'provenance':
      return predicateType === SLSA_PROVENANCE_V1 || predicateType === SLSA_PROVENANCE_V02;
    case 'openVex':
      return isOpenVexPredicateType(predicateType);
    case 'vulnScan':
      return isCosignVulnPredicateType(predicateType);
  }
}

/**
 * The `kind` view of `statement` (parsed JSON, or undefined when it is not JSON), for a statement
 * whose predicate type {@link hasView} accepted; or why its predicate cannot be read as one. Never
 * throws: every input is untrusted.
 */
export function readView<K extends ViewKind>(kind: K, statement: unknown): ViewOutcome<K> {
  if (!isRecord(statement)) return { problem: 'the statement is not a JSON object' };
  const predicate = at(statement, 'predicate');
  if (!isRecord(predicate)) return { problem: `its predicate is ${describe(predicate)}, not an object` };
  const view = VIEW_READERS[kind](statement) as Views[K] | undefined;
  return view === undefined ? { problem: whyNot(kind, statement, predicate) } : { view };
}

const VIEW_READERS: { readonly [K in ViewKind]: (statement: unknown) => Views[K] | undefined } = {
  sbom: sbomOf,
  provenance: slsaProvenanceOf,
  openVex: openVexOf,
  vulnScan: cosignVulnOf,
};

/**
 * The first rule of its format the predicate breaks, in the format's own field names; called only
 * when the format's reader gave no view, so the last rule of each format is the one left.
 */
function whyNot(
  kind: ViewKind,
  statement: Record<string, unknown>,
  predicate: Record<string, unknown>,
): string {
  switch (kind) {
    case 'sbom': {
      const type = at(statement, 'predicateType');
      if (typeof type === 'string' && type.startsWith(SPDX_DOCUMENT)) {
        // The formats' own acceptance checks, so a message cannot drift from what the view reads.
        if (!isSpdx(predicate)) {
          return `predicate.spdxVersion is ${describe(predicate.spdxVersion)}, not "SPDX-2.x": not an SPDX 2 JSON document`;
        }
        return `predicate.packages is ${describe(predicate.packages)}, not a list`;
      }
      if (!isCycloneDx(predicate)) {
        return `predicate.bomFormat is ${describe(predicate.bomFormat)}, not "CycloneDX": not a CycloneDX JSON document`;
      }
      return `predicate.components is ${describe(predicate.components)}, not a list`;
    }
    case 'openVex':
      return `predicate.statements is ${describe(predicate.statements)}, not a list`;
    case 'provenance':
      // The object each version requires (slsa-provenance.ts): v1's buildDefinition, v0.2's builder.
      return at(statement, 'predicateType') === SLSA_PROVENANCE_V1
        ? `predicate.buildDefinition is ${describe(predicate.buildDefinition)}, not an object`
        : `predicate.builder is ${describe(predicate.builder)}, not an object`;
    case 'vulnScan':
      // cosign-vuln.ts reads any object predicate: readView has refused the rest already.
      return 'its predicate is not a document of its type';
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
