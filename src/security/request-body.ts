import type { IncomingMessage } from 'node:http';
import { ImprimaturError } from '../errors/index.js';

/** Bounds on one request body, checked while it arrives. */
export interface RequestBodyLimits {
  /** More bytes than this are refused (`PAYLOAD_TOO_LARGE`) and never buffered. */
  readonly maxBytes: number;
  /** The body must have arrived this long after reading began (`REQUEST_TIMEOUT`). */
  readonly timeoutMs: number;
}

/**
 * Why a body could not be read: too large, too slow, or the client went away (or Node's own
 * whole-request timeout closed the socket) before it arrived — then there is nobody left to answer.
 */
export class RequestBodyLimitError extends ImprimaturError<
  'PAYLOAD_TOO_LARGE' | 'REQUEST_TIMEOUT' | 'CLIENT_CLOSED'
> {}

/**
 * Reads a request body within `limits`: a `Content-Length` over the cap is refused before a byte is
 * read, a body that grows past it (a lying length, or chunked) as soon as it does, and a body still
 * arriving `timeoutMs` after reading began is refused then, however slowly it trickles. Node's
 * whole-request timeout (server.ts) cuts the same dribbler at about the same time; this deadline lets
 * the caller be told why in a 408 (Node's own 408 has no body) and keeps the reader bounded on its own.
 * On refusal the rest of the body is left unread: the caller answers with `Connection: close`.
 */
export function readRequestBody(req: IncomingMessage, limits: RequestBodyLimits): Promise<Buffer> {
  const tooLarge = () =>
    new RequestBodyLimitError('PAYLOAD_TOO_LARGE', `request body larger than ${limits.maxBytes} bytes`);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (error: RequestBodyLimitError | undefined) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onClosed);
      req.off('close', onClosed);
      if (error === undefined) resolve(Buffer.concat(chunks));
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limits.maxBytes) return finish(tooLarge());
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onClosed = () =>
      finish(
        new RequestBodyLimitError(
          'CLIENT_CLOSED',
          'the client closed the connection before its body arrived',
        ),
      );
    const timer = setTimeout(
      () =>
        finish(
          new RequestBodyLimitError(
            'REQUEST_TIMEOUT',
            `request body not received within ${limits.timeoutMs} ms`,
          ),
        ),
      limits.timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onClosed);
    req.on('close', onClosed);
  });
}
