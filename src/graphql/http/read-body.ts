import { ImprimaturError } from '../../errors/index.js';

/**
 * Largest request body accepted. A GraphQL query for this service is a few hundred bytes; a megabyte
 * leaves room for large `images(refs:)` lists while keeping one request from holding much memory.
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export class RequestBodyError extends ImprimaturError<'INVALID_JSON'> {}

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
