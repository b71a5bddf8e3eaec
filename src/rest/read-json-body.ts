import type { IncomingMessage } from 'node:http';
import { readRequestBody, RequestBodyLimitError } from '../security/index.js';
import { RestProblem } from './problem.js';

/**
 * Largest REST request body. A verify request is a reference and a policy; a PEM public key is the
 * largest thing in it (an RSA-4096 key is under 1 KiB). 64 KiB is generous and bounds memory per request.
 */
export const MAX_REST_BODY_BYTES = 64 * 1024;

/** Reads a JSON body, refusing other content types, more than the cap, a body too slow to arrive, and text that is not JSON. */
export async function readJsonBody(req: IncomingMessage, timeoutMs: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json') {
    // Also what keeps cross-site form posts out: a browser cannot send application/json cross-origin
    // without a CORS preflight, which this service never grants.
    throw new RestProblem({
      status: 415,
      title: 'Unsupported Media Type',
      detail: 'request body must be application/json',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  }
  let body: Buffer;
  try {
    body = await readRequestBody(req, { maxBytes: MAX_REST_BODY_BYTES, timeoutMs });
  } catch (error) {
    if (error instanceof RequestBodyLimitError) throw bodyProblem(error);
    throw error;
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new RestProblem({
      status: 400,
      title: 'Bad Request',
      detail: 'request body is not valid JSON',
      code: 'INVALID_JSON',
      invalidParams: [{ name: 'body', reason: 'not valid JSON' }],
    });
  }
}

/** Too large (413) or too slow (408): the rest of the body is not read, so the connection closes. */
function bodyProblem(error: RequestBodyLimitError): RestProblem {
  switch (error.code) {
    case 'PAYLOAD_TOO_LARGE':
      return new RestProblem({
        status: 413,
        title: 'Content Too Large',
        detail: error.message,
        code: error.code,
      });
    case 'REQUEST_TIMEOUT':
    case 'CLIENT_CLOSED':
      return new RestProblem({
        status: 408,
        title: 'Request Timeout',
        detail: error.message,
        code: 'REQUEST_TIMEOUT',
      });
  }
}
