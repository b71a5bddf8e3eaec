/** Defensive readers shared by the SPDX and CycloneDX views (see sbom.ts). */
import { at, isRecord, stringUpTo } from './untrusted-fields.js';

/** Longest string a component field carries (names, versions, purls, licence expressions). */
export const MAX_SBOM_FIELD_LENGTH = 1024;
/** Most licences kept per component (real ones list one to a few). */
export const MAX_COMPONENT_LICENSES = 16;

export { at, isRecord };

export function boundedString(value: unknown): string | undefined {
  return stringUpTo(value, MAX_SBOM_FIELD_LENGTH);
}

/** Adds a licence unless already there, empty, too long, or the component already has the maximum. */
export function addLicense(licenses: string[], value: unknown): void {
  const license = boundedString(value);
  if (license !== undefined && licenses.length < MAX_COMPONENT_LICENSES && !licenses.includes(license))
    licenses.push(license);
}
