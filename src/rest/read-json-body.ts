import type { IncomingMessage } from 'node:http';
import { RestProblem } from './problem.js';

/**
 * Largest REST request body. A verify request is a reference and a policy; a PEM public key is the
 * largest thing in it (an RSA-4096 key is under 1 KiB). 64 KiB is generous and bounds memory per request.
 */
export const MAX_REST_BODY_BYTES = 64 * 1024;

function tooLarge(): RestProblem {
  return new RestProblem({
    status: 413,
    title: 'Content Too Large',
    detail: `request body larger than ${MAX_REST_BODY_BYTES} bytes`,
    code: 'PAYLOAD_TOO_LARGE',
  });
}

/** Reads a JSON body, refusing other content types, more than the cap, and text that is not JSON. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
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
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_REST_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > MAX_REST_BODY_BYTES) throw tooLarge();
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
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
