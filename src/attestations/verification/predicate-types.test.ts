import { describe, expect, it } from 'vitest';
import { resolvePredicateType } from './predicate-types.js';

describe('resolvePredicateType', () => {
  it.each([
    ['custom', 'https://cosign.sigstore.dev/attestation/v1'],
    ['slsaprovenance', 'https://slsa.dev/provenance/v0.2'],
    ['slsaprovenance02', 'https://slsa.dev/provenance/v0.2'],
    ['slsaprovenance1', 'https://slsa.dev/provenance/v1'],
    ['link', 'https://in-toto.io/Link/v1'],
    ['spdx', 'https://spdx.dev/Document'],
    ['spdxjson', 'https://spdx.dev/Document'],
    ['cyclonedx', 'https://cyclonedx.org/bom'],
    ['vuln', 'https://cosign.sigstore.dev/attestation/vuln/v1'],
    ['openvex', 'https://openvex.dev/ns'],
  ])('maps cosign’s short name %s to %s', (name, uri) => {
    expect(resolvePredicateType(name)).toBe(uri);
  });

  it('takes anything else as a URI, exactly (no case folding, no inherited object keys)', () => {
    expect(resolvePredicateType('https://example.com/P/v1')).toBe('https://example.com/P/v1');
    expect(resolvePredicateType('SLSAPROVENANCE1')).toBe('SLSAPROVENANCE1');
    expect(resolvePredicateType('toString')).toBe('toString');
  });

  it('refuses an empty or oversized predicate type', () => {
    expect(() => resolvePredicateType('')).toThrow(RangeError);
    expect(() => resolvePredicateType('x'.repeat(1025))).toThrow(RangeError);
  });
});
