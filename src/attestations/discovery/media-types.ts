/** Names BuildKit and cosign write for attestations, spelled once (a typo would hide attestations). */

/** Layer media type of a cosign legacy `.att` attestation: a DSSE envelope. */
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';

/** Layer annotation cosign writes on `.att` layers: the statement's predicate type (a hint only). */
export const LEGACY_PREDICATE_TYPE_ANNOTATION = 'predicateType';

/** BuildKit: layer media type of a bare in-toto statement. */
export const IN_TOTO_LAYER_MEDIA_TYPE = 'application/vnd.in-toto+json';

/** BuildKit: per-layer predicate type annotation. */
export const IN_TOTO_PREDICATE_TYPE_ANNOTATION = 'in-toto.io/predicate-type';

/** BuildKit: index entry annotations marking an attestation manifest and naming its image. */
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
export const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';
export const ATTESTATION_MANIFEST_REFERENCE_TYPE = 'attestation-manifest';

/** `sha256:<hex>` → cosign's legacy attestation tag `sha256-<hex>.att`. */
export function legacyAttestationTag(digest: string): string {
  return `${digest.replace(':', '-')}.att`;
}
