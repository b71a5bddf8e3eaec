/** Verifying attestations like `cosign verify-attestation`: same crypto and policy as signatures. */
export { resolvePredicateType, MAX_PREDICATE_TYPE_LENGTH } from './predicate-types.js';
export { verifyAttestations } from './verify-attestations.js';
export type * from './types.js';
