import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileConditions } from '../attestations/conditions/index.js';
import type { AttestationVerificationOutcome } from '../services/attestation-service.js';
import { PolicyError, validatePolicy } from '../verification/index.js';
import { attestationVerificationJson } from './attestation-views.js';
import { RestProblem, sendJson } from './problem.js';
import { readJsonBody } from './read-json-body.js';
import type { RequestServices } from './services.js';
import { parseVerifyAttestationRequest } from './verify-attestation-request.js';

/**
 * `POST /v1/verify-attestation`: `cosign verify-attestation --type <predicateType> <image>`, as
 * GraphQL's `attestationVerification(policy, predicateType)` answers it (with `platform`, as
 * `image.platform(p).attestationVerification`). Input is checked before the first registry request.
 */
export async function handleVerifyAttestation(
  req: IncomingMessage,
  res: ServerResponse,
  services: RequestServices,
  bodyTimeoutMs: number,
): Promise<void> {
  const request = parseVerifyAttestationRequest(await readJsonBody(req, bodyTimeoutMs));
  const ref = services.images.parseReference(request.image);
  const policy = validatePolicy(request.policy);
  checkConditions(request.conditions);
  let outcome: AttestationVerificationOutcome;
  if (request.platform === undefined) {
    const manifest = await services.images.manifestOf(ref);
    outcome = await services.attestations.verify(
      ref.repositoryRef,
      manifest.digest,
      policy,
      request.predicateType,
      undefined,
      request.conditions,
    );
  } else {
    const view = await services.images.manifestForPlatform(ref, request.platform);
    if (view === null) {
      throw new RestProblem({
        status: 404,
        title: 'Not Found',
        detail: `${ref.toString()} has no manifest for platform ${JSON.stringify(request.platform)}`,
        code: 'PLATFORM_NOT_FOUND',
        invalidParams: [{ name: 'platform', reason: 'not in this image' }],
      });
    }
    const digest = view.kind === 'index-entry' ? view.descriptor.digest : view.fetched.digest;
    const index = view.kind === 'index-entry' ? view.index : undefined;
    outcome = await services.attestations.verify(
      view.repo,
      digest,
      policy,
      request.predicateType,
      index,
      request.conditions,
    );
  }
  sendJson(res, 200, attestationVerificationJson(ref.toString(), outcome));
}

/** INVALID_POLICY before any registry request, naming `conditions` (they sit beside the policy here). */
function checkConditions(conditions: readonly string[]): void {
  try {
    compileConditions(conditions);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    throw new RestProblem({
      status: 400,
      title: 'Bad Request',
      detail: error.message,
      code: 'INVALID_POLICY',
      invalidParams: [{ name: 'conditions', reason: error.message }],
    });
  }
}
