import { describe, expect, it } from 'vitest';
import { BUNDLE_PREDICATE_TYPE_ANNOTATION, roleByAnnotation, roleOfBundle } from './bundle-role.js';
import { COSIGN_SIGN_PREDICATE_TYPE } from './in-toto.js';
import { IN_TOTO_PAYLOAD_TYPE } from './media-types.js';
import type { PayloadClaims } from './types.js';

const claims = (type: string | undefined): PayloadClaims => ({
  dockerManifestDigest: undefined,
  dockerReference: undefined,
  type,
  optional: {},
});

describe('roleOfBundle', () => {
  it('calls an in-toto statement with the cosign sign predicate a signature', () => {
    expect(roleOfBundle(IN_TOTO_PAYLOAD_TYPE, claims(COSIGN_SIGN_PREDICATE_TYPE))).toBe('signature');
  });
  it('calls every other in-toto predicate, and none, an attestation', () => {
    expect(roleOfBundle(IN_TOTO_PAYLOAD_TYPE, claims('https://slsa.dev/provenance/v1'))).toBe('attestation');
    expect(roleOfBundle(IN_TOTO_PAYLOAD_TYPE, claims(undefined))).toBe('attestation');
  });
  it('keeps message signatures and non-statement envelopes as signatures, for verification to judge', () => {
    expect(roleOfBundle(undefined, claims(undefined))).toBe('signature');
    expect(roleOfBundle('text/plain', claims(undefined))).toBe('signature');
  });
});

describe('roleByAnnotation', () => {
  it('treats a missing annotation or the sign predicate as a signature', () => {
    expect(roleByAnnotation(undefined)).toBe('signature');
    expect(roleByAnnotation({ [BUNDLE_PREDICATE_TYPE_ANNOTATION]: COSIGN_SIGN_PREDICATE_TYPE })).toBe(
      'signature',
    );
  });
  it('treats any other claimed predicate type as an attestation', () => {
    expect(roleByAnnotation({ [BUNDLE_PREDICATE_TYPE_ANNOTATION]: 'https://spdx.dev/Document' })).toBe(
      'attestation',
    );
  });
});
