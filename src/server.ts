import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_REGISTRY_LIMITS, type Config } from './config/index.js';
import {
  createApollo,
  createContext,
  createGraphQLHandler,
  currentAnswerDependencies,
  ErrorCode,
  refusingReplayOnUpstream,
  ResponseCache,
  sendJsonError,
} from './graphql/index.js';
import {
  ASSET_PREFIX as GRAPHIQL_ASSET_PREFIX,
  createGraphiQLHandler,
  sendGraphiQLOff,
} from './graphiql/index.js';
import { createCache, ContentMemo, type Cache } from './cache/index.js';
import { createRegistryClient, RequestBudget, withRequestBudget } from './registry/index.js';
import {
  cacheCheck,
  createRestRoutes,
  restRouteLabel,
  sendUnauthenticated,
  trustRootsCheck,
  type ReadinessCheck,
} from './rest/index.js';
import type { RegistryClient } from './registry/types.js';
import { CallerAuthenticator, withDeadline } from './security/index.js';
import { IndexMembership } from './services/index-membership.js';
import { handleTrustView, isTrustViewPath } from './trust-view/index.js';
import {
  createLogger,
  createRegistryObserver,
  METRICS_PATH,
  metrics,
  observeHttpRequest,
  recordCacheLookup,
  reportOutboundRefusals,
  serveMetrics,
  UNMATCHED_ROUTE,
} from './telemetry/index.js';
import { TrustRootSet, type RefreshOutcome, type TrustRoot } from './verification/index.js';

/** A handler for one HTTP route. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Everything `createServer` would otherwise build itself; tests and embedders pass their own. */
export interface ServerDependencies {
  readonly registry?: RegistryClient;
  /**
   * Defaults to `createCache(config.cache)`: bounded memory, or Redis with `IMPRIMATUR_CACHE_URL`.
   * Whichever registry client is used is wrapped by it. Its `health()` says whether Redis is reachable.
   */
  readonly cache?: Cache;
  /** One fixed root (named `public-good`) instead of the configured ones. */
  readonly trustRoot?: TrustRoot;
  /**
   * The named trust roots, refreshed by whoever built them (start them yourself). Default: built
   * from `config.verification` and started here (docs/trust-roots.md).
   */
  readonly trustRoots?: TrustRootSet;
  readonly logger?: Logger;
  /**
   * Seam for the GraphiQL page: answers a browser `GET /graphql` that carries no `query`, and the
   * page's bundle under `/graphiql/` (only when `config.graphiql` is on). Default: the bundle built
   * by `npm run build` (src/graphiql/).
   */
  readonly graphiql?: RouteHandler;
  /**
   * `GET /readyz` checks beyond the trust root's and the cache's, which are always checked.
   */
  readonly readinessChecks?: readonly ReadinessCheck[];
}

export interface ImprimaturServer {
  readonly http: Server;
  /** The trust roots verifications use; `refreshAll()` refreshes the TUF ones now. */
  readonly trustRoots: TrustRootSet;
  /** Listens on `port`/`host` (default: the configured ones); resolves with the bound address. */
  listen(port?: number, host?: string): Promise<{ port: number; host: string; url: string }>;
  /** Stops accepting connections, lets in-flight requests finish, then stops Apollo. */
  stop(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';
const HEALTH_PATH = '/healthz';
/**
 * Answered without a caller token: orchestrators and Prometheus probe these without credentials, and
 * they never touch a registry (readiness checks only the trust root and cache), so they cannot be used
 * to make the service fetch anything. /metrics shows counts and registry host names: keep it on an
 * internal port or network, as for any exporter.
 */
const UNAUTHENTICATED_PATHS: ReadonlySet<string> = new Set([HEALTH_PATH, '/readyz', METRICS_PATH]);

function wantsGraphiQL(req: IncomingMessage, search: URLSearchParams): boolean {
  return req.method === 'GET' && !search.has('query') && (req.headers.accept ?? '').includes('text/html');
}

/**
 * The service's HTTP server: `POST`/`GET /graphql` (GraphQL over HTTP), `GET /healthz`
 * (200 while ready, 503 while stopping) and `GET /metrics` (Prometheus). Resolves once the schema is built and Apollo has started.
 */
export async function createServer(config: Config, deps: ServerDependencies = {}): Promise<ImprimaturServer> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  // The observer turns every upstream exchange into a span and into registry metrics.
  const cache =
    deps.cache ??
    createCache(config.cache, {
      maxManifestBytes: config.registry.maxManifestBytes,
      observeLease: (outcome) => metrics().cacheFetchLeases.inc({ outcome: outcome.replaceAll('-', '_') }),
      // Every look-up is counted per namespace (hit or not) and noted on the active span.
      observe: (namespace, outcome, tier, expiresAt) => {
        recordCacheLookup(namespace, outcome === 'hit');
        // The GraphQL answer being computed (if any) is only replayable while this entry lives.
        currentAnswerDependencies()?.noteCacheRead(outcome === 'hit', expiresAt);
        // A shared entry that failed its digest or shape check was damaged or planted; it was
        // ignored and refetched, but whoever runs Redis should hear about it.
        if (outcome === 'refused' && tier === 'shared') {
          logger.warn({ namespace }, 'cache entry from Redis refused: it did not match its digest or format');
        }
      },
      // Answers never depend on Redis, so nothing else would show an operator that it is gone.
      onRedisStateChange: (state, lastError) =>
        state === 'down'
          ? logger.warn({ error: lastError }, 'Redis unreachable: answering from memory and the registries')
          : logger.info('Redis reachable: sharing cache entries through it'),
    });
  metrics().observeCache(() => {
    const health = cache.health();
    return { healthy: health.status === 'ok', entries: health.memory.entries, bytes: health.memory.bytes };
  });
  // The cache sits between the services and the registry client: content by digest, tags and
  // listings briefly, concurrent identical fetches merged (see src/cache).
  // Beneath the cache, every read it could not answer also marks the GraphQL answer being computed
  // as not replayable (see src/graphql/response-cache).
  const registry = cache.wrapRegistry(
    refusingReplayOnUpstream(
      deps.registry ??
        createRegistryClient(config.registry, {
          observer: createRegistryObserver({ logger }),
          // SSRF refusals: a warn line with the true reason, and a count in /metrics.
          onRefusal: reportOutboundRefusals(logger),
        }),
    ),
  );
  // Loaded before listening: a missing, malformed or expired trust root stops start-up with a clear
  // message rather than serving with no trust (or the wrong one). TUF refreshes run in the
  // background from there on; only a default root with nothing local to start from is awaited.
  const ownTrustRoots = deps.trustRoots === undefined;
  const trustRoots = deps.trustRoots ?? trustRootsFor(config, deps.trustRoot);
  trustRoots.onRefresh((outcome) => reportRefresh(logger, outcome));
  metrics().observeTrustRoots(() =>
    trustRoots.states().map((state) => ({ ...state, refreshes: state.mirror !== undefined })),
  );
  if (ownTrustRoots) await trustRoots.start();
  const membership = new IndexMembership();
  const contextDeps = {
    registry,
    maxConfigBytes: config.registry.maxManifestBytes,
    trustRoots,
    discoveryLimits: {
      maxSignatures: config.verification.maxSignaturesPerDigest,
      maxPayloadBytes: config.registry.maxSignatureBytes,
      maxAttestationBytes: config.registry.maxAttestationBytes,
    },
    membership,
    verifications: cache.verifications,
    memo: new ContentMemo(config.cache.viewsMaxBytes),
    hintScanMaxTags: config.verification.hintScanMaxTags,
  };
  let ready = false;

  // The Apollo instance needs the http server (to drain it on stop), and the server's handler needs
  // Apollo: the handler is bound once both exist.
  let route: RouteHandler = (_req, res) => sendJsonError(res, 503, 'starting', ErrorCode.SERVICE_UNAVAILABLE);
  // Bounds on how slowly a client may send (IMPRIMATUR_HTTP_*: by default headers within 10 s, the
  // whole request within 30 s, an idle kept-alive connection closed after 5 s). Node enforces the
  // first two only when it scans its connections, every `connectionsCheckingInterval` (30 s by
  // default), so a dribbler was cut at 31 s rather than 10 s; scanning every second (or a tenth of
  // the shortest limit, when tests use short ones) keeps the documented times true within a second.
  // Responses are not covered: resolving many images legitimately takes as long as registries take.
  const timeouts = config.clientTimeouts;
  const http = createHttpServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeouts.headersMs / 10))),
    },
    (req, res) => {
      res.setHeader('x-content-type-options', 'nosniff');
      // The request's span, trace headers and metrics; the handler (and its error log) runs inside it.
      // One log line per request when it ends (route, operation, status, duration, registry and
      // cache counts, trace id): at info, probes and scrapes at debug.
      void observeHttpRequest(
        req,
        res,
        routeLabel(req.url),
        () =>
          Promise.resolve(route(req, res)).catch((error: unknown) => {
            logger.error({ err: error }, 'unhandled error in HTTP handler');
            if (!res.headersSent)
              sendJsonError(res, 500, 'Internal server error', ErrorCode.INTERNAL_SERVER_ERROR);
            else res.destroy();
          }),
        logger,
      );
    },
  );
  const apollo = await createApollo({ httpServer: http, introspection: config.graphiql, logger });
  // Every request's services run under its deadline as well as its client's connection.
  const services = (signal: AbortSignal) =>
    createContext(contextDeps, withDeadline(signal, config.requestDeadlineMs));
  // Every registry exchange a request causes, at whatever depth, is charged to its own budget and
  // bounded in concurrency (src/registry/transport/request-budget.ts).
  const budgetLimits = {
    maxRequests: config.registry.maxRequestsPerRequest ?? DEFAULT_REGISTRY_LIMITS.maxRequestsPerRequest,
    maxConcurrent: config.registry.concurrencyPerRequest ?? DEFAULT_REGISTRY_LIMITS.concurrencyPerRequest,
  };
  const withBudget = <T>(work: () => T): T => withRequestBudget(new RequestBudget(budgetLimits), work);
  const callers = new CallerAuthenticator(config.apiTokens);
  // Whole answers that came entirely from the cache are replayed to identical requests, for no
  // longer than the entries they read (src/graphql/response-cache).
  const responses =
    config.cache.responsesMaxEntries > 0
      ? new ResponseCache({
          maxEntries: config.cache.responsesMaxEntries,
          maxBytes: config.cache.responsesMaxBytes,
          maxAgeMs: config.cache.verificationTtlSeconds * 1000,
          // Both only grow: their sum changes whenever either does, so no answer computed before a
          // trust root was replaced (or an index learnt) is replayed after.
          generation: () => membership.version + trustRoots.version,
        })
      : undefined;
  const graphql = createGraphQLHandler(apollo, services, { responses, bodyTimeoutMs: timeouts.requestMs });
  const graphiql =
    deps.graphiql ??
    createGraphiQLHandler({ onMissingBundle: (err) => logger.warn({ err }, 'GraphiQL page unavailable') });
  // REST (openapi/openapi.yaml) runs on the same per-request services as GraphQL.
  const rest = createRestRoutes({
    createServices: services,
    readinessChecks: [trustRootsCheck(trustRoots), cacheCheck(cache), ...(deps.readinessChecks ?? [])],
    isAccepting: () => ready,
    logger,
    bodyTimeoutMs: timeouts.requestMs,
  });

  route = async (req, res) => {
    // Only the path and query are used: the Host header is caller-controlled and never trusted.
    const url = new URL(req.url ?? '/', 'http://localhost');
    // The GraphiQL page and bundle are static files; the queries the page sends carry the token the
    // user enters in its headers tab.
    const exempt =
      UNAUTHENTICATED_PATHS.has(url.pathname) ||
      isTrustViewPath(url.pathname) ||
      (config.graphiql &&
        (url.pathname.startsWith(GRAPHIQL_ASSET_PREFIX) ||
          (url.pathname === GRAPHQL_PATH && wantsGraphiQL(req, url.searchParams))));
    if (!exempt && !callers.accepts(req.headers.authorization)) {
      // Each edge in its own error shape: GraphQL's at /graphql, problem+json everywhere else.
      if (url.pathname !== GRAPHQL_PATH) return sendUnauthenticated(res);
      res.setHeader('www-authenticate', 'Bearer realm="imprimatur"');
      return sendJsonError(res, 401, 'a valid bearer token is required', ErrorCode.UNAUTHENTICATED);
    }
    if (url.pathname === HEALTH_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      const status = ready ? 200 : 503;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      return void res.end(
        req.method === 'HEAD' ? undefined : JSON.stringify({ status: ready ? 'ok' : 'unavailable' }),
      );
    }
    if (url.pathname === METRICS_PATH) return serveMetrics(req, res);
    if (isTrustViewPath(url.pathname)) return handleTrustView(req, res, url.pathname);
    if (url.pathname === GRAPHQL_PATH) {
      if (req.method !== 'GET' && req.method !== 'POST') return methodNotAllowed(res, 'GET, POST');
      if (!ready) return sendJsonError(res, 503, 'server is stopping', ErrorCode.SERVICE_UNAVAILABLE);
      if (wantsGraphiQL(req, url.searchParams)) {
        return config.graphiql ? graphiql(req, res) : sendGraphiQLOff(res);
      }
      return withBudget(() => graphql(req, res, url.search));
    }
    if (config.graphiql && url.pathname.startsWith(GRAPHIQL_ASSET_PREFIX)) return graphiql(req, res);
    if (await withBudget(() => rest.handle(req, res, url))) return;
    sendJsonError(res, 404, 'not found', ErrorCode.NOT_FOUND);
  };
  ready = true;

  return {
    http,
    trustRoots,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          const address = http.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ port: address.port, host: address.address, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    async stop() {
      ready = false;
      // Apollo's drain plugin closes the listener and waits for in-flight requests before stopping.
      await apollo.stop();
      if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
      // Only a cache built here is ours to close; an injected one belongs to the caller.
      if (deps.cache === undefined) await cache.close();
      if (ownTrustRoots) trustRoots.stop();
    },
  };
}

/**
 * The configured trust roots: the named set when configuration came from the environment, else
 * (configuration built in code) `trustedRootPath` or the embedded root, fixed — never the network.
 */
function trustRootsFor(config: Config, given: TrustRoot | undefined): TrustRootSet {
  if (given !== undefined) return TrustRootSet.fixed(given);
  const { trustRoots, trustedRootPath } = config.verification;
  const floor = trustRoots?.roots[0]?.floor;
  // A `trustedRootPath` set in code over an environment's configuration (`{ ...base.verification,
  // trustedRootPath }`) means that file, as it always has.
  const overridden =
    trustedRootPath !== undefined && !(floor?.kind === 'file' && floor.path === trustedRootPath);
  return trustRoots === undefined || overridden
    ? TrustRootSet.fromTrustedRootPath(trustedRootPath)
    : TrustRootSet.fromConfig(trustRoots);
}

/** Every refresh is counted; a failure is a warning (the last good root stays in use), a change news. */
function reportRefresh(logger: Logger, outcome: RefreshOutcome): void {
  metrics().trustRootRefreshes.inc({ root: outcome.name, outcome: outcome.outcome });
  switch (outcome.outcome) {
    case 'updated':
      logger.info(
        { trustRoot: outcome.name, id: outcome.root.id, previous: outcome.previous?.id },
        'trust root updated through TUF',
      );
      return;
    case 'unchanged':
      logger.debug(
        { trustRoot: outcome.name, id: outcome.root.id },
        'trust root confirmed current through TUF',
      );
      return;
    case 'failed':
      logger.warn(
        { trustRoot: outcome.name, kept: outcome.kept?.id ?? null, error: outcome.error },
        'trust root refresh failed; keeping the root in use',
      );
      return;
  }
}

/** The route as a metric label and span name: one of our paths, never the caller's raw path. */
function routeLabel(rawUrl: string | undefined): string {
  let path: string;
  try {
    path = new URL(rawUrl ?? '/', 'http://localhost').pathname;
  } catch {
    return UNMATCHED_ROUTE; // an unparseable request target; the route handler answers it
  }
  if (path === GRAPHQL_PATH || path === HEALTH_PATH || path === METRICS_PATH) return path;
  if (path.startsWith(GRAPHIQL_ASSET_PREFIX)) return `${GRAPHIQL_ASSET_PREFIX}*`;
  if (isTrustViewPath(path)) return path;
  return restRouteLabel(path) ?? UNMATCHED_ROUTE;
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendJsonError(res, 405, 'method not allowed', ErrorCode.METHOD_NOT_ALLOWED);
}
