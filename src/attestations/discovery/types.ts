/**
 * What attestation discovery hands on: in-toto statements found for one manifest digest, in the three
 * places they are stored, parsed defensively but *not* trusted. Nothing here is verified.
 */
import type { BundleSignature, DiscoveryProblem, RekorBundleAnnotation } from '../../discovery/index.js';

/** One subject of an in-toto statement: a name and a DigestSet (algorithm → hex), as stored. */
export interface StatementSubject {
  readonly name: string | undefined;
  readonly digest: Readonly<Record<string, string>>;
}

/** An in-toto statement (`_type` v0.1 or v1), read but unverified. */
export interface InTotoStatement {
  /** `_type`: `https://in-toto.io/Statement/v0.1` (BuildKit before v0.31, cosign legacy) or `/v1`. */
  readonly type: string | undefined;
  readonly predicateType: string | undefined;
  readonly subjects: readonly StatementSubject[];
  /** The statement bytes exactly as stored: what the edges show, within their own size cap. */
  readonly bytes: Uint8Array;
}

/** A DSSE envelope (`application/vnd.dsse.envelope.v1+json`), as cosign stores it in a `.att` layer. */
export interface DsseEnvelope {
  readonly payloadType: string;
  /** The decoded payload: the bytes the signature covers (with the payload type, via PAE). */
  readonly payload: Uint8Array;
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[];
}

/** cosign's legacy format: one layer of the `sha256-<hex>.att` image. */
export interface LegacyAttestation {
  readonly kind: 'legacy-tag';
  readonly subjectDigest: string;
  /** Digest of the `.att` manifest. */
  readonly manifestDigest: string;
  /** Digest of the envelope layer. */
  readonly layerDigest: string;
  readonly envelope: DsseEnvelope;
  /** Undefined when the envelope is not an in-toto statement (verification then says why). */
  readonly statement: InTotoStatement | undefined;
  readonly certificatePem: string | undefined;
  readonly chainPem: string | undefined;
  readonly rekorBundle: RekorBundleAnnotation | undefined;
  readonly rfc3161Timestamp: Uint8Array | undefined;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A Sigstore bundle referrer holding a DSSE statement (cosign v3 `attest`, GitHub's attest actions). */
export interface BundleAttestation {
  readonly kind: 'bundle-referrer';
  readonly subjectDigest: string;
  /** The referrer as signature discovery read it (same fetches): bundle JSON, annotations, digests. */
  readonly referrer: BundleSignature;
  readonly statement: InTotoStatement | undefined;
}

/** A BuildKit attestation manifest's layer: a bare statement, never signed. */
export interface BuildKitAttestation {
  readonly kind: 'buildkit';
  /** The platform manifest it describes (`vnd.docker.reference.digest`). */
  readonly subjectDigest: string;
  /** The attestation manifest inside the index. */
  readonly manifestDigest: string;
  readonly layerDigest: string;
  readonly statement: InTotoStatement;
  /** The layer's annotations (`in-toto.io/predicate-type`). */
  readonly annotations: Readonly<Record<string, string>>;
}

export type DiscoveredAttestation = LegacyAttestation | BundleAttestation | BuildKitAttestation;

/** One source's contribution. */
export interface AttestationFindings {
  readonly attestations: readonly DiscoveredAttestation[];
  readonly problems: readonly DiscoveryProblem[];
}

export interface AttestationDiscoveryResult extends AttestationFindings {
  readonly subjectDigest: string;
  /**
   * BuildKit statements that could not be read. Kept apart from `problems`: nothing signs BuildKit
   * statements, so an unreadable one says nothing about whether a signed attestation verifies.
   */
  readonly unsignedProblems: readonly DiscoveryProblem[];
}
