import type { DiscoveryProblem } from '../../discovery/index.js';
import {
  type CompiledPolicy,
  runSignatureCheck,
  type TrustRootsToTry,
  type VerificationIssue,
} from '../../verification/index.js';
import type { AttestationDiscoveryResult, DiscoveredAttestation } from '../discovery/index.js';
import type { CompiledCondition } from '../conditions/index.js';
import { attestationCheckFor, type SignedAttestation } from './attestation-check.js';
import { applyConditions } from './condition-check.js';
import type { AttestationDigestVerification, AttestationOutcome } from './types.js';

const isSigned = (a: DiscoveredAttestation): a is SignedAttestation => a.kind !== 'buildkit';

/**
 * `cosign verify-attestation --type <predicateType>` over one digest's discovered attestations:
 * every signed attestation of that predicate type (or whose type cannot be read) is verified on its
 * own; VERIFIED when one passes everything. BuildKit statements are unsigned and never counted.
 * Discovery problems are failed entries, never skipped. Nothing of that type: UNSIGNED, with cosign's
 * `none of the attestations matched the predicate type: %s, found: %s` when others exist.
 * `conditions` are evaluated (off the event loop, under a deadline) over each attestation that
 * passed everything else; `signal` stops that evaluation.
 */
export async function verifyAttestations(
  found: AttestationDiscoveryResult,
  predicateType: string,
  policy: CompiledPolicy,
  trustRoots: TrustRootsToTry,
  conditions: readonly CompiledCondition[] = [],
  signal?: AbortSignal,
): Promise<AttestationDigestVerification> {
  const signed = found.attestations.filter(isSigned);
  const candidates = signed.filter(
    (a) => a.statement === undefined || a.statement.predicateType === predicateType,
  );
  const checked = await Promise.all(
    candidates.map((attestation) =>
      applyConditions(
        {
          attestation,
          ...runSignatureCheck(
            attestationCheckFor(attestation, found.subjectDigest, predicateType, policy),
            policy,
            trustRoots,
          ),
        },
        attestation,
        conditions,
        signal,
      ),
    ),
  );
  const outcomes: AttestationOutcome[] = [...checked, ...found.problems.map(problemEntry)];
  const base = {
    digest: found.subjectDigest,
    predicateType,
    attestations: outcomes,
    inheritedFrom: undefined,
  };
  if (outcomes.some((o) => o.verified)) return { ...base, verified: true, status: 'VERIFIED', errors: [] };
  if (outcomes.length === 0) {
    const types = [...new Set(signed.flatMap((a) => a.statement?.predicateType ?? []))];
    const error: VerificationIssue =
      types.length === 0
        ? { code: 'NO_ATTESTATIONS', message: 'no attestations found' }
        : {
            code: 'PREDICATE_TYPE_MISMATCH',
            message: `none of the attestations matched the predicate type: ${predicateType}, found: ${types.join(',')}`,
          };
    return { ...base, verified: false, status: 'UNSIGNED', errors: [error] };
  }
  const reasons = distinct(outcomes.flatMap((o) => o.errors));
  return {
    ...base,
    verified: false,
    status: 'FAILED',
    errors: [
      {
        code: 'NO_MATCHING_ATTESTATIONS',
        message: `no matching attestations: ${reasons.map((r) => r.message).join('\n ')}`,
      },
      ...reasons,
    ],
  };
}

function problemEntry(problem: DiscoveryProblem): AttestationOutcome {
  const message = problem.source === undefined ? problem.message : `${problem.message} (${problem.source})`;
  return {
    attestation: undefined,
    verified: false,
    errors: [{ code: problem.code, message }],
    identity: undefined,
  };
}

function distinct(issues: readonly VerificationIssue[]): VerificationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
