/** Finding cosign signatures of a manifest digest in a registry, and reading what they claim. */
export {
  discoverSignatures,
  startBundleReferrerDiscovery,
  startDiscovery,
  type Discovery,
  type DiscoveryOptions,
} from './discover.js';
export type { DiscoveryLimits, Findings } from './discovery-context.js';
export { DiscoveryError, type DiscoveryErrorCode } from './errors.js';
export { parseSimpleSigningPayload } from './simple-signing.js';
export { parseInTotoStatement, COSIGN_SIGN_PREDICATE_TYPE } from './in-toto.js';
export { readSigstoreBundle } from './sigstore-bundle.js';
export { parseRekorBundleAnnotation, parseRfc3161TimestampAnnotation } from './cosign-annotations.js';
export {
  ANNOTATION,
  IN_TOTO_PAYLOAD_TYPE,
  SIGSTORE_BUNDLE_V03_MEDIA_TYPE,
  SIMPLE_SIGNING_MEDIA_TYPE,
  legacySignatureTag,
} from './media-types.js';
export type * from './types.js';
// The building blocks attestation discovery (src/attestations/discovery) shares with signatures:
// the same caps, the same failure rule, the same defensive JSON reading.
export {
  attestationBytesCap,
  type DiscoveryContext,
  FETCH_CONCURRENCY,
  fetchPayload,
} from './discovery-context.js';
export { mapBounded } from './bounded-concurrency.js';
export { isNotFound, problemFromFailure } from './registry-failures.js';
export { malformed } from './errors.js';
export {
  describe,
  goArray,
  goObject,
  goString,
  isJsonObject,
  parseUntrustedJson,
  quote,
  requireObject,
} from './untrusted-json.js';
export { BUNDLE_PREDICATE_TYPE_ANNOTATION } from './bundle-role.js';
export { memoized, memoizedSync, payloadMemoKey, type PayloadMemo } from './payload-memo.js';
