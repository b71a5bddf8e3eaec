import { ImprimaturError } from '../errors/index.js';
import { FULCIO_CLAIMS } from '../verification/index.js';
import { RestProblem, type Problem } from './problem.js';

/**
 * The one mapping from errors thrown below the REST edge to HTTP answers (the GraphQL edge has its
 * own in src/graphql/errors.ts, over the same codes). Unlisted codes are internal: the caller gets a
 * generic 500, the details go to the log.
 */
const STATUS_BY_CODE: ReadonlyMap<string, { status: number; title: string }> = new Map([
  // The caller's input.
  ['INVALID_REFERENCE', { status: 400, title: 'Bad Request' }],
  ['INVALID_POLICY', { status: 400, title: 'Bad Request' }],
  // The registry answered, and the thing asked for is not there: the resource does not exist.
  ['MANIFEST_UNKNOWN', { status: 404, title: 'Not Found' }],
  ['NAME_UNKNOWN', { status: 404, title: 'Not Found' }],
  ['BLOB_UNKNOWN', { status: 404, title: 'Not Found' }],
  // Registry trouble: we are a gateway to it, so 502 (or 504 when it did not answer in time).
  ['REGISTRY_TIMEOUT', { status: 504, title: 'Gateway Timeout' }],
  ['REGISTRY_UNAUTHORIZED', { status: 502, title: 'Bad Gateway' }],
  ['REGISTRY_DENIED', { status: 502, title: 'Bad Gateway' }],
  ['REGISTRY_RATE_LIMITED', { status: 502, title: 'Bad Gateway' }],
  ['REGISTRY_UNAVAILABLE', { status: 502, title: 'Bad Gateway' }],
  ['REGISTRY_TLS_UNTRUSTED', { status: 502, title: 'Bad Gateway' }],
  ['REGISTRY_PROTOCOL_ERROR', { status: 502, title: 'Bad Gateway' }],
  ['INSECURE_REGISTRY', { status: 502, title: 'Bad Gateway' }],
  ['DIGEST_MISMATCH', { status: 502, title: 'Bad Gateway' }],
  ['UNSUPPORTED_DIGEST', { status: 502, title: 'Bad Gateway' }],
  ['MANIFEST_TOO_LARGE', { status: 502, title: 'Bad Gateway' }],
  ['BLOB_TOO_LARGE', { status: 502, title: 'Bad Gateway' }],
  ['UNSUPPORTED_MEDIA_TYPE', { status: 502, title: 'Bad Gateway' }],
  ['INVALID_MANIFEST', { status: 502, title: 'Bad Gateway' }],
  ['TOO_MANY_REGISTRY_REQUESTS', { status: 502, title: 'Bad Gateway' }],
  // Stored content of the predicate's type that is not a document of it: the registry's content, as above.
  ['MALFORMED_PREDICATE', { status: 502, title: 'Bad Gateway' }],
  // The request's own deadline (IMPRIMATUR_REQUEST_DEADLINE_MS) ran out while registries were slow.
  ['REGISTRY_ABORTED', { status: 504, title: 'Gateway Timeout' }],
  // The outbound policy refuses that registry host (SSRF protection): the service will not go there.
  ['REGISTRY_FORBIDDEN', { status: 403, title: 'Forbidden' }],
]);

/**
 * The public code, named as GraphQL names it: an aborted registry request is the request deadline
 * (`withDeadline`'s timeout signal, a TimeoutError cause) or the caller leaving.
 */
function publicCode(error: ImprimaturError): string {
  if (error.code !== 'REGISTRY_ABORTED') return error.code;
  const cause = error.cause as { name?: unknown } | undefined;
  return cause?.name === 'TimeoutError' ? 'REQUEST_DEADLINE_EXCEEDED' : 'REQUEST_ABORTED';
}

/** Which field an INVALID_POLICY message is about, when it names one (the messages start with it). */
const POLICY_FIELDS = [
  'certificateIdentityRegexp',
  'certificateIdentity',
  'certificateOidcIssuerRegexp',
  'certificateOidcIssuer',
  'key',
  // Fields of the provenance conditions whose INVALID_POLICY messages start with their name.
  ...FULCIO_CLAIMS.filter((c) => c.regexp).map((c) => `${c.field}Regexp`),
  'owner',
  'repo',
  'signerRepo',
  'signerWorkflow',
] as const;

function policyField(message: string): string {
  // `${field} ` with the space: "keyless verification requires …" is not about `key`.
  const named = POLICY_FIELDS.find(
    (field) => message.startsWith(`${field} `) || message.startsWith(`${field}:`),
  );
  return named === undefined ? 'policy' : `policy.${named}`;
}

/**
 * The problem to answer for `error`, or undefined for an unexpected error (a 500, logged by the
 * caller). `referenceField` names where the image reference came from (`image` in a body, `ref` in
 * a path), so a 400 points at the caller's own field.
 */
export function problemFor(error: unknown, referenceField = 'image'): Problem | undefined {
  if (error instanceof RestProblem) return error.problem;
  if (!(error instanceof ImprimaturError)) return undefined;
  const mapped = STATUS_BY_CODE.get(error.code);
  if (mapped === undefined) return undefined;
  const details = error as { registryCodes?: unknown; temporary?: unknown };
  const field =
    error.code === 'INVALID_REFERENCE'
      ? referenceField
      : error.code === 'INVALID_POLICY'
        ? policyField(error.message)
        : undefined;
  return {
    status: mapped.status,
    title: mapped.title,
    detail: error.message,
    code: publicCode(error),
    ...(field === undefined ? {} : { invalidParams: [{ name: field, reason: error.message }] }),
    ...(Array.isArray(details.registryCodes) && details.registryCodes.length > 0
      ? { registryCodes: details.registryCodes.filter((c): c is string => typeof c === 'string') }
      : {}),
    ...(typeof details.temporary === 'boolean' && mapped.status >= 500
      ? { retryable: details.temporary }
      : {}),
  };
}

export const INTERNAL_PROBLEM: Problem = {
  status: 500,
  title: 'Internal Server Error',
  detail: 'Internal server error',
  code: 'INTERNAL_SERVER_ERROR',
};
