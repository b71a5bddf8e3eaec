/** Defensive readers shared by the SPDX and CycloneDX views (see sbom.ts). */

/** Longest string a component field carries (names, versions, purls, licence expressions). */
export const MAX_SBOM_FIELD_LENGTH = 1024;
/** Most licences kept per component (real ones list one to a few). */
export const MAX_COMPONENT_LICENSES = 16;

/** The value at `path` in nested plain objects, or undefined (arrays and primitives end the walk). */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function boundedString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= MAX_SBOM_FIELD_LENGTH
    ? value
    : undefined;
}

/** Adds a licence unless already there, empty, too long, or the component already has the maximum. */
export function addLicense(licenses: string[], value: unknown): void {
  const license = boundedString(value);
  if (license !== undefined && licenses.length < MAX_COMPONENT_LICENSES && !licenses.includes(license))
    licenses.push(license);
}
