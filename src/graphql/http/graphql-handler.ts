import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLContext } from '../context.js';
import { ErrorCode } from '../errors.js';
import type { ResponseCache } from '../response-cache/index.js';
import { readRequestBody, RequestBodyLimitError } from '../../security/index.js';
import { MAX_REQUEST_BODY_BYTES, parseBody, RequestBodyError } from './read-body.js';

export type ContextFactory = (signal: AbortSignal) => GraphQLContext;

/** Node's header object to Apollo's lower-cased `HeaderMap` (repeated headers joined, as HTTP allows). */
function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** A GraphQL-over-HTTP error body for failures before Apollo sees the request. */
export function sendJsonError(res: ServerResponse, status: number, message: string, code: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  res.statusCode = response.status ?? 200;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  // Incremental delivery (@defer): stream the parts as Apollo produces them.
  for await (const part of response.body.asyncIterator) {
    if (!res.write(part)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

export interface GraphQLHandlerOptions {
  /** Replays answers that came entirely from the cache to identical requests. */
  readonly responses?: ResponseCache | undefined;
  /** A request body still arriving this long after reading began is refused with 408. */
  readonly bodyTimeoutMs: number;
}

/**
 * Serves GraphQL over HTTP with Apollo's transport-neutral `executeHTTPGraphQLRequest`: POST with a
 * JSON body, or GET with the operation in the query string. Each request gets its own context (and
 * so its own DataLoaders) and an AbortSignal that fires when the client disconnects, so registry
 * requests nobody will read are cancelled. With a `responses` cache, a request identical to one whose
 * answer came entirely from the cache is answered by replaying that answer (see src/graphql/response-cache).
 */
export function createGraphQLHandler(
  apollo: ApolloServer<GraphQLContext>,
  createContext: ContextFactory,
  options: GraphQLHandlerOptions,
) {
  const { responses, bodyTimeoutMs } = options;
  const bodyLimits = { maxBytes: MAX_REQUEST_BODY_BYTES, timeoutMs: bodyTimeoutMs };
  return async (req: IncomingMessage, res: ServerResponse, search: string): Promise<void> => {
    const startedAt = performance.now();
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    let body: unknown;
    let replayKey: string | undefined;
    try {
      const raw = await readRequestBody(req, bodyLimits);
      replayKey = responses?.keyFor(req, raw, search);
      if (replayKey !== undefined && responses?.replay(replayKey, res, startedAt) !== undefined) return;
      body = parseBody(raw, req.headers['content-type']);
    } catch (error) {
      if (error instanceof RequestBodyError)
        return sendJsonError(res, 400, error.message, ErrorCode.BAD_REQUEST);
      if (!(error instanceof RequestBodyLimitError)) throw error;
      switch (error.code) {
        case 'CLIENT_CLOSED':
          return; // nobody is left to answer
        case 'PAYLOAD_TOO_LARGE':
        case 'REQUEST_TIMEOUT':
          // Close the connection: the rest of an oversized or trickling body is not worth reading.
          res.setHeader('connection', 'close');
          return error.code === 'PAYLOAD_TOO_LARGE'
            ? sendJsonError(res, 413, error.message, ErrorCode.PAYLOAD_TOO_LARGE)
            : sendJsonError(res, 408, error.message, ErrorCode.REQUEST_TIMEOUT);
      }
    }
    const execute = () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers: toHeaderMap(req), search, body },
        context: async () => createContext(abort.signal),
      });
    const response =
      replayKey === undefined || responses === undefined
        ? await execute()
        : await responses.execute(replayKey, execute);
    await writeResponse(res, response);
  };
}
