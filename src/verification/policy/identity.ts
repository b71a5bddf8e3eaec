import type { SignerIdentity, VerificationIssue } from '../types.js';
import type { CompiledPolicy } from './compile-policy.js';

/** What the identity checks need from a verified certificate. */
export interface CertificateIdentityFacts {
  readonly identity: SignerIdentity;
  /** Every SAN value of the certificate; cosign accepts the policy if any of them matches. */
  readonly subjectAlternativeNames: readonly string[];
}

const show = (value: string | undefined): string => value ?? '';

/**
 * Issuer and SAN checks, done here rather than by @sigstore/verify: its string SAN policy is matched
 * as an unanchored regexp (`acme/app` would accept `acme/app-evil`) and it has no issuer regexp.
 * Exact values are compared with `===`; regexps with cosign's unanchored semantics. Messages are
 * sigstore-go's (cosign's verifier), verbatim.
 */
export function checkIdentity(policy: CompiledPolicy, facts: CertificateIdentityFacts): VerificationIssue[] {
  const issues: VerificationIssue[] = [];
  const { certificateIdentity, certificateOidcIssuer } = policy.policy;
  const issuer = facts.identity.issuer;
  const san = facts.identity.subjectAlternativeName;

  if (
    certificateOidcIssuer !== undefined &&
    certificateOidcIssuer !== '' &&
    issuer !== certificateOidcIssuer
  ) {
    issues.push({
      code: 'ISSUER_MISMATCH',
      message: `expected issuer value "${certificateOidcIssuer}", got "${show(issuer)}"`,
    });
  }
  if (policy.issuerRegexp !== undefined && (issuer === undefined || !policy.issuerRegexp.test(issuer))) {
    issues.push({
      code: 'ISSUER_MISMATCH',
      message: `expected issuer value to match regex "${policy.issuerRegexp.source}", got "${show(issuer)}"`,
    });
  }
  if (
    certificateIdentity !== undefined &&
    certificateIdentity !== '' &&
    !facts.subjectAlternativeNames.includes(certificateIdentity)
  ) {
    issues.push({
      code: 'IDENTITY_MISMATCH',
      message: `expected SAN value "${certificateIdentity}", got "${show(san)}"`,
    });
  }
  const identityRegexp = policy.identityRegexp;
  if (identityRegexp !== undefined && !facts.subjectAlternativeNames.some((s) => identityRegexp.test(s))) {
    issues.push({
      code: 'IDENTITY_MISMATCH',
      message: `expected SAN value to match regex "${identityRegexp.source}", got "${show(san)}"`,
    });
  }
  return issues;
}
