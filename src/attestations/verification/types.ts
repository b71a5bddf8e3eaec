import type {
  SignerIdentity,
  TrustRootRef,
  VerificationIssue,
  VerificationStatus,
} from '../../verification/index.js';
import type { DiscoveredAttestation } from '../discovery/index.js';

/** The outcome for one attestation. `verified` only if crypto, subject, predicate type and policy passed. */
export interface AttestationOutcome {
  /** Undefined for an entry that could not even be read (a discovery problem). */
  readonly attestation: DiscoveredAttestation | undefined;
  readonly verified: boolean;
  readonly errors: readonly VerificationIssue[];
  readonly identity: SignerIdentity | undefined;
  /** The trust root it verified under; present only when `verified`. */
  readonly trustRoot?: TrustRootRef;
}

/** The outcome for one manifest digest, one predicate type, one policy: `cosign verify-attestation`. */
export interface AttestationDigestVerification {
  readonly digest: string;
  /** The predicate type URI verified (a short name already resolved). */
  readonly predicateType: string;
  readonly verified: boolean;
  readonly status: VerificationStatus;
  readonly errors: readonly VerificationIssue[];
  /** Every signed attestation of this predicate type, with its outcome (BuildKit's are never here). */
  readonly attestations: readonly AttestationOutcome[];
  /** Index digest whose verified attestation covers this manifest (VERIFIED_VIA_INDEX). */
  readonly inheritedFrom: string | undefined;
}
