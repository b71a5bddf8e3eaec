import type { ImageService } from '../services/index.js';
import type { AttestationService } from '../services/attestation-service.js';
import type { VerificationService } from '../services/verification-service.js';

/**
 * The per-request services the REST routes run on: the same classes GraphQL resolvers use, built
 * by the same factory (server.ts hands both edges one), so the two edges cannot disagree.
 */
export interface RequestServices {
  readonly images: ImageService;
  readonly verification: VerificationService;
  readonly attestations: AttestationService;
}

/** Builds fresh services for one request; `signal` aborts its registry requests when the caller leaves. */
export type RequestServicesFactory = (signal: AbortSignal) => RequestServices;
