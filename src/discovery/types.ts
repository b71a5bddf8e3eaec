/**
 * What discovery hands to verification: signatures found for one manifest digest, parsed defensively
 * but *not* yet trusted. Nothing here has been cryptographically checked.
 */

/** The two ways cosign stores signatures in a registry. */
export type SignatureKind = 'legacy-tag' | 'bundle-referrer';

/** Claims read from the signed payload (simple-signing JSON, or the in-toto statement of a bundle). */
export interface PayloadClaims {
  /** `critical.image.docker-manifest-digest`, or the in-toto subject's sha256 digest. */
  readonly dockerManifestDigest: string | undefined;
  /** `critical.identity.docker-reference` (legacy format only). */
  readonly dockerReference: string | undefined;
  /** `critical.type` for simple signing; the in-toto `predicateType` for bundles. */
  readonly type: string | undefined;
  /**
   * `optional` of simple signing (cosign `-a key=value` annotations); for bundles, the `annotations` of
   * the in-toto subject naming this digest, which is where cosign v3 writes `-a key=value`.
   */
  readonly optional: Readonly<Record<string, unknown>>;
}

/** The cosign `dev.sigstore.cosign/bundle` annotation: a Rekor SET plus the entry it covers. */
export interface RekorBundleAnnotation {
  /** base64 ECDSA signature by the log over the canonical JSON of the payload below. */
  readonly signedEntryTimestamp: string;
  /** base64 canonicalized Rekor entry body. */
  readonly body: string;
  readonly integratedTime: number;
  readonly logIndex: number;
  /** hex SHA-256 of the log's public key. */
  readonly logId: string;
}

/** cosign's legacy format: one layer of the `sha256-<hex>.sig` manifest. */
export interface LegacySignature {
  readonly kind: 'legacy-tag';
  /** The manifest digest we looked signatures up for. */
  readonly subjectDigest: string;
  /** Digest of the `.sig` manifest holding this layer. */
  readonly manifestDigest: string;
  /** Digest of the simple-signing layer (the payload blob). */
  readonly layerDigest: string;
  /** The exact payload bytes that were signed (digest-checked against `layerDigest`). */
  readonly payload: Uint8Array;
  /** `dev.cosignproject.cosign/signature`: base64 signature over `payload`. */
  readonly signature: string;
  /** `dev.sigstore.cosign/certificate`: PEM leaf (keyless), absent for key-based signatures. */
  readonly certificatePem: string | undefined;
  /** `dev.sigstore.cosign/chain`: PEM intermediates and root. */
  readonly chainPem: string | undefined;
  readonly rekorBundle: RekorBundleAnnotation | undefined;
  /** `dev.sigstore.cosign/rfc3161timestamp`: DER timestamp response token. */
  readonly rfc3161Timestamp: Uint8Array | undefined;
  readonly claims: PayloadClaims;
  /** All layer annotations as stored. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** A Sigstore bundle (v0.3 by default since cosign v3) attached as an OCI referrer. */
export interface BundleSignature {
  readonly kind: 'bundle-referrer';
  readonly subjectDigest: string;
  /** Digest of the referrer manifest. */
  readonly manifestDigest: string;
  /** Digest of the bundle layer blob. */
  readonly layerDigest: string;
  /** Bundle media type from the referrer's artifactType / layer. */
  readonly bundleMediaType: string;
  /** The bundle JSON, parsed but not validated: verification validates it with @sigstore/bundle. */
  readonly bundle: unknown;
  /** DSSE payload type (`application/vnd.in-toto+json`) or undefined for message-signature bundles. */
  readonly payloadType: string | undefined;
  readonly claims: PayloadClaims;
  /** The referrer manifest's annotations. */
  readonly annotations: Readonly<Record<string, string>>;
}

export type DiscoveredSignature = LegacySignature | BundleSignature;

/** Codes for problems found while discovering (before any cryptography). */
export type DiscoveryProblemCode =
  'TOO_MANY_SIGNATURES' | 'PAYLOAD_TOO_LARGE' | 'MALFORMED_SIGNATURE' | 'DIGEST_MISMATCH' | 'REGISTRY_ERROR';

/** A signature (or listing) that could not be read. Verification reports it as a failed entry, never skips it silently. */
export interface DiscoveryProblem {
  readonly code: DiscoveryProblemCode;
  readonly message: string;
  /** The manifest or layer digest concerned, when known. */
  readonly source: string | undefined;
}

export interface DiscoveryResult {
  readonly subjectDigest: string;
  readonly signatures: readonly DiscoveredSignature[];
  readonly problems: readonly DiscoveryProblem[];
}
