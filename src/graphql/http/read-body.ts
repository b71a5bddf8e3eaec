import type { IncomingMessage } from 'node:http';
import { ImprimaturError } from '../../errors/index.js';

/**
 * Largest request body accepted. A GraphQL query for this service is a few hundred bytes; a megabyte
 * leaves room for large `images(refs:)` lists while keeping one request from holding much memory.
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export class RequestBodyError extends ImprimaturError<'PAYLOAD_TOO_LARGE' | 'INVALID_JSON'> {}

/**
 * Reads the body, refusing more than `limit` bytes: up front when `Content-Length` says so, and
 * while streaming when it lies or the body is chunked. Bytes past the limit are never buffered.
 */
export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new RequestBodyError('PAYLOAD_TOO_LARGE', `request body larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit)
      throw new RequestBodyError('PAYLOAD_TOO_LARGE', `request body larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The body as Apollo wants it: parsed JSON for JSON content types, otherwise the raw text (Apollo then
 * answers 400 itself, naming the content types it accepts).
 */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined;
  const type = mediaTypeOf(contentType);
  if (type !== 'application/json' && !type.endsWith('+json')) return body.toString('utf8');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new RequestBodyError('INVALID_JSON', 'request body is not valid JSON');
  }
}

/** The media type of a `Content-Type` value, without parameters, lower-cased ('' when absent). */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
