import type { DiscoveredSignature, DiscoveryProblem, DiscoveryResult } from '../discovery/types.js';
import { compilePolicy, type CompiledPolicy } from './policy/index.js';
import type { DigestVerification, Policy, SignatureVerification, VerificationIssue } from './types.js';
import { verifySignature, type TrustRootsToTry } from './verify-signature.js';

/** Distinct issues in first-seen order (same code and message counted once). */
function distinct(issues: readonly VerificationIssue[]): VerificationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Verifies every signature found for one digest, independently, and sums up like cosign: VERIFIED if
 * at least one passes crypto AND policy. Unlike cosign, every signature's outcome is returned.
 * Discovery problems (too many signatures, oversized payloads ...) are failed entries, never skipped:
 * an attacker must not be able to turn "could not check" into "nothing to check".
 * Throws PolicyError for an invalid policy (validate it first with validatePolicy).
 */
export function verifyDigest(
  result: DiscoveryResult,
  policy: Policy,
  trustRoots: TrustRootsToTry,
): DigestVerification {
  const compiled = compilePolicy(policy);
  return summarizeDigest(
    result.subjectDigest,
    verifySignatures(result.signatures, result.subjectDigest, compiled, trustRoots),
    result.problems,
  );
}

/** Each signature's own outcome, in the order given (one part of {@link verifyDigest}). */
export function verifySignatures(
  signatures: readonly DiscoveredSignature[],
  subjectDigest: string,
  policy: CompiledPolicy,
  trustRoots: TrustRootsToTry,
): SignatureVerification[] {
  return signatures.map((sig) => verifySignature(sig, subjectDigest, policy, trustRoots));
}

/**
 * The verdict over `verified` (the outcomes of every signature discovery found for `subjectDigest`,
 * from {@link verifySignatures}) and the discovery `problems`: the other part of {@link verifyDigest}.
 */
export function summarizeDigest(
  subjectDigest: string,
  verified: readonly SignatureVerification[],
  problems: readonly DiscoveryProblem[],
): DigestVerification {
  const signatures: SignatureVerification[] = [
    ...verified,
    ...problems.map((problem) => ({
      signature: undefined,
      verified: false,
      errors: [
        {
          code: problem.code,
          message: problem.source === undefined ? problem.message : `${problem.message} (${problem.source})`,
        },
      ],
      identity: undefined,
    })),
  ];
  const base = { digest: subjectDigest, signatures, inheritedFrom: undefined };
  if (signatures.some((s) => s.verified)) {
    return { ...base, verified: true, status: 'VERIFIED', errors: [] };
  }
  if (signatures.length === 0) {
    return {
      ...base,
      verified: false,
      status: 'UNSIGNED',
      errors: [{ code: 'NO_SIGNATURES', message: 'no signatures found' }],
    };
  }
  const reasons = distinct(signatures.flatMap((s) => s.errors));
  const summary: VerificationIssue = {
    code: 'NO_MATCHING_SIGNATURES',
    // cosign: fmt.Errorf("no matching signatures: %s", strings.Join(errs, "\n "))
    message: `no matching signatures: ${reasons.map((r) => r.message).join('\n ')}`,
  };
  return { ...base, verified: false, status: 'FAILED', errors: [summary, ...reasons] };
}
