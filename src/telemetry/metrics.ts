import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabel } from './bounded-label.js';

/** Distinct registry hosts kept as label values before the rest are counted as `other`. */
export const MAX_REGISTRY_HOST_LABELS = 50;

/** Upstream calls are slower and wider-spread than our own handling: seconds, from 5 ms to 30 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Every metric the service exposes, in a registry of its own (not prom-client's global one, which
 * any dependency could write into). Label values are always from small fixed sets or bounded (see
 * {@link BoundedLabel}); never a reference, digest, repository or operation name, which callers
 * choose and which would make each request a new time series.
 */
export class TelemetryMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'imprimatur_http_requests_total',
    help: 'HTTP requests served, by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'imprimatur_http_request_duration_seconds',
    help: 'Time from request to the end of the response, by route.',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'imprimatur_graphql_operations_total',
    help: 'GraphQL operations, by operation type and outcome (success, error).',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'imprimatur_graphql_operation_duration_seconds',
    help: 'GraphQL operation time from parsing to the response, by operation type.',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly verifications = new Counter({
    name: 'imprimatur_verifications_total',
    help: 'Digest verifications, by outcome (VERIFIED, UNSIGNED, FAILED, or error when none was reached).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly verificationDuration = new Histogram({
    name: 'imprimatur_verification_duration_seconds',
    help: 'Time to discover and verify the signatures of one digest.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly registryRequests = new Counter({
    name: 'imprimatur_registry_requests_total',
    help: 'HTTP exchanges with registries, token services and redirect targets, by host and status (or error type).',
    labelNames: ['host', 'status'] as const,
    registers: [this.registry],
  });

  readonly registryDuration = new Histogram({
    name: 'imprimatur_registry_request_duration_seconds',
    help: 'Upstream latency of one HTTP exchange with a registry, by host.',
    labelNames: ['host'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly registryLimitRefusals = new Counter({
    name: 'imprimatur_registry_limit_refusals_total',
    help: 'Incoming requests whose registry work a limit refused, by limit (request_budget: IMPRIMATUR_REGISTRY_MAX_REQUESTS_PER_REQUEST), counted once per request.',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly attestationViews = new Counter({
    name: 'imprimatur_attestation_views_total',
    help: 'Typed attestation views asked for, by view (sbom, provenance, openVex, vulnScan) and how they were answered (computed: the statement was read; cached: computed by an earlier request).',
    labelNames: ['view', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly cacheLookups = new Counter({
    name: 'imprimatur_cache_lookups_total',
    help: 'Cache look-ups, by cache namespace and result (hit, miss).',
    labelNames: ['namespace', 'result'] as const,
    registers: [this.registry],
  });

  readonly cacheFetchLeases = new Counter({
    name: 'imprimatur_cache_fetch_leases_total',
    help: 'Fetches of shared entries under the cross-replica Redis lease, by outcome: fetched (held it), waited (another replica fetched), waited_then_fetched (its holder was slow or gone), unleased (Redis unreachable).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly responseCache = new Counter({
    name: 'imprimatur_graphql_response_cache_total',
    help: 'Whole GraphQL answers: replayed (hit), executed and kept for replay (stored), executed and not replayable (not_reusable).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Registry hosts as label values, capped. */
  readonly registryHosts = new BoundedLabel(MAX_REGISTRY_HOST_LABELS);

  /**
   * Requests the outbound policy refused before connecting (src/security/outbound-policy.ts). Labels
   * are from fixed sets: the reason, and the range name for non-public addresses (IP literals
   * included, which never reach a connection and so are not in the registry request count).
   */
  readonly outboundRefusals = new Counter({
    name: 'imprimatur_outbound_refusals_total',
    help: 'Outbound requests refused by the SSRF policy, by reason (not-allowed, non-public-address, unresolvable) and non-public range.',
    labelNames: ['reason', 'range'] as const,
    registers: [this.registry],
  });

  /** Where the cache gauges read from; set by the server that owns the cache (the latest one wins). */
  private cacheState: (() => CacheState) | undefined;

  /**
   * Cache state, read when scraped: whether the cache store is healthy (0 while Redis is unreachable:
   * answers then come from memory and the registry, which is worth an alert but not an outage), and
   * how full the bounded memory store is.
   */
  readonly cacheHealthy = new Gauge({
    name: 'imprimatur_cache_healthy',
    help: '1 when the cache store is fully available, 0 while its shared tier (Redis) is unreachable.',
    registers: [this.registry],
    collect: () => {
      const state = this.cacheState?.();
      if (state !== undefined) this.cacheHealthy.set(state.healthy ? 1 : 0);
    },
  });

  readonly cacheMemory = new Gauge({
    name: 'imprimatur_cache_memory',
    help: 'Contents of the bounded in-memory cache, by unit (entries, bytes).',
    labelNames: ['unit'] as const,
    registers: [this.registry],
    collect: () => {
      const state = this.cacheState?.();
      if (state === undefined) return;
      this.cacheMemory.set({ unit: 'entries' }, state.entries);
      this.cacheMemory.set({ unit: 'bytes' }, state.bytes);
    },
  });

  readonly trustRootRefreshes = new Counter({
    name: 'imprimatur_trust_root_refreshes_total',
    help: 'TUF refreshes of a trust root, by root name and outcome (updated, unchanged, failed).',
    labelNames: ['root', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Where the trust-root gauges read from; set by the server that owns the roots. */
  private trustRootState: (() => readonly TrustRootGaugeState[]) | undefined;

  /**
   * Trust-root freshness, read when scraped (label values are operator-configured root names, at
   * most 33). Alert on age or on consecutive failures: a mirror that stays unreachable (or is
   * blocked) leaves the service on its last good root, which is safe but goes stale.
   */
  readonly trustRootLastSuccess: Gauge<'root'> = new Gauge({
    name: 'imprimatur_trust_root_last_refresh_success_timestamp_seconds',
    help: 'Unix time of the last successful TUF refresh of a trust root (absent before the first).',
    labelNames: ['root'] as const,
    registers: [this.registry],
    collect: () => this.collectTrustRoots(this.trustRootLastSuccess, (s) => s.lastSuccessAt),
  });

  readonly trustRootAge = new Gauge({
    name: 'imprimatur_trust_root_age_seconds',
    help: 'Seconds since a TUF-refreshed trust root was last confirmed current (its last successful refresh, or its loading before the first).',
    labelNames: ['root'] as const,
    registers: [this.registry],
    collect: () => {
      this.trustRootAge.reset();
      const now = Date.now();
      // Only roots that refresh: a fixed root's age says nothing an operator could act on.
      for (const state of this.trustRootState?.() ?? []) {
        if (!state.refreshes) continue;
        const since = state.lastSuccessAt ?? state.installedAt;
        if (since !== undefined) this.trustRootAge.set({ root: state.name }, (now - since.getTime()) / 1000);
      }
    },
  });

  readonly trustRootFailures = new Gauge({
    name: 'imprimatur_trust_root_refresh_consecutive_failures',
    help: 'TUF refreshes of a trust root that failed since its last success (0 when the last one worked).',
    labelNames: ['root'] as const,
    registers: [this.registry],
    collect: () => {
      this.trustRootFailures.reset();
      for (const state of this.trustRootState?.() ?? []) {
        if (state.refreshes) this.trustRootFailures.set({ root: state.name }, state.consecutiveFailures);
      }
    },
  });

  readonly trustRootExpiry: Gauge<'root'> = new Gauge({
    name: 'imprimatur_trust_root_metadata_expiry_timestamp_seconds',
    help: 'Unix time at which the TUF metadata behind the trust root in use expires.',
    labelNames: ['root'] as const,
    registers: [this.registry],
    collect: () => this.collectTrustRoots(this.trustRootExpiry, (s) => s.metadataExpires),
  });

  private collectTrustRoots(
    gauge: Gauge<'root'>,
    time: (state: TrustRootGaugeState) => Date | undefined,
  ): void {
    gauge.reset();
    for (const state of this.trustRootState?.() ?? []) {
      const at = time(state);
      if (at !== undefined) gauge.set({ root: state.name }, at.getTime() / 1000);
    }
  }

  /** Points the trust-root gauges at the roots' state. */
  observeTrustRoots(state: () => readonly TrustRootGaugeState[]): void {
    this.trustRootState = state;
  }

  /** Points the cache gauges at a cache's state. */
  observeCache(state: () => CacheState): void {
    this.cacheState = state;
  }

  constructor() {
    // Process metrics (resident memory, CPU, heap, event-loop lag, GC); collected when scraped.
    collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** What the cache gauges show; a plain shape so telemetry does not depend on the cache module. */
export interface CacheState {
  readonly healthy: boolean;
  readonly entries: number;
  readonly bytes: number;
}

/** What the trust-root gauges show (a plain shape, as for the cache). */
export interface TrustRootGaugeState {
  readonly name: string;
  /** True when the root is refreshed through TUF. */
  readonly refreshes: boolean;
  readonly installedAt: Date | undefined;
  readonly lastSuccessAt: Date | undefined;
  readonly consecutiveFailures: number;
  readonly metadataExpires: Date | undefined;
}

let shared: TelemetryMetrics | undefined;

/**
 * The process's metrics. One instance per process because the things counted (the registry client,
 * caches, the process itself) are process-wide too; created on first use.
 */
export function metrics(): TelemetryMetrics {
  return (shared ??= new TelemetryMetrics());
}
