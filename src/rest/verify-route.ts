import type { IncomingMessage, ServerResponse } from 'node:http';
import { parsePlatform, ReferenceError, type ImageReference } from '../reference/index.js';
import type { VerificationOutcome, VerifyOptions } from '../services/verification-service.js';
import { describeSignature } from '../services/signature-views.js';
import type { Policy } from '../verification/types.js';
import { validatePolicy } from '../verification/index.js';
import { invalidParam, RestProblem, sendJson } from './problem.js';
import { readJsonBody } from './read-json-body.js';
import type { RequestServices } from './services.js';
import { parseVerifyRequest, type VerifyRequest } from './verify-request.js';
import { verificationJson } from './views.js';

/**
 * `POST /v1/verify`: `cosign verify <image>` with the policy's flags, as GraphQL's
 * `image(ref) { verification(policy) }` answers it. Input is checked completely — shape, reference,
 * policy — before the first registry request, so a typo costs no upstream traffic.
 */
export async function handleVerify(
  req: IncomingMessage,
  res: ServerResponse,
  services: RequestServices,
  bodyTimeoutMs: number,
): Promise<void> {
  const request = parseVerifyRequest(await readJsonBody(req, bodyTimeoutMs));
  const { ref, outcome } = await runVerification(services, request);
  sendJson(res, 200, verificationJson(ref.toString(), outcome, describeSignature));
}

/** The verification a verify request asks for; shared by `POST /v1/verify` and `GET /v1/badge`. */
export async function runVerification(
  services: RequestServices,
  request: VerifyRequest,
): Promise<{ ref: ImageReference; outcome: VerificationOutcome }> {
  const ref = services.images.parseReference(request.image);
  if (request.platform !== undefined) checkPlatform(request.platform);
  const policy = validatePolicy(request.policy);
  const options = { scanTags: request.findSignedIndex };
  const outcome =
    request.platform === undefined
      ? await services.verification.verifyManifest(
          ref.repositoryRef,
          await services.images.manifestOf(ref),
          policy,
          options,
        )
      : await verifyPlatform(services, ref, request.platform, policy, options);
  return { ref, outcome };
}

/** Parses the platform before any I/O, so a malformed one is a 400 naming `platform`. */
function checkPlatform(platform: string): void {
  try {
    parsePlatform(platform);
  } catch (error) {
    if (error instanceof ReferenceError) throw invalidParam('platform', error.message, 'INVALID_PLATFORM');
    throw error;
  }
}

/** The platform's manifest as GraphQL's `image.platform(p).verification` verifies it. */
async function verifyPlatform(
  services: RequestServices,
  ref: ImageReference,
  platform: string,
  policy: Policy,
  options: VerifyOptions,
): Promise<VerificationOutcome> {
  const view = await services.images.manifestForPlatform(ref, platform);
  if (view === null) {
    throw new RestProblem({
      status: 404,
      title: 'Not Found',
      detail: `${ref.toString()} has no manifest for platform ${JSON.stringify(platform)}`,
      code: 'PLATFORM_NOT_FOUND',
      invalidParams: [{ name: 'platform', reason: 'not in this image' }],
    });
  }
  return view.kind === 'index-entry'
    ? services.verification.verifyIndexEntry(view.repo, view.descriptor.digest, policy, view.index, options)
    : services.verification.verifyManifest(view.repo, view.fetched, policy, options);
}
