import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeSignature } from '../services/signature-views.js';
import { validatePolicy } from '../verification/index.js';
import { sendJson } from './problem.js';
import { readJsonBody } from './read-json-body.js';
import type { RequestServices } from './services.js';
import { parseVerifyRequest } from './verify-request.js';
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
): Promise<void> {
  const request = parseVerifyRequest(await readJsonBody(req));
  const ref = services.images.parseReference(request.image);
  const policy = validatePolicy(request.policy);
  const manifest = await services.images.manifestOf(ref);
  const outcome = await services.verification.verifyManifest(ref.repositoryRef, manifest, policy);
  sendJson(res, 200, verificationJson(ref.toString(), outcome, describeSignature));
}
