import { COSIGN_SIGN_PREDICATE_TYPE } from './in-toto.js';
import { IN_TOTO_PAYLOAD_TYPE } from './media-types.js';
import type { PayloadClaims } from './types.js';

/**
 * Referrer annotation cosign v3 (`WriteAttestationNewBundleFormat`) and GitHub's attest actions put
 * on a bundle referrer: the predicate type of the statement inside. Outside the signature, so only
 * ever a hint: the statement decides whenever it can be read.
 */
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

/** What a bundle referrer is for: signing the image, or saying something about it. */
export type BundleRole = 'signature' | 'attestation';

/**
 * Only cosign's signature predicate makes a DSSE bundle a signature. cosign v3.1's own `verify`
 * accepts any DSSE bundle whose signer matches, so an SLSA provenance or SBOM attestation by the
 * trusted identity would count as a signature there; that is the type confusion of
 * GHSA-w6c6-c85g-mmv6 (fixed in `verify-attestation`), and we do not repeat it. Message-signature
 * bundles sign a digest, not a statement: always signatures. A DSSE envelope that is not an in-toto
 * statement stays a signature candidate, so verification reports it rather than it vanishing.
 */
export function roleOfBundle(payloadType: string | undefined, claims: PayloadClaims): BundleRole {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return 'signature';
  return claims.type === COSIGN_SIGN_PREDICATE_TYPE ? 'signature' : 'attestation';
}

/**
 * The role a referrer claims by annotation, for referrers whose content cannot be read: a broken
 * attestation must not make the image's *signature* verification FAILED, and a broken referrer
 * without the annotation (or claiming the sign predicate) stays a signature problem, as before.
 */
export function roleByAnnotation(annotations: Readonly<Record<string, string>> | undefined): BundleRole {
  const claimed = annotations?.[BUNDLE_PREDICATE_TYPE_ANNOTATION];
  return claimed === undefined || claimed === COSIGN_SIGN_PREDICATE_TYPE ? 'signature' : 'attestation';
}
