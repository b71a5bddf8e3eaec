import type { Descriptor, RegistryClient, RepositoryRef } from '../registry/types.js';
import type { PayloadMemo } from './payload-memo.js';
import type { BundleSignature, DiscoveredSignature, DiscoveryProblem } from './types.js';

/** Caps against hostile registries; see {@link discoverSignatures}. */
export interface DiscoveryLimits {
  /** Most signature layers / bundle referrers read for one digest (cosign: 1000). */
  readonly maxSignatures: number;
  /** Most bytes of one signature payload or bundle blob. */
  readonly maxPayloadBytes: number;
  /**
   * Most bytes of one attestation blob (an SBOM can be megabytes; a signature never is). Applies to
   * bundle referrers that say they hold an attestation, `.att` layers and BuildKit statements.
   * Undefined: {@link maxPayloadBytes}.
   */
  readonly maxAttestationBytes?: number;
}

/** The cap on one attestation blob under `limits`. */
export function attestationBytesCap(limits: DiscoveryLimits): number {
  return limits.maxAttestationBytes ?? limits.maxPayloadBytes;
}

/** Everything one look-up needs, passed down to each format's reader. */
export interface DiscoveryContext {
  readonly client: RegistryClient;
  /** Where the signatures are stored (the image's repository unless cosign's `COSIGN_REPOSITORY` moved them). */
  readonly repository: RepositoryRef;
  readonly subjectDigest: string;
  readonly limits: DiscoveryLimits;
  readonly signal: AbortSignal;
  /** Parsed blobs kept across requests (see payload-memo.ts); absent: every read parses. */
  readonly memo?: PayloadMemo;
}

/** What one format contributed. */
export interface Findings {
  readonly signatures: readonly DiscoveredSignature[];
  readonly problems: readonly DiscoveryProblem[];
  /**
   * Bundle referrers that hold an attestation (an in-toto statement of any predicate type but
   * cosign's signature predicate), read from the same listing and fetches as the signatures, so one
   * fetch set serves both questions. Never signatures; attestation discovery picks them up.
   */
  readonly attestations: readonly BundleSignature[];
  /** Referrers that could not be read and say (by annotation) they are attestations: not signature failures. */
  readonly attestationProblems: readonly DiscoveryProblem[];
}

export const NOTHING_FOUND: Findings = {
  signatures: [],
  problems: [],
  attestations: [],
  attestationProblems: [],
};

/**
 * Requests in flight per format. Enough to hide registry latency for the usual one to ten signatures,
 * few enough that a 1000-entry listing does not turn into a burst the registry rate-limits.
 */
export const FETCH_CONCURRENCY = 8;

/**
 * Fetches one payload blob. The descriptor's size is checked *before* asking (a layer that admits to
 * being too large costs no request), the client enforces the cap while reading (a descriptor that lies
 * about its size cannot make us buffer more), and the client checks the digest. The length is compared
 * with the descriptor afterwards, as go-containerregistry does: a digest match with another size means
 * the manifest lied about the blob.
 */
export async function fetchPayload(
  context: DiscoveryContext,
  layer: Descriptor,
  cap: { readonly maxBytes: number; readonly what: string } = {
    maxBytes: context.limits.maxPayloadBytes,
    what: 'signature blob',
  },
): Promise<{ readonly bytes: Uint8Array } | { readonly problem: DiscoveryProblem }> {
  const { maxBytes, what } = cap;
  if (layer.size > maxBytes) {
    return {
      problem: {
        code: 'PAYLOAD_TOO_LARGE',
        message: `${what} ${layer.digest} is ${layer.size} bytes, more than the ${maxBytes} allowed`,
        source: layer.digest,
      },
    };
  }
  const bytes = await context.client.fetchBlob(context.repository, layer.digest, {
    maxBytes,
    signal: context.signal,
  });
  if (bytes.length !== layer.size) {
    return {
      problem: {
        code: 'DIGEST_MISMATCH',
        message: `${what} ${layer.digest} is ${bytes.length} bytes but its descriptor says ${layer.size}`,
        source: layer.digest,
      },
    };
  }
  return { bytes };
}
