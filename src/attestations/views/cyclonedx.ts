/**
 * CycloneDX 1.4–1.6 JSON (https://cyclonedx.org/docs/1.5/json/): `components`, each with `name`,
 * `version`, `purl` and `licenses` (entries `{license: {id | name}}` or `{expression}`), and nested
 * `components` of their own. `metadata.component` is the subject itself, not a component of it.
 */
import type { SbomComponent } from './sbom.js';
import { addLicense, at, boundedString, isRecord } from './sbom-fields.js';

/** Most licence entries looked at per component. */
const MAX_LICENSE_ENTRIES = 64;

/** A CycloneDX BOM: `bomFormat` is `CycloneDX` (required by the JSON schema of every 1.x). */
export function isCycloneDx(predicate: unknown): boolean {
  return at(predicate, 'bomFormat') === 'CycloneDX';
}

/**
 * Components depth-first in document order, nested ones after their parent, with an explicit stack
 * (a hostile document can nest deeply). Undefined when `components` is there but not an array.
 */
export function cycloneDxComponents(
  bom: unknown,
  max: number,
): { components: SbomComponent[]; componentCount: number; truncated: boolean } | undefined {
  const top = at(bom, 'components');
  if (top === undefined) return { components: [], componentCount: 0, truncated: false };
  if (!Array.isArray(top)) return undefined;
  const components: SbomComponent[] = [];
  let seen = 0;
  const stack: { list: unknown[]; next: number }[] = [{ list: top, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.list.length) {
      stack.pop();
      continue;
    }
    const value: unknown = frame.list[frame.next++];
    seen++;
    if (seen > max) {
      // Count what is left at this level and above without reading it; nested lists left unread
      // are not counted, so componentCount is a lower bound once truncated.
      for (const f of stack) seen += Math.max(0, f.list.length - f.next);
      return { components, componentCount: seen, truncated: true };
    }
    const component = cycloneDxComponent(value);
    if (component !== undefined) components.push(component);
    const nested = at(value, 'components');
    if (Array.isArray(nested) && nested.length > 0) stack.push({ list: nested, next: 0 });
  }
  return { components, componentCount: seen, truncated: false };
}

function cycloneDxComponent(value: unknown): SbomComponent | undefined {
  if (!isRecord(value)) return undefined;
  const name = boundedString(value['name']);
  if (name === undefined) return undefined;
  const licenses: string[] = [];
  const entries = value['licenses'];
  if (Array.isArray(entries)) {
    for (const entry of entries.slice(0, MAX_LICENSE_ENTRIES)) {
      addLicense(licenses, at(entry, 'expression'));
      addLicense(licenses, at(entry, 'license', 'id') ?? at(entry, 'license', 'name'));
    }
  }
  return {
    name,
    version: boundedString(value['version']),
    purl: boundedString(value['purl']),
    licenses,
  };
}
