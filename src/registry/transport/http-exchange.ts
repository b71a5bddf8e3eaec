import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { OutboundRefusedError } from '../../security/index.js';
import { RegistryError } from '../errors.js';
import { abortedError, onAbort } from './abortable.js';
import { tlsFailureOf, tlsUntrustedError } from './tls-failure.js';

/**
 * One HTTP GET, start to finish: headers and body under a single timeout, the body read with a hard
 * cap. No redirects, no retries, no auth: the layers above add those.
 */

export interface ResponseHeaders {
  get(name: string): string | undefined;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  /** The whole body for 2xx; at most {@link MAX_ERROR_BODY_BYTES} for error statuses; empty for redirects. */
  readonly body: Uint8Array;
  /** The URL that answered (after redirects, when the caller followed them). */
  readonly url: URL;
}

export interface ExchangeRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** Refuse a success body larger than this. */
  readonly maxBodyBytes: number;
  /** Builds the error for a body over the cap (MANIFEST_TOO_LARGE, BLOB_TOO_LARGE...). */
  readonly tooLarge: (limit: number) => RegistryError;
  /** Human description for error messages (`manifest a/b:1`); must not contain secrets. */
  readonly what: string;
}

export interface ExchangeContext {
  readonly dispatcher: Dispatcher | undefined;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Error bodies are only read for their distribution error codes; more than this is noise. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

function wrapHeaders(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  return {
    get(name: string) {
      const value = raw[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  };
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * Reads `body` into memory, refusing more than `limit` bytes while streaming. Content-Length is not
 * trusted (it may be absent or wrong); the running count is what stops the read. Read with 'data'
 * events rather than `for await`: the async iterator costs a promise and several ticks per chunk, on
 * every registry answer.
 */
function readCapped(
  body: Readable,
  limit: number,
  onOver: 'throw' | 'truncate',
  tooLarge: (limit: number) => RegistryError,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => resolve(new Uint8Array(Buffer.concat(chunks, total)));
    const onData = (chunk: Buffer) => {
      if (total + chunk.length <= limit) {
        chunks.push(chunk);
        total += chunk.length;
        return;
      }
      // Stop here: destroying the stream means the rest is never downloaded.
      body.off('data', onData);
      body.off('end', done);
      body.destroy();
      if (onOver === 'throw') return reject(tooLarge(limit));
      chunks.push(chunk.subarray(0, limit - total));
      total = limit;
      done();
    };
    body.on('data', onData);
    body.once('end', done);
    // A timeout, an abort or a broken connection: the caller classifies it.
    body.on('error', reject);
  });
}

export async function exchange(req: ExchangeRequest, ctx: ExchangeContext): Promise<HttpResponse> {
  if (ctx.signal?.aborted) throw abortedError(req.what, ctx.signal.reason);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ctx.timeoutMs);
  // One listener for all of a request's exchanges on its shared signal (see `onAbort`).
  const stopListening = ctx.signal === undefined ? undefined : onAbort(ctx.signal, () => controller.abort());
  try {
    const answer = await exchangeOnce(req, ctx, controller);
    // undici hands a keep-alive connection back to its pool one event-loop turn after the answer
    // ended (client-h1.js: "wait a full event loop cycle to reuse this socket"). A request made
    // before then, such as the next one a caller derives from this answer, finds the connection
    // busy and opens another: for a cold verification two extra connections per registry, each a
    // TCP (and, remotely, TLS) handshake. Waiting that one turn here lets the next request reuse it.
    await nextLoopTurn();
    return answer;
  } catch (error) {
    if (error instanceof RegistryError) {
      controller.abort();
      throw error;
    }
    if (error instanceof OutboundRefusedError) {
      // The connector refused the address before connecting: policy, not the network, so permanent.
      throw new RegistryError('REGISTRY_FORBIDDEN', `${error.message} (${req.what})`, { cause: error });
    }
    if (timedOut) {
      throw new RegistryError(
        'REGISTRY_TIMEOUT',
        `no complete answer for ${req.what} within ${ctx.timeoutMs} ms`,
        {
          temporary: true,
          cause: error,
        },
      );
    }
    if (ctx.signal?.aborted) throw abortedError(req.what, ctx.signal.reason);
    // A certificate problem is configuration, not weather: the same on every retry (tls-failure.ts).
    const tls = tlsFailureOf(error);
    if (tls !== undefined) throw tlsUntrustedError(tls, req.what, error);
    // Connection refused/reset, DNS: the network, not the registry's verdict. Retryable.
    const detail =
      error instanceof Error && 'code' in error && typeof error.code === 'string' ? ` (${error.code})` : '';
    throw new RegistryError('REGISTRY_UNAVAILABLE', `cannot reach the registry for ${req.what}${detail}`, {
      temporary: true,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    stopListening?.();
  }
}

/** The request and its whole (capped) body; errors are classified by {@link exchange}. */
async function exchangeOnce(
  req: ExchangeRequest,
  ctx: ExchangeContext,
  controller: AbortController,
): Promise<HttpResponse> {
  const res = await request(req.url, {
    method: 'GET',
    headers: req.headers,
    signal: controller.signal,
    ...(ctx.dispatcher === undefined ? {} : { dispatcher: ctx.dispatcher }),
  });
  const headers = wrapHeaders(res.headers);
  const respond = (body: Uint8Array): HttpResponse => ({
    status: res.statusCode,
    headers,
    body,
    url: req.url,
  });
  if (isRedirect(res.statusCode)) {
    await res.body.dump({ limit: MAX_ERROR_BODY_BYTES });
    return respond(new Uint8Array());
  }
  if (res.statusCode < 200 || res.statusCode > 299) {
    return respond(await readCapped(res.body, MAX_ERROR_BODY_BYTES, 'truncate', req.tooLarge));
  }
  const declared = Number(headers.get('content-length'));
  if (Number.isFinite(declared) && declared > req.maxBodyBytes) {
    // Announced as too large: refuse before reading a byte.
    controller.abort();
    throw req.tooLarge(req.maxBodyBytes);
  }
  return respond(await readCapped(res.body, req.maxBodyBytes, 'throw', req.tooLarge));
}
