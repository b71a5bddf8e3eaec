import { Agent, type Dispatcher } from 'undici';
import { DEFAULT_REGISTRY_LIMITS, type RegistryConfig } from '../config/index.js';
import {
  createGuardedConnector,
  OutboundPolicy,
  type HostResolver,
  type OutboundRefusedError,
} from '../security/index.js';
import { fetchBlobFrom } from './blobs.js';
import { resolveEndpoint, validateRepository, type Endpoint } from './endpoint.js';
import { fetchManifestFrom } from './manifests.js';
import {
  DEFAULT_REFERRERS_LIMIT,
  listReferrersFrom,
  type ReferrersFetchContext,
} from './referrers/list-referrers.js';
import { ReferrersSupport } from './referrers/referrers-support.js';
import { DEFAULT_TAGS_LIMIT, listTagsFrom } from './tags/list-tags.js';
import { Authenticator } from './transport/authenticator.js';
import { loadDockerConfig, type CredentialStore } from './transport/docker-config.js';
import type { ExchangeObserver } from './transport/exchange-observer.js';
import { HttpClient } from './transport/http-client.js';
import { registryCaCertificates } from './transport/registry-ca.js';
import { RegistryLimits } from './transport/registry-limits.js';
import { RegistryTransport } from './transport/registry-transport.js';
import type { RegistryClient, RepositoryRef } from './types.js';

/** Hooks for tests and embedding; production code passes none. */
export interface RegistryClientOptions {
  /**
   * The undici dispatcher (connection pool) to use. Default: one whose connections apply the outbound
   * address check (src/security). One passed here is used as is: only the name-level checks
   * (allow-list, IP literals) then apply, not the check of resolved addresses.
   */
  readonly dispatcher?: Dispatcher;
  /** Resolves registry host names for the default dispatcher; defaults to `dns.lookup`. Tests map names to chosen addresses. */
  readonly resolver?: HostResolver;
  /** Source of jitter in [0, 1); defaults to `Math.random`. */
  readonly random?: () => number;
  /** Clock for token expiry and `Retry-After` dates; defaults to `Date.now`. */
  readonly now?: () => number;
  /**
   * Told about every HTTP exchange with a registry, token service or redirect target (telemetry
   * passes one for spans and metrics). Default: none.
   */
  readonly observer?: ExchangeObserver;
  /**
   * Told about every request the outbound policy refuses (allow-list, non-public or unresolvable
   * address), with the reason callers are not told: the server logs and counts them. Default: none.
   */
  readonly onRefusal?: (refusal: OutboundRefusedError) => void;
}

/**
 * Builds the registry client. Credentials are read from `config.authFile` on first need and kept for
 * the client's lifetime; a broken file fails the requests that need it (with `AUTH_CONFIG_INVALID`)
 * rather than the process.
 */
export function createRegistryClient(
  config: RegistryConfig,
  options: RegistryClientOptions = {},
): RegistryClient {
  const now = options.now ?? Date.now;
  const policy = new OutboundPolicy({
    allowedRegistries: config.allowedRegistries ?? [],
    insecureRegistries: config.insecureRegistries,
    ...(options.onRefusal === undefined ? {} : { onRefusal: options.onRefusal }),
  });
  const perHost = config.concurrencyPerHost ?? DEFAULT_REGISTRY_LIMITS.concurrencyPerHost;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connect: createGuardedConnector(policy, {
        ...(options.resolver ? { resolver: options.resolver } : {}),
        // A private registry CA (IMPRIMATUR_REGISTRY_CA_FILE), on top of the public roots.
        ...(config.caFile === undefined ? {} : { connect: { ca: registryCaCertificates(config.caFile) } }),
      }),
      // Connections per origin. The limits below already keep at most `perHost` exchanges in flight
      // per host, so this only makes the pool's bound the same number rather than none at all.
      connections: perHost,
    });
  const observer = options.observer;
  const limits = new RegistryLimits(
    { perHost, total: config.concurrency ?? DEFAULT_REGISTRY_LIMITS.concurrency },
    observer?.refused === undefined ? undefined : (by) => observer.refused?.(by),
  );
  const http = new HttpClient({
    dispatcher,
    policy,
    limits,
    timeoutMs: config.requestTimeoutMs,
    retry: {
      maxRetries: config.maxRetries,
      baseDelayMs: config.retryBaseDelayMs,
      maxDelayMs: config.maxRetryAfterMs,
    },
    insecureRegistries: config.insecureRegistries,
    random: options.random ?? Math.random,
    now,
    ...(options.observer === undefined ? {} : { observer: options.observer }),
  });
  let credentials: Promise<CredentialStore> | undefined;
  const auth = new Authenticator({
    http,
    credentials: () => (credentials ??= loadDockerConfig(config.authFile)),
    insecureRegistries: config.insecureRegistries,
    now,
  });
  const ctx: ReferrersFetchContext = {
    transport: new RegistryTransport(http, auth),
    maxManifestBytes: config.maxManifestBytes,
    support: config.referrersFallbackAhead === false ? undefined : new ReferrersSupport(),
  };
  const locate = (repo: RepositoryRef): [Endpoint, string] => [
    resolveEndpoint(repo.registry, config.insecureRegistries),
    validateRepository(repo.repository),
  ];

  return {
    async fetchManifest(repo, reference, requestOptions) {
      const [endpoint, repository] = locate(repo);
      return fetchManifestFrom(ctx, endpoint, repository, reference, requestOptions?.signal);
    },
    async fetchBlob(repo, digest, requestOptions) {
      const [endpoint, repository] = locate(repo);
      return fetchBlobFrom(
        ctx.transport,
        endpoint,
        repository,
        digest,
        requestOptions.maxBytes,
        requestOptions.signal,
      );
    },
    async listReferrers(repo, digest, requestOptions) {
      const [endpoint, repository] = locate(repo);
      const query = {
        artifactType: requestOptions?.artifactType,
        limit: requestOptions?.limit ?? DEFAULT_REFERRERS_LIMIT,
      };
      return listReferrersFrom(ctx, endpoint, repository, digest, query, requestOptions?.signal);
    },
    async listTags(repo, requestOptions) {
      const [endpoint, repository] = locate(repo);
      const limit = requestOptions?.limit ?? DEFAULT_TAGS_LIMIT;
      return listTagsFrom(ctx, endpoint, repository, limit, requestOptions?.signal);
    },
  };
}
