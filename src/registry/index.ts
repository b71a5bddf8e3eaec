/**
 * The OCI distribution client: the only way the rest of the service talks to registries.
 * Everything returned has been digest-checked and size-capped; see `client.ts` for the entry point.
 */
export { createRegistryClient, type RegistryClientOptions } from './client.js';
export type { ExchangeObserver, ExchangeOutcome, ObservedExchange } from './transport/exchange-observer.js';
export {
  RequestBudget,
  RequestBudgetError,
  isBudgetRefusal,
  withRequestBudget,
  currentRequestBudget,
  type RequestBudgetLimits,
} from './transport/request-budget.js';
export type { RefusedBy } from './transport/registry-limits.js';
export { onAbort } from './transport/abortable.js';
export { ConcurrencyGate, type Release } from './transport/concurrency-gate.js';
export { RegistryError, type RegistryErrorCode, type RegistryErrorDetails } from './errors.js';
export {
  MediaType,
  DOCKER_REFERENCE_TYPE,
  DOCKER_REFERENCE_DIGEST,
  isAttestationDescriptor,
  isImageMediaType,
  isIndexMediaType,
  isManifestMediaType,
  isSchema1MediaType,
  manifestAcceptHeader,
  normalizeMediaType,
  type ImageMediaType,
  type IndexMediaType,
  type KnownMediaType,
  type ManifestAcceptance,
  type ManifestMediaType,
} from './media-types.js';
export { parseManifest } from './manifest/parse.js';
export { digestToTag, isDigest, isSha256Digest, sha256Of } from './digest.js';
export { DEFAULT_REFERRERS_LIMIT, MAX_REFERRERS_PAGES } from './referrers/list-referrers.js';
export { DEFAULT_TAGS_LIMIT, MAX_TAGS_LIMIT } from './tags/list-tags.js';
export type * from './types.js';
