/**
 * SPDX 2.x JSON (https://spdx.github.io/spdx-spec/v2.3/): the document's `packages`, each with
 * `name`, `versionInfo`, a purl in `externalRefs` (category `PACKAGE-MANAGER`, or 2.2's
 * `PACKAGE_MANAGER`, type `purl`) and `licenseConcluded` / `licenseDeclared` unless NOASSERTION or NONE.
 */
import type { SbomComponent } from './sbom.js';
import { addLicense, at, boundedString, isRecord } from './sbom-fields.js';

const NO_LICENSE = new Set(['NOASSERTION', 'NONE']);
/** Most `externalRefs` looked at per package while finding its purl. */
const MAX_EXTERNAL_REFS = 64;

/** An SPDX 2.x document: an object whose `spdxVersion` is `SPDX-2.<n>`. */
export function isSpdx(predicate: unknown): boolean {
  const version = at(predicate, 'spdxVersion');
  return typeof version === 'string' && /^SPDX-2\.\d{1,2}$/.test(version);
}

/** Undefined when `packages` is there but not an array: not a document we can read. */
export function spdxPackages(
  document: unknown,
  max: number,
): { components: SbomComponent[]; componentCount: number; truncated: boolean } | undefined {
  const packages = at(document, 'packages');
  if (packages === undefined) return { components: [], componentCount: 0, truncated: false };
  if (!Array.isArray(packages)) return undefined;
  const components: SbomComponent[] = [];
  const end = Math.min(packages.length, max);
  for (let i = 0; i < end; i++) {
    const component = spdxPackage(packages[i]);
    if (component !== undefined) components.push(component);
  }
  return { components, componentCount: packages.length, truncated: packages.length > max };
}

function spdxPackage(value: unknown): SbomComponent | undefined {
  if (!isRecord(value)) return undefined;
  const name = boundedString(value['name']);
  if (name === undefined) return undefined;
  const licenses: string[] = [];
  for (const field of ['licenseConcluded', 'licenseDeclared']) {
    const license = value[field];
    if (typeof license !== 'string' || !NO_LICENSE.has(license)) addLicense(licenses, license);
  }
  return {
    name,
    version: boundedString(value['versionInfo']),
    purl: purlOf(value['externalRefs']),
    licenses,
  };
}

function purlOf(refs: unknown): string | undefined {
  if (!Array.isArray(refs)) return undefined;
  for (const ref of refs.slice(0, MAX_EXTERNAL_REFS)) {
    const category = at(ref, 'referenceCategory');
    if (
      (category === 'PACKAGE-MANAGER' || category === 'PACKAGE_MANAGER') &&
      at(ref, 'referenceType') === 'purl'
    )
      return boundedString(at(ref, 'referenceLocator'));
  }
  return undefined;
}
