import type { VerificationCache, ContentMemo } from '../cache/index.js';
import type { DiscoveryLimits } from '../discovery/index.js';
import type { RegistryClient } from '../registry/types.js';
import { ImageService } from '../services/index.js';
import type { IndexMembership } from '../services/index-membership.js';
import { AttestationContentService } from '../services/attestation-content.js';
import { AttestationService } from '../services/attestation-service.js';
import { VerificationService } from '../services/verification-service.js';
import type { TrustRootSet } from '../verification/index.js';

/** What every resolver gets: services built for this one request (their loaders die with it). */
export interface GraphQLContext {
  readonly images: ImageService;
  readonly verification: VerificationService;
  readonly attestations: AttestationService;
  /** Typed views of attestation statements (SBOM, provenance, VEX, vuln scan). */
  readonly attestationContent: AttestationContentService;
}

/** Long-lived dependencies the per-request context is built from. */
export interface ContextDependencies {
  readonly registry: RegistryClient;
  readonly maxConfigBytes: number;
  /** Read once per request: a request verifies against the roots in force when it began. */
  readonly trustRoots: TrustRootSet;
  readonly discoveryLimits: DiscoveryLimits;
  /** Process-wide: which index lists which manifest (for hints); outlives requests on purpose. */
  readonly membership: IndexMembership;
  /** Process-wide verdict cache; without it verdicts live only as long as one request. */
  readonly verifications?: VerificationCache;
  /**
   * Process-wide views and parsed blobs by digest (IMPRIMATUR_CACHE_VIEWS_MAX_BYTES); without it
   * they live only as long as one request.
   */
  readonly memo?: ContentMemo;
  /** Bound of the opt-in tag scan behind `findSignedIndex` (`IMPRIMATUR_HINT_SCAN_MAX_TAGS`). */
  readonly hintScanMaxTags?: number;
}

/** Called once per HTTP request, never shared: DataLoader caches must not leak between callers. */
export function createContext(deps: ContextDependencies, signal?: AbortSignal): GraphQLContext {
  // The roots in force when the request began, for the whole request, shared by signatures and
  // attestations: a rotation mid-request must not mix verdicts under two versions of a root.
  const trustRoots = deps.trustRoots.snapshot();
  const verification = new VerificationService({
    registry: deps.registry,
    trustRoots,
    limits: deps.discoveryLimits,
    membership: deps.membership,
    cache: deps.verifications,
    hintScanMaxTags: deps.hintScanMaxTags,
    signal,
    memo: deps.memo,
  });
  return {
    images: new ImageService({ registry: deps.registry, maxConfigBytes: deps.maxConfigBytes, signal }),
    verification,
    // Shares the signature service's discovery: bundle referrers are fetched once for both.
    attestations: new AttestationService({
      registry: deps.registry,
      trustRoots,
      limits: deps.discoveryLimits,
      signatures: verification,
      cache: deps.verifications,
      signal,
      memo: deps.memo,
    }),
    attestationContent: new AttestationContentService(deps.memo),
  };
}
