import type { DiscoveredSignature } from '../discovery/types.js';

/**
 * A verification policy: cosign's `verify` flags, field for field, so a `cosign verify` command line
 * translates directly. Evaluated as pure functions *after* the cryptographic checks.
 */
export interface Policy {
  readonly certificateIdentity?: string;
  readonly certificateIdentityRegexp?: string;
  readonly certificateOidcIssuer?: string;
  readonly certificateOidcIssuerRegexp?: string;
  readonly githubWorkflowRepository?: string;
  readonly githubWorkflowRef?: string;
  readonly githubWorkflowTrigger?: string;
  readonly githubWorkflowSha?: string;
  readonly githubWorkflowName?: string;
  /** PEM public key: key-based verification instead of keyless. */
  readonly key?: string;
  /** Required `optional` annotations of the signed payload (cosign `-a key=value`). */
  readonly annotations?: readonly { readonly key: string; readonly value: string }[];
  readonly ignoreTlog?: boolean;
  readonly ignoreSct?: boolean;
}

/** Stable error codes. Extend, never rename: callers branch on them. */
export type VerificationErrorCode =
  | 'NO_SIGNATURES'
  /** Summary entry of a FAILED digest: cosign's `no matching signatures: ...` (added by verification). */
  | 'NO_MATCHING_SIGNATURES'
  | 'INVALID_POLICY'
  | 'IDENTITY_MISMATCH'
  | 'ISSUER_MISMATCH'
  | 'GITHUB_CLAIM_MISMATCH'
  | 'ANNOTATION_MISMATCH'
  | 'INVALID_SIGNATURE'
  | 'DIGEST_MISMATCH'
  | 'TOO_MANY_SIGNATURES'
  | 'PAYLOAD_TOO_LARGE'
  | 'MALFORMED_SIGNATURE'
  | 'KEY_MISMATCH'
  | 'TLOG_MISSING'
  | 'TLOG_INVALID'
  | 'TLOG_MISMATCH'
  | 'TIMESTAMP_MISSING'
  | 'TIMESTAMP_INVALID'
  | 'CERTIFICATE_MISSING'
  | 'CERTIFICATE_UNTRUSTED'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_INVALID'
  | 'SCT_INVALID'
  | 'REGISTRY_ERROR';

export interface VerificationIssue {
  readonly code: VerificationErrorCode;
  /** cosign's wording where cosign has one (`expected issuer value "X", got "Y"`), so it can be searched. */
  readonly message: string;
}

/** What a signing certificate says about its signer (Fulcio extensions), reported even when policy fails. */
export interface SignerIdentity {
  readonly subjectAlternativeName: string | undefined;
  readonly issuer: string | undefined;
  readonly githubWorkflowTrigger: string | undefined;
  readonly githubWorkflowSha: string | undefined;
  readonly githubWorkflowName: string | undefined;
  readonly githubWorkflowRepository: string | undefined;
  readonly githubWorkflowRef: string | undefined;
}

/** The outcome for one signature. `verified` is true only if crypto *and* policy passed. */
export interface SignatureVerification {
  /** Undefined for entries that could not even be read (a discovery problem). */
  readonly signature: DiscoveredSignature | undefined;
  readonly verified: boolean;
  readonly errors: readonly VerificationIssue[];
  /** Present when a certificate could be parsed, whether or not it verified. */
  readonly identity: SignerIdentity | undefined;
}

export type VerificationStatus = 'VERIFIED' | 'VERIFIED_VIA_INDEX' | 'UNSIGNED' | 'FAILED';

/** The outcome for one manifest digest under one policy. */
export interface DigestVerification {
  readonly digest: string;
  readonly verified: boolean;
  readonly status: VerificationStatus;
  readonly errors: readonly VerificationIssue[];
  readonly signatures: readonly SignatureVerification[];
  /** Index digest whose verified signature covers this manifest, when status is VERIFIED_VIA_INDEX. */
  readonly inheritedFrom: string | undefined;
}
