import type { PayloadClaims } from '../../discovery/types.js';
import type { Policy, VerificationIssue } from '../types.js';

/**
 * The signed payload must name THIS manifest digest: a valid signature for another image (copied
 * next to ours by anyone with push access) proves nothing about ours. cosign's message, verbatim.
 */
export function checkDigestClaim(claims: PayloadClaims, subjectDigest: string): VerificationIssue[] {
  if (claims.dockerManifestDigest === subjectDigest) return [];
  return [
    {
      code: 'DIGEST_MISMATCH',
      message: `invalid or missing digest in claim: ${claims.dockerManifestDigest ?? ''}`,
    },
  ];
}

/**
 * cosign `-a key=value`: every required annotation must be present in the payload's `optional` map
 * with exactly that string value (cosign compares `have[k] != v`). cosign's message, verbatim.
 */
export function checkAnnotations(policy: Policy, claims: PayloadClaims): VerificationIssue[] {
  const wanted = policy.annotations ?? [];
  const ok = wanted.every(
    ({ key, value }) => Object.hasOwn(claims.optional, key) && claims.optional[key] === value,
  );
  return ok ? [] : [{ code: 'ANNOTATION_MISMATCH', message: 'missing or incorrect annotation' }];
}
