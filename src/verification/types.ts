import type { DiscoveredSignature } from '../discovery/types.js';
import type { FulcioClaimField, FulcioClaimRegexpField, FulcioClaims } from './fulcio-claims.js';

/**
 * A verification policy: cosign's `verify` flags, field for field, so a `cosign verify` command line
 * translates directly. Evaluated as pure functions *after* the cryptographic checks.
 */
export interface Policy extends ProvenancePolicy {
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
  /**
   * Names of the trust roots a signature may verify under (docs/trust-roots.md), tried in order.
   * Absent: the service's default root alone, so policies written before named roots mean what
   * they meant.
   */
  readonly trustRoot?: readonly string[];
}

/** Which trust root a signature verified under: its configured name and the `sha256:` id of its content. */
export interface TrustRootRef {
  readonly name: string;
  readonly id: string;
}

/**
 * Conditions on Fulcio's provider-generic claims (OIDs 1.3.6.1.4.1.57264.1.9–.24), the checks
 * `gh attestation verify` and sigstore-go make, plus the `gh` flags that expand to them. Part of
 * {@link Policy}; kept apart so the list reads as one thing. See docs/attestation-policy.md.
 */
export type ProvenancePolicy = {
  /** Exact, case-sensitive value of the claim (sigstore-go's `certificate.Extensions` comparison). */
  readonly [F in FulcioClaimField]?: string;
} & {
  /** RE2 pattern, unanchored like cosign's `--certificate-identity-regexp`. */
  readonly [F in FulcioClaimRegexpField]?: string;
} & {
  /** `gh --owner`: SourceRepositoryOwnerURI must be `https://github.com/<owner>` (case-insensitive, as gh). */
  readonly owner?: string;
  /** `gh --repo owner/name`: SourceRepositoryURI `https://github.com/owner/name` and its owner (case-insensitive). */
  readonly repo?: string;
  /** `gh --signer-repo owner/name`: the SAN (the signing workflow) must be in that repository. */
  readonly signerRepo?: string;
  /** `gh --signer-workflow [host/]owner/name/path.yml[@ref]`: the SAN must be that workflow. */
  readonly signerWorkflow?: string;
  /** `gh --source-ref`: SourceRepositoryRef, compared case-insensitively as gh does. */
  readonly sourceRef?: string;
  /** `gh --source-digest`: SourceRepositoryDigest, case-insensitive as gh. */
  readonly sourceDigest?: string;
  /** `gh --signer-digest`: BuildSignerDigest, case-insensitive as gh. */
  readonly signerDigest?: string;
  /** `gh --deny-self-hosted-runners`: RunnerEnvironment must be `github-hosted`. */
  readonly denySelfHostedRunners?: boolean;
};

/** Stable error codes. Extend, never rename: callers branch on them. */
export type VerificationErrorCode =
  | 'NO_SIGNATURES'
  /** Summary entry of a FAILED digest: cosign's `no matching signatures: ...` (added by verification). */
  | 'NO_MATCHING_SIGNATURES'
  | 'INVALID_POLICY'
  | 'IDENTITY_MISMATCH'
  | 'ISSUER_MISMATCH'
  | 'GITHUB_CLAIM_MISMATCH'
  /** A provider-generic Fulcio claim (`.1.9`–`.1.24`) or a `gh attestation verify` condition on one. */
  | 'CERTIFICATE_CLAIM_MISMATCH'
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
  | 'REGISTRY_ERROR'
  /** Attestations: none stored for the digest (signed ones; BuildKit's unsigned statements do not count). */
  | 'NO_ATTESTATIONS'
  /** Attestations exist, none of the predicate type asked for (cosign's `none of the attestations matched …`). */
  | 'PREDICATE_TYPE_MISMATCH'
  /** Summary entry of a FAILED attestation verification: `no matching attestations: ...`. */
  | 'NO_MATCHING_ATTESTATIONS'
  /** A CEL condition of an attestation policy is false, not a boolean, or failed to evaluate. */
  | 'CONDITION_FAILED'
  /**
   * A CEL condition got no answer: the evaluation deadline or memory limit stopped it, or the
   * statement is larger than conditions run over. Not "false": a verdict carrying it is never cached,
   * so the next request evaluates again (a loaded machine must not keep a compliant image failed).
   */
  | 'CONDITION_NOT_EVALUATED'
  /** A root the policy names is configured but has not been loaded yet (TUF root with no floor). */
  | 'TRUST_ROOT_UNAVAILABLE';

export interface VerificationIssue {
  readonly code: VerificationErrorCode;
  /** cosign's wording where cosign has one (`expected issuer value "X", got "Y"`), so it can be searched. */
  readonly message: string;
}

/** What a signing certificate says about its signer (Fulcio extensions), reported even when policy fails. */
export interface SignerIdentity extends FulcioClaims {
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
  /** The trust root it verified under; present only when `verified`. */
  readonly trustRoot?: TrustRootRef;
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
