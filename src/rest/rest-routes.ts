import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleBadge } from './badge-route.js';
import { handleImage } from './image-route.js';
import { createOpenApiDocument } from './openapi-document.js';
import { INTERNAL_PROBLEM, problemFor } from './error-mapping.js';
import { RestProblem, sendJson, sendProblem } from './problem.js';
import { runReadinessChecks, type ReadinessCheck, type ReadinessResult } from './readiness.js';
import type { RequestServicesFactory } from './services.js';
import { handleVerifyAttestation } from './verify-attestation-route.js';
import { handleVerify } from './verify-route.js';

export interface RestRoutesOptions {
  readonly createServices: RequestServicesFactory;
  /** What `/readyz` checks (the trust root; the cache store once it exists). */
  readonly readinessChecks: readonly ReadinessCheck[];
  /** False while the server is stopping: `/readyz` then answers 503 at once. */
  readonly isAccepting: () => boolean;
  readonly logger: {
    error(details: { err: unknown }, message: string): void;
    warn(details: { failing: readonly ReadinessResult[] }, message: string): void;
  };
  /** A request body still arriving this long after reading began is refused with 408. */
  readonly bodyTimeoutMs: number;
  /** Path of the OpenAPI document; default `openapi/openapi.yaml` of this package. */
  readonly openapiPath?: string;
}

export const REST_PATHS = {
  verify: '/v1/verify',
  verifyAttestation: '/v1/verify-attestation',
  badge: '/v1/badge',
  images: '/v1/images/',
  readyz: '/readyz',
  openapi: '/openapi.yaml',
} as const;

/** The route as a metric label: one of ours with the reference elided, or undefined if not a REST path. */
export function restRouteLabel(path: string): string | undefined {
  if (
    path === REST_PATHS.verify ||
    path === REST_PATHS.verifyAttestation ||
    path === REST_PATHS.badge ||
    path === REST_PATHS.readyz ||
    path === REST_PATHS.openapi
  ) {
    return path;
  }
  if (path.startsWith(REST_PATHS.images)) return `${REST_PATHS.images}{ref}`;
  return undefined;
}

function methodNotAllowed(allow: string): RestProblem {
  return new RestProblem({
    status: 405,
    title: 'Method Not Allowed',
    detail: `use ${allow}`,
    code: 'METHOD_NOT_ALLOWED',
  });
}

/**
 * The REST facade (openapi/openapi.yaml), thin over the same per-request services as GraphQL.
 * `handle` answers and resolves true for REST paths, false for anything else (server.ts routes on).
 */
export function createRestRoutes(options: RestRoutesOptions) {
  const openapi =
    options.openapiPath === undefined
      ? createOpenApiDocument()
      : createOpenApiDocument([options.openapiPath]);

  async function readyz(res: ServerResponse, method: string): Promise<void> {
    const results = options.isAccepting() ? await runReadinessChecks(options.readinessChecks) : [];
    const failing = results.filter((r) => !r.ok);
    if (failing.length > 0) options.logger.warn({ failing }, 'not ready');
    const ready = options.isAccepting() && failing.length === 0;
    // Names and states only: check messages can hold paths or store addresses, so they go to the log.
    sendJson(
      res,
      ready ? 200 : 503,
      {
        status: ready ? 'ready' : 'unavailable',
        checks: results.map((r) => ({
          name: r.name,
          ok: r.ok,
          state: r.state,
          // Facts a check chose to show (trust roots: ids, versions, refresh times); never messages.
          ...(r.detail === undefined ? {} : { detail: r.detail }),
        })),
      },
      method,
    );
  }

  async function serveOpenApi(res: ServerResponse, method: string): Promise<void> {
    const document = await openapi();
    if (document === undefined) {
      throw new RestProblem({
        status: 404,
        title: 'Not Found',
        detail: 'OpenAPI document not installed',
        code: 'NOT_FOUND',
      });
    }
    res.writeHead(200, {
      'content-type': 'application/yaml; charset=utf-8',
      'content-length': document.length,
      'cache-control': 'no-cache',
    });
    res.end(method === 'HEAD' ? undefined : document);
  }

  async function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    method: string,
  ): Promise<void> {
    if (path === REST_PATHS.readyz) {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET, HEAD');
      return readyz(res, method);
    }
    if (path === REST_PATHS.openapi) {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET, HEAD');
      return serveOpenApi(res, method);
    }
    refuseCrossSite(req);
    // Routes that reach registries: their services are cancelled when the caller goes away.
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    if (path === REST_PATHS.verify) {
      if (method !== 'POST') throw methodNotAllowed('POST');
      return handleVerify(req, res, options.createServices(abort.signal), options.bodyTimeoutMs);
    }
    if (path === REST_PATHS.verifyAttestation) {
      if (method !== 'POST') throw methodNotAllowed('POST');
      return handleVerifyAttestation(req, res, options.createServices(abort.signal), options.bodyTimeoutMs);
    }
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET, HEAD');
    if (path === REST_PATHS.badge) {
      return handleBadge(
        res,
        options.createServices(abort.signal),
        new URL(req.url ?? '/', 'http://localhost').searchParams,
        method,
      );
    }
    return handleImage(res, options.createServices(abort.signal), imageRefFromPath(path), method);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (restRouteLabel(path) === undefined) return false;
    const method = req.method ?? 'GET';
    try {
      await dispatch(req, res, path, method);
    } catch (error) {
      const inBody =
        path === REST_PATHS.verify || path === REST_PATHS.verifyAttestation || path === REST_PATHS.badge;
      const problem = problemFor(error, inBody ? 'image' : 'ref');
      if (problem === undefined) options.logger.error({ err: error }, 'unexpected error in REST handler');
      if (res.headersSent) return (void res.destroy(), true);
      const headers: Record<string, string> = {};
      if (problem?.status === 405) headers.allow = problem.detail.slice('use '.length);
      // An oversized or trickling body is not worth reading to the end: close the connection instead.
      if (problem?.status === 413 || problem?.status === 408) headers.connection = 'close';
      sendProblem(res, problem ?? INTERNAL_PROBLEM, headers);
    }
    return true;
  }

  return { handle };
}

/**
 * Refuses registry-reaching requests a browser sends on behalf of another site. A plain cross-site
 * `GET /v1/images/...` needs no CORS preflight, so any web page could make a visitor's browser, inside
 * the network, send the service after registries of the page's choosing (the answer stays unreadable,
 * the traffic does not). Browsers label such requests `Sec-Fetch-Site: cross-site`/`same-site`; curl,
 * SDKs and same-origin pages send nothing or `same-origin`/`none`, and pass. (POST /v1/verify is
 * also protected by needing `application/json`, which forces a preflight this service never grants.)
 */
function refuseCrossSite(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return;
  throw new RestProblem({
    status: 403,
    title: 'Forbidden',
    detail: `requests from other sites are refused (Sec-Fetch-Site: ${site})`,
    code: 'CROSS_SITE_REQUEST',
  });
}

/**
 * The reference in `/v1/images/{ref}`. References contain `/` and `:`; clients percent-encode the
 * whole reference as one path segment (`%2F`, `%3A`, `%40`), but an unencoded remainder is accepted
 * too, since that is what people type.
 */
function imageRefFromPath(path: string): string {
  const raw = path.slice(REST_PATHS.images.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new RestProblem({
      status: 400,
      title: 'Bad Request',
      detail: 'ref is not valid percent-encoding',
      code: 'INVALID_REFERENCE',
      invalidParams: [{ name: 'ref', reason: 'not valid percent-encoding' }],
    });
  }
}
