/**
 * Cryptographic verification of one signed entity (legacy `.sig` layer or Sigstore bundle) through
 * @sigstore/verify, plus the checks it lacks. Internal to src/verification.
 */
export { bundleEntity } from './bundle-entity.js';
export { classifyError } from './classify-error.js';
export { legacyEntity, type PreparedEntity } from './legacy-entity.js';
export {
  bundleClaims,
  COSIGN_SIGN_PREDICATE_TYPE,
  simpleSigningClaims,
  type SignedClaims,
} from './signed-claims.js';
export { verifyPreparedEntity, type EntityCheckOptions } from './verify-entity.js';
export { legacyDsseEntity, type LegacyDsseMaterial } from './legacy-dsse-entity.js';
