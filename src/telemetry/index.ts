/**
 * Traces, metrics and logs. Tracing is OpenTelemetry, exported over OTLP/HTTP when the standard
 * `OTEL_*` variables ask for it and otherwise off (no SDK registered); metrics are prom-client in a
 * registry of their own, served at `/metrics`; logs are pino JSON lines carrying trace ids.
 */
export {
  startTracing,
  exportersFromEnv,
  TracingConfigError,
  type TracingHandle,
  type TracingOptions,
} from './tracing-setup.js';
export { isTracingEnabled } from './tracing-state.js';
export { currentTraceIds, type TraceIds } from './trace-context.js';
export {
  observeHttpRequest,
  TRACE_ID_HEADER,
  TRACE_RESPONSE_HEADER,
  UNMATCHED_ROUTE,
} from './http-request.js';
export { METRICS_PATH, serveMetrics } from './metrics-route.js';
export {
  metrics,
  MAX_REGISTRY_HOST_LABELS,
  type CacheState,
  type TelemetryMetrics,
  type TrustRootGaugeState,
} from './metrics.js';
export {
  createTelemetryPlugin,
  recordReplayedOperation,
  recordResponseCache,
  TRACE_ID_EXTENSION,
  type ResponseCacheOutcome,
} from './apollo-plugin.js';
export { instrumentSchema } from './resolver-spans.js';
export {
  createRegistryObserver,
  summarizeRegistryUrl,
  type RegistryUrlSummary,
} from './registry-observer.js';
export { traceVerification, type VerificationTarget } from './verification.js';
export { recordCacheLookup, traceCacheLookup } from './cache.js';
export { createLogger, traceMixin } from './logger.js';
export { reportOutboundRefusals } from './outbound-refusals.js';
export { Attr } from './attributes.js';
