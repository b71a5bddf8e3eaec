import type { GraphQLFormattedError } from 'graphql';
import { ImprimaturError } from '../errors/index.js';
import {
  isTokenLimitMessage,
  QueryLimitError,
  redactSecrets,
  type QueryLimitCode,
} from '../security/index.js';

/**
 * Every `extensions.code` a caller can see. Public API: values are never renamed, only added.
 * The first group is ours, the second what Apollo itself reports for malformed requests, the last
 * what the HTTP layer answers on its own.
 */
export enum ErrorCode {
  INVALID_REFERENCE = 'INVALID_REFERENCE',
  /** The verification policy is unusable (no identity/issuer, a regexp RE2 refuses, a bad key). */
  INVALID_POLICY = 'INVALID_POLICY',
  TOO_MANY_REFERENCES = 'TOO_MANY_REFERENCES',
  TOO_MANY_REGISTRY_REQUESTS = 'TOO_MANY_REGISTRY_REQUESTS',
  MANIFEST_UNKNOWN = 'MANIFEST_UNKNOWN',
  BLOB_UNKNOWN = 'BLOB_UNKNOWN',
  NAME_UNKNOWN = 'NAME_UNKNOWN',
  REGISTRY_UNAUTHORIZED = 'REGISTRY_UNAUTHORIZED',
  REGISTRY_DENIED = 'REGISTRY_DENIED',
  REGISTRY_RATE_LIMITED = 'REGISTRY_RATE_LIMITED',
  REGISTRY_UNAVAILABLE = 'REGISTRY_UNAVAILABLE',
  /** The registry's TLS certificate is not trusted (private CA, expired, wrong host); retrying will not help. */
  REGISTRY_TLS_UNTRUSTED = 'REGISTRY_TLS_UNTRUSTED',
  REGISTRY_TIMEOUT = 'REGISTRY_TIMEOUT',
  REGISTRY_PROTOCOL_ERROR = 'REGISTRY_PROTOCOL_ERROR',
  INSECURE_REGISTRY = 'INSECURE_REGISTRY',
  /** The outbound policy refused the host or its address (allow-list, private ranges): see SECURITY.md. */
  REGISTRY_FORBIDDEN = 'REGISTRY_FORBIDDEN',
  DIGEST_MISMATCH = 'DIGEST_MISMATCH',
  UNSUPPORTED_DIGEST = 'UNSUPPORTED_DIGEST',
  MANIFEST_TOO_LARGE = 'MANIFEST_TOO_LARGE',
  BLOB_TOO_LARGE = 'BLOB_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  INVALID_MANIFEST = 'INVALID_MANIFEST',
  REQUEST_ABORTED = 'REQUEST_ABORTED',
  /** The request ran past `IMPRIMATUR_REQUEST_DEADLINE_MS`; its registry work was cancelled. */
  REQUEST_DEADLINE_EXCEEDED = 'REQUEST_DEADLINE_EXCEEDED',
  /** An attestation's predicate has a typed view's type (SPDX, CycloneDX, OpenVEX, …) but cannot be read as one. */
  MALFORMED_PREDICATE = 'MALFORMED_PREDICATE',

  // The document itself is over a limit (src/security/query-limits.ts); HTTP 400, nothing ran.
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  TOO_MANY_TOKENS = 'TOO_MANY_TOKENS',

  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  BAD_REQUEST = 'BAD_REQUEST',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',

  // HTTP-level answers given before a request reaches GraphQL.
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** The body did not arrive within `IMPRIMATUR_HTTP_REQUEST_TIMEOUT_MS` (HTTP 408). */
  REQUEST_TIMEOUT = 'REQUEST_TIMEOUT',
  /** `IMPRIMATUR_API_TOKENS` is set and the request carried none of them (HTTP 401). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  NOT_FOUND = 'NOT_FOUND',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
}

/**
 * Internal error codes (from `ImprimaturError` subclasses anywhere below) that callers may see, and
 * as what. This table is the one place codes cross the edge. Internal codes not listed (a broken
 * credentials file, configuration problems, an invalid request we built ourselves) are the operator's
 * business: callers get INTERNAL_SERVER_ERROR and the details go to the log only.
 */
const PUBLIC_CODES: ReadonlyMap<string, ErrorCode> = new Map<string, ErrorCode>([
  ['INVALID_REFERENCE', ErrorCode.INVALID_REFERENCE],
  ['INVALID_POLICY', ErrorCode.INVALID_POLICY],
  ['MALFORMED_PREDICATE', ErrorCode.MALFORMED_PREDICATE],
  // A field argument we check ourselves (an SBOM page size or cursor): the caller's own input.
  ['INVALID_ARGUMENT', ErrorCode.BAD_USER_INPUT],
  ['TOO_MANY_REFERENCES', ErrorCode.TOO_MANY_REFERENCES],
  ['TOO_MANY_REGISTRY_REQUESTS', ErrorCode.TOO_MANY_REGISTRY_REQUESTS],
  ['MANIFEST_UNKNOWN', ErrorCode.MANIFEST_UNKNOWN],
  ['BLOB_UNKNOWN', ErrorCode.BLOB_UNKNOWN],
  ['NAME_UNKNOWN', ErrorCode.NAME_UNKNOWN],
  ['REGISTRY_UNAUTHORIZED', ErrorCode.REGISTRY_UNAUTHORIZED],
  ['REGISTRY_DENIED', ErrorCode.REGISTRY_DENIED],
  ['REGISTRY_RATE_LIMITED', ErrorCode.REGISTRY_RATE_LIMITED],
  ['REGISTRY_UNAVAILABLE', ErrorCode.REGISTRY_UNAVAILABLE],
  ['REGISTRY_TLS_UNTRUSTED', ErrorCode.REGISTRY_TLS_UNTRUSTED],
  ['REGISTRY_TIMEOUT', ErrorCode.REGISTRY_TIMEOUT],
  ['REGISTRY_PROTOCOL_ERROR', ErrorCode.REGISTRY_PROTOCOL_ERROR],
  ['REGISTRY_ABORTED', ErrorCode.REQUEST_ABORTED],
  ['INSECURE_REGISTRY', ErrorCode.INSECURE_REGISTRY],
  ['REGISTRY_FORBIDDEN', ErrorCode.REGISTRY_FORBIDDEN],
  ['DIGEST_MISMATCH', ErrorCode.DIGEST_MISMATCH],
  ['UNSUPPORTED_DIGEST', ErrorCode.UNSUPPORTED_DIGEST],
  ['MANIFEST_TOO_LARGE', ErrorCode.MANIFEST_TOO_LARGE],
  ['BLOB_TOO_LARGE', ErrorCode.BLOB_TOO_LARGE],
  ['UNSUPPORTED_MEDIA_TYPE', ErrorCode.UNSUPPORTED_MEDIA_TYPE],
  ['INVALID_MANIFEST', ErrorCode.INVALID_MANIFEST],
]);

/** Codes Apollo and graphql-js attach to request-level problems (a bad query, a bad variable). */
const REQUEST_CODES: ReadonlySet<string> = new Set([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'INTROSPECTION_DISABLED',
]);

export const GENERIC_MESSAGE = 'Internal server error';

/** Where unexpected errors are reported; pino's logger fits. */
export interface ErrorLogger {
  error(details: { err: unknown; path?: readonly (string | number)[] }, message: string): void;
}

/**
 * The error a resolver threw, out of the GraphQLError graphql-js wrapped it in (what Apollo's
 * `unwrapResolverError` does, but by shape: see {@link isRequestError} on why not `instanceof`).
 */
function thrownByResolver(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { path, originalError } = error as { path?: unknown; originalError?: unknown };
  if (path !== undefined && originalError !== undefined && originalError !== null) return originalError;
  // A policy over its size caps is refused before execution (verification/policy-limits-plugin.ts):
  // no path, but the same public INVALID_POLICY error a field would have thrown.
  if (originalError instanceof ImprimaturError && originalError.code === 'INVALID_POLICY')
    return originalError;
  return error;
}

/**
 * A problem with the request itself (parse, validation, variable coercion): it has no `path`, since
 * it happened before any field was resolved, and Apollo gave it one of the request codes. Recognised
 * by shape, not `instanceof GraphQLError`: with graphql's dual CJS/ESM packaging the class seen here
 * may not be the one Apollo constructed from.
 */
function isRequestError(formatted: GraphQLFormattedError): boolean {
  const code = formatted.extensions?.code;
  return formatted.path === undefined && typeof code === 'string' && REQUEST_CODES.has(code);
}

const QUERY_LIMIT_CODES: Readonly<Record<QueryLimitCode, ErrorCode>> = {
  QUERY_TOO_DEEP: ErrorCode.QUERY_TOO_DEEP,
  TOO_MANY_ALIASES: ErrorCode.TOO_MANY_ALIASES,
  QUERY_TOO_COMPLEX: ErrorCode.QUERY_TOO_COMPLEX,
  TOO_MANY_TOKENS: ErrorCode.TOO_MANY_TOKENS,
};

/**
 * A request error caused by a query limit gets the limit's own code instead of the generic
 * validation/parse code, so callers can tell "your query is too big" from "your query is wrong".
 * Validation rules carry a {@link QueryLimitError} as `originalError`; the token limit is enforced by
 * graphql-js's parser and only recognisable by its message.
 */
function queryLimitCode(formatted: GraphQLFormattedError, error: unknown): ErrorCode | undefined {
  const cause =
    typeof error === 'object' && error !== null
      ? (error as { originalError?: unknown }).originalError
      : undefined;
  if (cause instanceof QueryLimitError) return QUERY_LIMIT_CODES[cause.code];
  if (
    formatted.extensions?.code === ErrorCode.GRAPHQL_PARSE_FAILED &&
    isTokenLimitMessage(formatted.message)
  ) {
    return ErrorCode.TOO_MANY_TOKENS;
  }
  return undefined;
}

/**
 * A cancellation caused by the request deadline rather than the client leaving: the deadline's
 * signal (`AbortSignal.timeout`) aborts with a `TimeoutError`, which the registry layer keeps as the
 * cause. Callers should know they asked for too much at once, not that somebody hung up.
 */
function isDeadline(original: ImprimaturError): boolean {
  const cause = original.cause;
  return (
    original.code === 'REGISTRY_ABORTED' &&
    typeof cause === 'object' &&
    cause !== null &&
    (cause as { name?: unknown }).name === 'TimeoutError'
  );
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
}

/**
 * Apollo's `formatError`: the one mapping from thrown errors to what callers see.
 *
 * - An `ImprimaturError` whose code is public keeps its message (written to be shown: it names the
 *   problem and the input, never credentials) and gets that code; `retryable` when the registry
 *   error says trying later may help.
 * - A GraphQL request error (parse, validation, variable coercion) passes through: its message is
 *   about the caller's own query.
 * - Anything else is a bug or an internal failure: logged in full, rendered as a generic
 *   INTERNAL_SERVER_ERROR. Never a stack trace, never a `cause`.
 */
export function createFormatError(logger: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = thrownByResolver(error);
    if (original instanceof ImprimaturError) {
      const deadline = isDeadline(original);
      const code = deadline ? ErrorCode.REQUEST_DEADLINE_EXCEEDED : PUBLIC_CODES.get(original.code);
      if (code !== undefined) {
        const retryable = (original as { temporary?: unknown }).temporary;
        const message = deadline
          ? `${original.message}: the request ran past its deadline`
          : original.message;
        return {
          // Messages quote registries; redacted again here in case a credential got in another way.
          message: redactSecrets(message),
          ...(formatted.locations === undefined ? {} : { locations: formatted.locations }),
          ...(formatted.path === undefined ? {} : { path: formatted.path }),
          extensions: { code, ...(typeof retryable === 'boolean' ? { retryable } : {}) },
        };
      }
    } else if (isRequestError(formatted)) {
      const limit = queryLimitCode(formatted, error);
      const shown = withoutStacktrace(formatted);
      return limit === undefined ? shown : { ...shown, extensions: { ...shown.extensions, code: limit } };
    }
    logger.error(
      { err: original, path: formatted.path },
      'unexpected error while resolving a GraphQL request',
    );
    return {
      message: GENERIC_MESSAGE,
      ...(formatted.locations === undefined ? {} : { locations: formatted.locations }),
      ...(formatted.path === undefined ? {} : { path: formatted.path }),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
