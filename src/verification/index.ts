/**
 * Verification: pure computation over discovered signatures and trust material (no I/O except
 * loading trust roots: at start-up, and refreshing them through TUF in the background). Crypto via @sigstore/verify plus the checks it lacks; policy
 * as pure functions with cosign's semantics and messages.
 */
export { describeCertificate } from './certificate/index.js';
export type { CertificateDescription } from './certificate/index.js';
export { PolicyError, TrustRootError } from './errors.js';
export { compilePolicy, validatePolicy, type CompiledPolicy } from './policy/index.js';
export { CERTIFICATE_CLAIM_MISMATCH, GITHUB_HOSTED_RUNNER } from './policy/index.js';
export {
  checkPolicyLimits,
  checkRegexpCaps,
  checkRegexpSizeTotal,
  estimateRegexpSize,
  policyRegexps,
  POLICY_LIMITS,
} from './policy/index.js';
// CEL conditions (src/attestations/conditions) run `matches` on the same engine and memo.
export { compilePolicyRegexp, type PolicyRegexp } from './policy/index.js';
export { FULCIO_CLAIMS, NO_FULCIO_CLAIMS } from './fulcio-claims.js';
export type { FulcioClaimField, FulcioClaimRegexpField, FulcioClaims } from './fulcio-claims.js';
export {
  loadTrustRoot,
  parseTrustRoot,
  RefreshingTrustRoot,
  TrustRootSet,
  trustRootsForPolicy,
  trustRootsKey,
} from './trust/index.js';
export type {
  NamedTrustRoot,
  ParseTrustRootOptions,
  RefreshOutcome,
  TrustRoot,
  TrustRootSnapshot,
  TrustRootState,
} from './trust/index.js';
export type * from './types.js';
export { verifyBundleArtifact } from './verify-artifact.js';
export { summarizeDigest, verifyDigest, verifySignatures } from './verify-digest.js';
export type { SignatureOutcome, TrustRootsToTry } from './verify-signature.js';
// The building blocks attestation verification (src/attestations/verification) shares with
// signatures: the same cryptographic checks, the same policy, the same error classification.
export { runSignatureCheck, type SignatureCheck } from './verify-signature.js';
export { SignatureCheckError } from './errors.js';
export {
  bundleEntity,
  legacyDsseEntity,
  type LegacyDsseMaterial,
  type PreparedEntity,
} from './sigstore/index.js';
