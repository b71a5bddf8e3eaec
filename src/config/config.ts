import { homedir } from 'node:os';
import { join } from 'node:path';
import { ImprimaturError } from '../errors/index.js';
import { parseHostPattern } from '../security/index.js';
import { loadTrustRootsConfig, TrustRootsConfigError, type TrustRootsConfig } from './trust-roots-config.js';

/** Typed, validated configuration. Loaded once at start-up from the environment. */
export interface Config {
  /** TCP port for GraphQL, REST and probes. `PORT` or `IMPRIMATUR_PORT`, default 4000. */
  readonly port: number;
  /** Interface to bind. `IMPRIMATUR_HOST`, default `0.0.0.0` (container friendly). */
  readonly host: string;
  readonly registry: RegistryConfig;
  readonly verification: VerificationConfig;
  readonly cache: CacheConfig;
  /** `IMPRIMATUR_GRAPHIQL`: serve the GraphiQL page and allow introspection. Default true. */
  readonly graphiql: boolean;
  /** `IMPRIMATUR_LOG_LEVEL`: pino level, default `info`. */
  readonly logLevel: string;
  /**
   * `IMPRIMATUR_API_TOKENS`: comma-separated bearer tokens callers must present
   * (`Authorization: Bearer <token>`), at least 16 characters each. Unset: no caller authentication
   * (put the service behind something that authenticates). Probes and `/metrics` are exempt: see
   * SECURITY.md.
   */
  readonly apiTokens: readonly string[];
  /**
   * `IMPRIMATUR_REQUEST_DEADLINE_MS`: longest a GraphQL request may keep registry work going; past it
   * every upstream request of that request is cancelled (REQUEST_DEADLINE_EXCEEDED). Default 60000.
   */
  readonly requestDeadlineMs: number;
  /** How slowly a client may send; see {@link ClientTimeoutsConfig}. */
  readonly clientTimeouts: ClientTimeoutsConfig;
}

/**
 * Bounds on how long one client connection may hold a socket while sending (not while we answer:
 * resolving many images legitimately takes as long as registries take). A slow client must not be
 * able to hold sockets for minutes, as Node's defaults (60 s headers, 300 s request) would allow.
 */
export interface ClientTimeoutsConfig {
  /** `IMPRIMATUR_HTTP_HEADERS_TIMEOUT_MS`: all request headers within this long of the request's start. Default 10000. */
  readonly headersMs: number;
  /**
   * `IMPRIMATUR_HTTP_REQUEST_TIMEOUT_MS`: the whole request, body included, within this long. Default
   * 30000; at least the headers timeout.
   */
  readonly requestMs: number;
  /** `IMPRIMATUR_HTTP_KEEP_ALIVE_TIMEOUT_MS`: an idle kept-alive connection is closed after this long. Default 5000. */
  readonly keepAliveMs: number;
}

export interface RegistryConfig {
  /** Docker `config.json` with registry credentials. `IMPRIMATUR_REGISTRY_AUTH_FILE`, default `~/.docker/config.json`. */
  readonly authFile: string;
  /**
   * `host[:port]` entries reached over plain HTTP, like Docker's `insecure-registries`.
   * `IMPRIMATUR_INSECURE_REGISTRIES`, comma-separated. Everything else is HTTPS only: a registry
   * answering over plain HTTP could be anyone on the path.
   */
  readonly insecureRegistries: readonly string[];
  /**
   * `IMPRIMATUR_ALLOWED_REGISTRIES`, comma-separated host patterns (`ghcr.io`, `*.example.com`,
   * `registry.local:5000`). When set, only these hosts (and the insecure registries) are contacted:
   * registries, their token realms and redirect targets — so list the storage hosts your registries
   * redirect blob downloads to. Unset (or absent here): any host with a public address. Either way,
   * non-public addresses (loopback, private, link-local such as cloud metadata) are only reached for
   * hosts listed here or in `insecureRegistries`. See SECURITY.md.
   */
  readonly allowedRegistries?: readonly string[];
  /**
   * `IMPRIMATUR_REGISTRY_CA_FILE`: PEM file of CA certificates registries' TLS certificates may also
   * chain to (a private registry's CA), in addition to Node's bundled public roots. Unset: public
   * roots only (plus `NODE_EXTRA_CA_CERTS`, which Node reads at start-up). Unreadable = refuse to start.
   */
  readonly caFile?: string | undefined;
  /** Per HTTP request timeout (headers and body). `IMPRIMATUR_REGISTRY_TIMEOUT_MS`, default 15000. */
  readonly requestTimeoutMs: number;
  /** Retries on 429/5xx/network errors. `IMPRIMATUR_REGISTRY_MAX_RETRIES`, default 3. */
  readonly maxRetries: number;
  /** Base delay for exponential backoff. `IMPRIMATUR_REGISTRY_RETRY_BASE_MS`, default 200. */
  readonly retryBaseDelayMs: number;
  /** Longest `Retry-After` we honour before giving up instead. `IMPRIMATUR_REGISTRY_MAX_RETRY_AFTER_MS`, default 10000. */
  readonly maxRetryAfterMs: number;
  /**
   * Manifests larger than this are refused (distribution itself caps manifests at 4 MiB; a larger
   * "manifest" is a hostile registry trying to exhaust memory).
   */
  readonly maxManifestBytes: number;
  /** Cap for one signature payload / bundle blob. `IMPRIMATUR_MAX_SIGNATURE_BYTES`, default 1 MiB. */
  readonly maxSignatureBytes: number;
  /**
   * Cap for one attestation blob (`.att` layer, BuildKit statement layer, attestation bundle).
   * `IMPRIMATUR_MAX_ATTESTATION_BYTES`, default 16 MiB: an SBOM of a large image is megabytes, a
   * signature never is, so the two caps are apart. Parsing 14 MB of JSON takes ~0.2 s on one core.
   */
  readonly maxAttestationBytes: number;
  /**
   * `IMPRIMATUR_REGISTRY_REFERRERS_FALLBACK_AHEAD`, default true (absent here: true). Ask for the
   * referrers tag fallback (`sha256-<hex>`) together with the referrers API instead of after its 404,
   * except on registries whose API answered before: one round trip less per cold verification on
   * registries without the API, one extra request the first time a registry with the API is asked.
   * Results are the same either way (the fallback is read only after a 404).
   */
  readonly referrersFallbackAhead?: boolean;
  /**
   * `IMPRIMATUR_REGISTRY_MAX_REQUESTS_PER_REQUEST`: most registry exchanges (manifests, blobs,
   * listings, referrers pages, token requests, every retry and redirect hop; cache hits are free) one
   * incoming request may cause; past it `TOO_MANY_REGISTRY_REQUESTS`. Default
   * {@link DEFAULT_REGISTRY_LIMITS}: a cold `images(refs:)` over 100 signed two-platform indexes takes
   * about 1100. Absent here: the default.
   */
  readonly maxRequestsPerRequest?: number;
  /** `IMPRIMATUR_REGISTRY_CONCURRENCY_PER_REQUEST`: most of one request's exchanges in flight at once. */
  readonly concurrencyPerRequest?: number;
  /** `IMPRIMATUR_REGISTRY_CONCURRENCY_PER_HOST`: most exchanges in flight to one host, all requests together (also the connection pool's size per host). */
  readonly concurrencyPerHost?: number;
  /** `IMPRIMATUR_REGISTRY_CONCURRENCY`: most registry exchanges in flight in the whole process. */
  readonly concurrency?: number;
}

/**
 * Defaults of the registry request limits. The budget sits between a real fleet query (100 signed
 * two-platform indexes: ~1100 exchanges cold) and what a hostile index may cost us; the concurrency
 * bounds are far above what one query needs to be fast against a registry (a cold seed verification
 * has about ten exchanges in flight) and far below where sockets, timers and abort listeners start
 * to cost the event loop (thousands).
 */
export const DEFAULT_REGISTRY_LIMITS = {
  maxRequestsPerRequest: 2000,
  concurrencyPerRequest: 32,
  concurrencyPerHost: 64,
  concurrency: 256,
} as const;

export interface VerificationConfig {
  /** `IMPRIMATUR_TRUSTED_ROOT`: a Sigstore `trusted_root.json` replacing the embedded public-good root. */
  readonly trustedRootPath: string | undefined;
  /**
   * Every named trust root and how it is refreshed (docs/trust-roots.md): IMPRIMATUR_TRUST_ROOT_SOURCE,
   * IMPRIMATUR_TUF_*, IMPRIMATUR_TRUST_ROOTS_FILE. Absent (configuration built in code): one root,
   * `trustedRootPath` or else the embedded public-good root, never refreshed — so code-built
   * configurations (tests) never reach for the network.
   */
  readonly trustRoots?: TrustRootsConfig;
  /**
   * At most this many signature layers / referrers per digest (cosign CVE-2023-46737: an unbounded
   * list is a denial of service). `IMPRIMATUR_MAX_SIGNATURES`, default 1000.
   */
  readonly maxSignaturesPerDigest: number;
  /**
   * `IMPRIMATUR_HINT_SCAN_MAX_TAGS`: when a caller asks for it (`findSignedIndex`), an UNSIGNED
   * platform digest with no known signed index is looked for in the repository's tags: at most this
   * many tags are listed and at most this many of their manifests fetched, so one such request costs
   * at most N+1 registry requests (plus verifying an index that lists the digest). Default 50; 0
   * turns the scan off. A bound, because a caller must not be able to make the service walk a
   * repository with thousands of tags. Absent here (configuration built in code): the default.
   */
  readonly hintScanMaxTags?: number;
}

/**
 * What is cached and for how long. Content addressed by digest never changes, so it is kept long;
 * anything a registry can change under the same name (tags, signature listings) only briefly.
 */
export interface CacheConfig {
  /**
   * `IMPRIMATUR_CACHE_URL`: `redis://` or `rediss://` URL of a shared Redis. Unset: the embedded
   * in-memory cache only.
   */
  readonly url: string | undefined;
  /** `IMPRIMATUR_CACHE_MEMORY_TIER`: with Redis, also keep a process-local memory tier in front of it. Default false. */
  readonly memoryTier: boolean;
  /** `IMPRIMATUR_CACHE_MEMORY_MAX_ENTRIES`: bound of the memory cache in entries. Default 10000. */
  readonly memoryMaxEntries: number;
  /** `IMPRIMATUR_CACHE_MEMORY_MAX_BYTES`: bound of the memory cache in bytes. Default 64 MiB. */
  readonly memoryMaxBytes: number;
  /**
   * `IMPRIMATUR_CACHE_CONTENT_TTL_SECONDS`: manifests fetched by digest and blobs. Default 86400 (a
   * day). Every TTL accepts 0, which caches nothing of that kind (concurrent identical requests are
   * still merged); all of them at 0 turns caching off.
   */
  readonly contentTtlSeconds: number;
  /** `IMPRIMATUR_CACHE_TAG_TTL_SECONDS`: tag → digest resolutions. Default 30. */
  readonly tagTtlSeconds: number;
  /** `IMPRIMATUR_CACHE_LISTING_TTL_SECONDS`: referrer listings and cosign `sha256-<hex>.sig` tags. Default 30. */
  readonly listingTtlSeconds: number;
  /**
   * `IMPRIMATUR_CACHE_VERIFICATION_TTL_SECONDS`: a verification verdict. A verdict is only as fresh as
   * the signature listing it was computed from, so the default equals the listing TTL: 30.
   */
  readonly verificationTtlSeconds: number;
  /**
   * `IMPRIMATUR_CACHE_FAILURE_TTL_SECONDS`: a FAILED verdict. Default 5; 0 turns it off. Verdicts
   * that involved a registry error are never cached, whatever this says.
   */
  readonly failureTtlSeconds: number;
  /** `IMPRIMATUR_CACHE_TIMEOUT_MS`: longest wait for one Redis call before answering without it. Default 250. */
  readonly timeoutMs: number;
  /**
   * `IMPRIMATUR_CACHE_RESPONSES_MAX_ENTRIES`: how many whole GraphQL answers are kept for replay
   * (see `src/graphql/response-cache`). Default 1000; 0 turns answer replay off. Process-local.
   */
  readonly responsesMaxEntries: number;
  /** `IMPRIMATUR_CACHE_RESPONSES_MAX_BYTES`: bound of the replayable answers in bytes. Default 16 MiB. */
  readonly responsesMaxBytes: number;
  /**
   * `IMPRIMATUR_CACHE_VIEWS_MAX_BYTES`: bound of the attestation views (SBOM, provenance, VEX, vuln
   * scan) and parsed attestation/bundle blobs kept, by the size of the bytes they were read from.
   * Default 64 MiB; 0 keeps none (each request parses its own). Process-local, like verdicts.
   */
  readonly viewsMaxBytes: number;
  /**
   * `IMPRIMATUR_CACHE_LEASE_MS`: with Redis, a replica about to fetch a shared entry it missed takes
   * a lease on it for this long; other replicas wait (at most this long) for its result instead of
   * fetching too, so a burst across replicas costs the registry one fetch. Default 5000; 0 turns
   * leases off. Absent here: the default. Without Redis there is no lease.
   */
  readonly leaseMs?: number;
  /** `IMPRIMATUR_CACHE_LEASE_POLL_MS`: how often a waiting replica looks for the result. Default 10. */
  readonly leasePollMs?: number;
}

/** Default of `IMPRIMATUR_HINT_SCAN_MAX_TAGS`. */
export const DEFAULT_HINT_SCAN_MAX_TAGS = 50;

export class ConfigError extends ImprimaturError<'INVALID_CONFIG'> {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A list of host patterns, each checked now so a typo stops start-up instead of refusing requests later. */
function hostPatterns(env: Env, name: string): string[] {
  const entries = list(env, name);
  for (const entry of entries) {
    try {
      parseHostPattern(entry);
    } catch (error) {
      throw new ConfigError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return entries;
}

/**
 * Caller tokens. A short token can be guessed by trying, so 16 characters is the floor. Never echoed:
 * a configuration error must not print a secret into the logs.
 */
function apiTokens(env: Env, name: string): string[] {
  const tokens = list(env, name);
  tokens.forEach((token, index) => {
    if (token.length < 16 || /\s/.test(token)) {
      throw new ConfigError(`${name}: token #${index + 1} must be at least 16 characters without spaces`);
    }
  });
  return tokens;
}

function redisUrl(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not echoed: the URL may carry a Redis password.
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`${name} must be a redis:// or rediss:// URL, got ${url.protocol}`);
  }
  return raw;
}

function clientTimeouts(env: Env): ClientTimeoutsConfig {
  const headersMs = integer(env, 'IMPRIMATUR_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000);
  const requestMs = integer(env, 'IMPRIMATUR_HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
  // Node refuses a headers timeout longer than the request timeout; say so in our words, at start-up.
  if (headersMs > requestMs) {
    throw new ConfigError(
      `IMPRIMATUR_HTTP_HEADERS_TIMEOUT_MS (${headersMs}) must not exceed IMPRIMATUR_HTTP_REQUEST_TIMEOUT_MS (${requestMs})`,
    );
  }
  // 0 would mean "never" to Node, so the floor is above it.
  const keepAliveMs = integer(env, 'IMPRIMATUR_HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000);
  return { headersMs, requestMs, keepAliveMs };
}

function trustRootsConfig(env: Env): TrustRootsConfig {
  try {
    return loadTrustRootsConfig(env);
  } catch (error) {
    if (error instanceof TrustRootsConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Reads and validates configuration; throws {@link ConfigError} naming the offending variable. */
/** pino's levels: anything else would stop start-up later with pino's message, not naming the variable. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevel(value: string | undefined): string {
  const level = value?.trim() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`IMPRIMATUR_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  return level;
}

export function loadConfig(env: Env = process.env): Config {
  return {
    port: integer(env, 'IMPRIMATUR_PORT', integer(env, 'PORT', 4000, 0, 65535), 0, 65535),
    host: env.IMPRIMATUR_HOST?.trim() || '0.0.0.0',
    graphiql: boolean(env, 'IMPRIMATUR_GRAPHIQL', true),
    logLevel: logLevel(env.IMPRIMATUR_LOG_LEVEL),
    apiTokens: apiTokens(env, 'IMPRIMATUR_API_TOKENS'),
    requestDeadlineMs: integer(env, 'IMPRIMATUR_REQUEST_DEADLINE_MS', 60_000, 100, 600_000),
    clientTimeouts: clientTimeouts(env),
    registry: {
      authFile: env.IMPRIMATUR_REGISTRY_AUTH_FILE?.trim() || join(homedir(), '.docker', 'config.json'),
      insecureRegistries: hostPatterns(env, 'IMPRIMATUR_INSECURE_REGISTRIES'),
      allowedRegistries: hostPatterns(env, 'IMPRIMATUR_ALLOWED_REGISTRIES'),
      caFile: env.IMPRIMATUR_REGISTRY_CA_FILE?.trim() || undefined,
      requestTimeoutMs: integer(env, 'IMPRIMATUR_REGISTRY_TIMEOUT_MS', 15_000, 1),
      maxRetries: integer(env, 'IMPRIMATUR_REGISTRY_MAX_RETRIES', 3, 0, 10),
      retryBaseDelayMs: integer(env, 'IMPRIMATUR_REGISTRY_RETRY_BASE_MS', 200, 0),
      maxRetryAfterMs: integer(env, 'IMPRIMATUR_REGISTRY_MAX_RETRY_AFTER_MS', 10_000, 0),
      maxManifestBytes: 4 * 1024 * 1024,
      maxSignatureBytes: integer(env, 'IMPRIMATUR_MAX_SIGNATURE_BYTES', 1024 * 1024, 1024),
      maxAttestationBytes: integer(
        env,
        'IMPRIMATUR_MAX_ATTESTATION_BYTES',
        16 * 1024 * 1024,
        1024,
        256 * 1024 * 1024,
      ),
      referrersFallbackAhead: boolean(env, 'IMPRIMATUR_REGISTRY_REFERRERS_FALLBACK_AHEAD', true),
      maxRequestsPerRequest: integer(
        env,
        'IMPRIMATUR_REGISTRY_MAX_REQUESTS_PER_REQUEST',
        DEFAULT_REGISTRY_LIMITS.maxRequestsPerRequest,
        1,
        1_000_000,
      ),
      concurrencyPerRequest: integer(
        env,
        'IMPRIMATUR_REGISTRY_CONCURRENCY_PER_REQUEST',
        DEFAULT_REGISTRY_LIMITS.concurrencyPerRequest,
        1,
        10_000,
      ),
      concurrencyPerHost: integer(
        env,
        'IMPRIMATUR_REGISTRY_CONCURRENCY_PER_HOST',
        DEFAULT_REGISTRY_LIMITS.concurrencyPerHost,
        1,
        10_000,
      ),
      concurrency: integer(
        env,
        'IMPRIMATUR_REGISTRY_CONCURRENCY',
        DEFAULT_REGISTRY_LIMITS.concurrency,
        1,
        100_000,
      ),
    },
    verification: {
      trustedRootPath: env.IMPRIMATUR_TRUSTED_ROOT?.trim() || undefined,
      maxSignaturesPerDigest: integer(env, 'IMPRIMATUR_MAX_SIGNATURES', 1000, 1, 100_000),
      hintScanMaxTags: integer(env, 'IMPRIMATUR_HINT_SCAN_MAX_TAGS', DEFAULT_HINT_SCAN_MAX_TAGS, 0, 1000),
      trustRoots: trustRootsConfig(env),
    },
    cache: {
      url: redisUrl(env, 'IMPRIMATUR_CACHE_URL'),
      memoryTier: boolean(env, 'IMPRIMATUR_CACHE_MEMORY_TIER', false),
      memoryMaxEntries: integer(env, 'IMPRIMATUR_CACHE_MEMORY_MAX_ENTRIES', 10_000, 1),
      memoryMaxBytes: integer(env, 'IMPRIMATUR_CACHE_MEMORY_MAX_BYTES', 64 * 1024 * 1024, 64 * 1024),
      contentTtlSeconds: integer(env, 'IMPRIMATUR_CACHE_CONTENT_TTL_SECONDS', 86_400, 0),
      tagTtlSeconds: integer(env, 'IMPRIMATUR_CACHE_TAG_TTL_SECONDS', 30, 0, 86_400),
      listingTtlSeconds: integer(env, 'IMPRIMATUR_CACHE_LISTING_TTL_SECONDS', 30, 0, 86_400),
      verificationTtlSeconds: integer(env, 'IMPRIMATUR_CACHE_VERIFICATION_TTL_SECONDS', 30, 0, 86_400),
      failureTtlSeconds: integer(env, 'IMPRIMATUR_CACHE_FAILURE_TTL_SECONDS', 5, 0, 3_600),
      timeoutMs: integer(env, 'IMPRIMATUR_CACHE_TIMEOUT_MS', 250, 1, 10_000),
      responsesMaxEntries: integer(env, 'IMPRIMATUR_CACHE_RESPONSES_MAX_ENTRIES', 1_000, 0, 1_000_000),
      responsesMaxBytes: integer(env, 'IMPRIMATUR_CACHE_RESPONSES_MAX_BYTES', 16 * 1024 * 1024, 64 * 1024),
      viewsMaxBytes: integer(env, 'IMPRIMATUR_CACHE_VIEWS_MAX_BYTES', 64 * 1024 * 1024, 0),
      leaseMs: integer(env, 'IMPRIMATUR_CACHE_LEASE_MS', 5_000, 0, 60_000),
      leasePollMs: integer(env, 'IMPRIMATUR_CACHE_LEASE_POLL_MS', 10, 1, 1_000),
    },
  };
}
