import type { ServerResponse } from 'node:http';
import { ImprimaturError } from '../errors/index.js';
import { redactSecrets } from '../security/index.js';

/**
 * RFC 9457 problem details, the one error shape of the REST facade (`application/problem+json`).
 * `code` is the same stable code GraphQL puts in `extensions.code`, so clients branch on one
 * vocabulary whichever edge they use.
 */
export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly code: string;
  /** For 400s: which request field is wrong and why (`image`, `policy.certificateOidcIssuer`). */
  readonly invalidParams?: readonly InvalidParam[];
  /** distribution-spec codes the registry answered with (`MANIFEST_UNKNOWN`, `DENIED`, …). */
  readonly registryCodes?: readonly string[];
  /** True when the same request may succeed later (registry 429/5xx, timeouts). */
  readonly retryable?: boolean;
}

export interface InvalidParam {
  readonly name: string;
  readonly reason: string;
}

/** A problem the REST layer decided on itself (bad input, unknown route), thrown and rendered once. */
export class RestProblem extends ImprimaturError<string> {
  constructor(readonly problem: Problem) {
    super(problem.code, problem.detail);
  }
}

/** 400 naming the field: the shape every input mistake takes. */
export function invalidParam(name: string, reason: string, code = 'BAD_REQUEST'): RestProblem {
  return new RestProblem({
    status: 400,
    title: 'Bad Request',
    detail: `${name}: ${reason}`,
    code,
    invalidParams: [{ name, reason }],
  });
}

export function sendProblem(
  res: ServerResponse,
  problem: Problem,
  extraHeaders: Record<string, string> = {},
): void {
  // Details quote registries and callers: the last place to keep our secrets out of the answer.
  const shown: Problem = {
    ...problem,
    detail: redactSecrets(problem.detail),
    ...(problem.invalidParams === undefined
      ? {}
      : {
          invalidParams: problem.invalidParams.map((param) => ({
            ...param,
            reason: redactSecrets(param.reason),
          })),
        }),
  };
  const body = JSON.stringify({ type: 'about:blank', ...shown });
  res.writeHead(problem.status, {
    ...extraHeaders,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, method = 'GET'): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    // Answers depend on mutable registry state (tags, signatures): never cached on the way.
    'cache-control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : body);
}
