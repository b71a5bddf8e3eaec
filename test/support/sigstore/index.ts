/**
 * A private Sigstore instance for tests, with real cryptography, producing both cosign storage
 * formats. Nothing here is used by `src/`: fixtures must not be produced by the code under test.
 *
 * - `createTestSigstore()` → CA, Rekor-like log, CT log, RFC 3161 TSA, an untrusted second log and
 *   second TSA, `trustedRoot`.
 * - `sigstore.issueCertificate({ san, issuer, github?, ... })` → a Fulcio-style certificate + key.
 * - `generateKeyPair(algorithm)` → a key for cosign `--key` style signatures.
 * - `sigstore.signLegacy({...})` → a `.sig` layer (simple-signing payload + annotations).
 * - `sigstore.signBundle({...})` → a cosign v3 Sigstore bundle v0.3 (DSSE, in-toto statement).
 * - `pushLegacySignatures` / `pushBundleReferrer` / `pushReferrer` / `pushHostileLegacySignatures` →
 *   the registry layouts cosign writes (`.sig` tag; OCI 1.1 referrer + `sha256-<hex>` fallback index).
 * - `legacyToBundleJson(payload, annotations)` → the same as a v0.1 bundle, for @sigstore/verify.
 *
 * ```ts
 * const sigstore = createTestSigstore(); // once per test file
 * const identity = sigstore.issueCertificate({ san: { uri: WORKFLOW }, issuer: GITHUB_ISSUER });
 * const sig = sigstore.signLegacy({ imageDigest: image.digest, dockerReference: `${host}/team/app`, identity });
 * await pushLegacySignatures({ url }, 'team/app', image.digest, [sig]);
 * await pushBundleReferrer({ url }, 'team/app', image, sigstore.signBundle({ imageDigest: image.digest, identity }));
 * // verify with trust root `sigstore.trustedRoot` (or the file from `await sigstore.writeTrustedRoot(dir)`)
 * ```
 * Negative cases are one option away: `payloadOverride`, `rekorCertificateOverride` /
 * `tlogCertificateOverride`, `log: 'other'`, `rfc3161: 'other'`, `tlog: 'none'`, `integratedTime`,
 * `timestampedAt`, `codeSigning: false`, `sct: false`, or a different `imageDigest`.
 */
export { createTestSigstore, type TestSigstore, type TestSigstoreOptions } from './test-sigstore.js';
export {
  FULCIO_OID,
  githubBuildClaims,
  type BuildClaims,
  type GithubWorkflowClaims,
  type IssueCertificateOptions,
  type IssuedCertificate,
} from './fulcio.js';
export { generateKeyPair, type KeyAlgorithm, type TestKeyPair } from './keys.js';
export {
  LEGACY_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  SIMPLE_SIGNING_TYPE,
  simpleSigningPayload,
  type LegacySignatureArtifact,
  type SignLegacyOptions,
} from './legacy.js';
export {
  BUNDLE_V03_MEDIA_TYPE,
  COSIGN_SIGN_PREDICATE_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  cosignSignStatement,
  preAuthEncoding,
  type BundleJson,
  type BundleSignatureArtifact,
  type SignBundleOptions,
} from './bundle.js';
export { legacyToBundleJson, BUNDLE_V01_MEDIA_TYPE } from './legacy-bundle.js';
export { TRUSTED_ROOT_MEDIA_TYPE, type TrustedRootJson } from './trusted-root.js';
export type { TlogEntry, TestTransparencyLog } from './transparency-log.js';
export type { TestTimestampAuthority } from './timestamp-authority.js';
export {
  DSSE_ENVELOPE_MEDIA_TYPE,
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
  STATEMENT_V01,
  STATEMENT_V1,
  inTotoStatement,
  type LegacyAttestationArtifact,
  type SignLegacyAttestationOptions,
  type StatementOptions,
} from './attestation.js';
export {
  pushLegacyAttestations,
  digestTag,
  pushBundleReferrer,
  pushHostileLegacySignatures,
  pushLegacySignatures,
  pushReferrer,
  type PushedManifest,
  type PushedReferrer,
  type ReferrerOptions,
  type SubjectDescriptor,
} from './registry-push.js';
