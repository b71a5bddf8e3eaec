import { UnreachableCaseError } from '../../errors/index.js';
import { type CompiledCondition, evaluateConditionsWithin } from '../conditions/index.js';
import { bundlePayload, type SignedAttestation } from './attestation-check.js';
import type { AttestationOutcome } from './types.js';

/**
 * The policy's CEL conditions over an attestation that passed every other check. Only a verified
 * outcome is evaluated, and over the signed payload bytes — the same bytes the subject and predicate
 * type were read from — so a condition can never pass on something nobody signed. A failing
 * condition turns the outcome into `verified: false` with one CONDITION_FAILED issue per expression.
 * Evaluation runs in a worker under a deadline (conditions/condition-pool.ts); `signal` stops it.
 */
export async function applyConditions(
  outcome: AttestationOutcome,
  attestation: SignedAttestation,
  conditions: readonly CompiledCondition[],
  signal?: AbortSignal,
): Promise<AttestationOutcome> {
  if (!outcome.verified || conditions.length === 0) return outcome;
  const errors = await evaluateConditionsWithin(
    conditions,
    signedPayload(attestation),
    signal === undefined ? {} : { signal },
  );
  if (errors.length === 0) return outcome;
  return { attestation: outcome.attestation, verified: false, errors, identity: outcome.identity };
}

function signedPayload(attestation: SignedAttestation): Uint8Array {
  switch (attestation.kind) {
    case 'legacy-tag':
      return attestation.envelope.payload;
    case 'bundle-referrer':
      return bundlePayload(attestation.referrer.bundle);
    default:
      throw new UnreachableCaseError(attestation);
  }
}
