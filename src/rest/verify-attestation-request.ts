import { invalidParam } from './problem.js';
import { parseVerifyRequest, type VerifyRequest } from './verify-request.js';

/** `POST /v1/verify-attestation` input: `/v1/verify`'s, plus the predicate type, minus the tag scan. */
export interface VerifyAttestationRequest extends Omit<VerifyRequest, 'findSignedIndex'> {
  /** cosign `--type`: a short name or a predicate type URI (resolved by the service). */
  readonly predicateType: string;
  /** CEL conditions over the verified statement (docs/attestations.md); checked by the service. */
  readonly conditions: readonly string[];
}

/**
 * Checks the shape of a verify-attestation request and names the first wrong field. Everything but
 * `predicateType` is read exactly as `/v1/verify` reads it (unknown fields refused), so the two
 * endpoints cannot come to disagree about a policy.
 */
export function parseVerifyAttestationRequest(body: unknown): VerifyAttestationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidParam('body', 'must be a JSON object with "image", "predicateType" and "policy"');
  }
  const { predicateType, conditions, ...rest } = body as Record<string, unknown>;
  if (typeof predicateType !== 'string' || predicateType === '') {
    throw invalidParam('predicateType', 'required: a cosign --type short name or a predicate type URI');
  }
  if ('findSignedIndex' in rest) throw invalidParam('findSignedIndex', 'unknown field');
  const { findSignedIndex: _unused, ...request } = parseVerifyRequest(rest);
  return { ...request, predicateType, conditions: conditionsOf(conditions) };
}

/** Absent or null is none; otherwise an array of strings (their content is checked by compileConditions). */
function conditionsOf(value: unknown): readonly string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw invalidParam('conditions', 'must be an array of CEL expressions (strings)');
  }
  return value;
}
