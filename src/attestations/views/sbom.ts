/**
 * A typed view of an SBOM attestation — SPDX 2.x JSON (`https://spdx.dev/Document`) or CycloneDX
 * 1.4–1.6 JSON (`https://cyclonedx.org/bom`) — read defensively from an untrusted, already
 * size-capped statement: what a portal lists (name, version, purl, licences) without parsing either
 * format itself. Nothing here throws on a malformed predicate: a predicate that is not a document of
 * its format is no view (undefined), and a component without a usable name is skipped.
 *
 * Bounded by construction: at most {@link MAX_SBOM_COMPONENTS} components are read (CycloneDX's
 * nested components included, walked without recursion), each string at most
 * {@link MAX_SBOM_FIELD_LENGTH} characters, at most {@link MAX_COMPONENT_LICENSES} licences each.
 */
import { cycloneDxComponents, isCycloneDx } from './cyclonedx.js';
import { isSpdx, spdxPackages } from './spdx.js';
import { at, boundedString } from './sbom-fields.js';

export const SPDX_DOCUMENT = 'https://spdx.dev/Document';
export const CYCLONEDX_BOM = 'https://cyclonedx.org/bom';

/** Most components read from one document; the rest are counted in `componentCount` only. */
export const MAX_SBOM_COMPONENTS = 50_000;
export { MAX_COMPONENT_LICENSES, MAX_SBOM_FIELD_LENGTH } from './sbom-fields.js';

export type SbomFormat = 'SPDX' | 'CYCLONEDX';

export interface SbomComponent {
  readonly name: string;
  readonly version: string | undefined;
  readonly purl: string | undefined;
  /** SPDX ids, names or expressions, deduplicated, in document order. */
  readonly licenses: readonly string[];
}

export interface Sbom {
  readonly format: SbomFormat;
  /** `SPDX-2.3`, `1.5`, … as the document states it. */
  readonly specVersion: string | undefined;
  /** Components the document lists (SPDX packages; CycloneDX components, nested ones included). */
  readonly componentCount: number;
  /** The components read, at most {@link MAX_SBOM_COMPONENTS}. */
  readonly components: readonly SbomComponent[];
  /** True when the document lists more than were read. */
  readonly truncated: boolean;
}

/**
 * The SBOM view of a statement, or undefined when its predicate type is neither SPDX nor CycloneDX,
 * or its predicate is not a document of that format. Predicate types with a version suffix
 * (`https://spdx.dev/Document/v2.3`, `https://cyclonedx.org/bom/v1.5`) count as well.
 */
export function sbomOf(statement: unknown): Sbom | undefined {
  const type = at(statement, 'predicateType');
  if (typeof type !== 'string') return undefined;
  const predicate = at(statement, 'predicate');
  if (isType(type, SPDX_DOCUMENT)) {
    if (!isSpdx(predicate)) return undefined;
    const read = spdxPackages(predicate, MAX_SBOM_COMPONENTS);
    return read && { format: 'SPDX', specVersion: boundedString(at(predicate, 'spdxVersion')), ...read };
  }
  if (isType(type, CYCLONEDX_BOM)) {
    if (!isCycloneDx(predicate)) return undefined;
    const read = cycloneDxComponents(predicate, MAX_SBOM_COMPONENTS);
    return read && { format: 'CYCLONEDX', specVersion: boundedString(at(predicate, 'specVersion')), ...read };
  }
  return undefined;
}

/** Whether {@link sbomOf} reads this predicate type (checked before parsing the statement at all). */
export function isSbomPredicateType(type: string | undefined): boolean {
  return type !== undefined && (isType(type, SPDX_DOCUMENT) || isType(type, CYCLONEDX_BOM));
}

function isType(type: string, base: string): boolean {
  return type === base || (type.startsWith(`${base}/v`) && type.length <= base.length + 8);
}
