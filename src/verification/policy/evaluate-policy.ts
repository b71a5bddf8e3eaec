import type { PayloadClaims } from '../../discovery/types.js';
import type { VerificationIssue } from '../types.js';
import type { CompiledPolicy } from './compile-policy.js';
import { checkGithubClaims } from './github-claims.js';
import { checkIdentity, type CertificateIdentityFacts } from './identity.js';
import { checkAnnotations, checkDigestClaim } from './payload-claims.js';
import { checkProvenance } from './provenance-claims.js';

export interface PolicyInput {
  readonly subjectDigest: string;
  readonly claims: PayloadClaims;
  /** Undefined for key-based signatures: there is no certificate to hold an identity. */
  readonly certificate: CertificateIdentityFacts | undefined;
}

/**
 * Runs every policy check and returns every failure (cosign stops at the first; we report all, so
 * one answer is enough to fix a policy). Call only after the cryptographic checks passed: policy
 * over unverified data is meaningless.
 */
export function evaluatePolicy(policy: CompiledPolicy, input: PolicyInput): VerificationIssue[] {
  const issues = [...checkDigestClaim(input.claims, input.subjectDigest)];
  if (policy.key === undefined) {
    if (input.certificate === undefined) {
      issues.push({ code: 'CERTIFICATE_MISSING', message: 'no certificate found on signature' });
    } else {
      issues.push(...checkIdentity(policy, input.certificate));
      issues.push(...checkGithubClaims(policy.policy, input.certificate.identity));
      issues.push(...checkProvenance(policy, input.certificate));
    }
  }
  issues.push(...checkAnnotations(policy.policy, input.claims));
  return issues;
}
