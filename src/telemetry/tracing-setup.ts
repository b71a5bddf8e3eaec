import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { ImprimaturError } from '../errors/index.js';
import { setTracingEnabled } from './tracing-state.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface TracingOptions {
  /**
   * Replaces the exporters chosen from the environment (tests pass an in-memory exporter in a
   * `SimpleSpanProcessor`). Given, tracing is on whatever the environment says.
   */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** `service.version` resource attribute. */
  readonly serviceVersion?: string;
}

export interface TracingHandle {
  /** True when an SDK provider was registered; false means the API's no-op tracer is in use. */
  readonly enabled: boolean;
  /** Which exporters run (`otlp`, `console`), for the start-up log line. */
  readonly exporters: readonly string[];
  /** Exports what is buffered now (tests, and before a deliberate exit). */
  forceFlush(): Promise<void>;
  /** Flushes, stops exporting and unregisters the provider, so tracing is off again. */
  shutdown(): Promise<void>;
}

export class TracingConfigError extends ImprimaturError<'INVALID_TRACING_CONFIG'> {
  constructor(message: string) {
    super('INVALID_TRACING_CONFIG', message);
  }
}

const OFF: TracingHandle = {
  enabled: false,
  exporters: [],
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

/**
 * Which exporters the environment asks for. The variables are the standard ones, with one deliberate
 * difference: the specification defaults `OTEL_TRACES_EXPORTER` to `otlp`, which would make every
 * deployment without a collector retry exports to localhost:4318 forever. Here tracing is on only
 * when it is asked for: `OTEL_TRACES_EXPORTER` names an exporter, or an OTLP endpoint is set.
 * `OTEL_SDK_DISABLED=true` and `OTEL_TRACES_EXPORTER=none` turn it off.
 */
export function exportersFromEnv(env: Env): string[] {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return [];
  const named = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (named.includes('none')) return [];
  if (named.length === 0) {
    const endpoint =
      env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
    return endpoint ? ['otlp'] : [];
  }
  for (const name of named) {
    if (name !== 'otlp' && name !== 'console') {
      throw new TracingConfigError(
        `OTEL_TRACES_EXPORTER: unsupported exporter "${name}" (use otlp, console or none)`,
      );
    }
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim();
  if (named.includes('otlp') && protocol !== '' && protocol !== 'http/json' && protocol !== 'http/protobuf') {
    // The exporter speaks OTLP/HTTP (JSON bodies); a gRPC-only collector would silently get nothing.
    throw new TracingConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL "${protocol}" is not supported; use http/json`);
  }
  return [...new Set(named)];
}

function exporterFor(name: string): SpanExporter {
  // The OTLP exporter reads its endpoint, headers, timeout and compression from the OTEL_EXPORTER_OTLP_*
  // variables itself (traces-specific ones first), so none of that is re-implemented here.
  return name === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter();
}

/**
 * Registers the OpenTelemetry SDK as the global tracer provider (with the AsyncLocalStorage context
 * manager and W3C propagation) when the environment or `options` ask for tracing; otherwise registers
 * nothing and returns a handle whose `enabled` is false. Call once, before the server starts.
 *
 * `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` are honoured; the service name defaults to
 * `imprimatur`. `OTEL_TRACES_SAMPLER` is read by the SDK: the default is parent-based, so a caller's
 * unsampled `traceparent` leaves its request untraced; set `always_on` to trace every request anyway.
 */
export function startTracing(options: TracingOptions = {}): TracingHandle {
  // process.env, not a parameter: the OTLP exporter and the resource detector read it themselves.
  const exporters = options.spanProcessors === undefined ? exportersFromEnv(process.env) : ['custom'];
  if (exporters.length === 0) return OFF;
  const processors =
    options.spanProcessors ?? exporters.map((name) => new BatchSpanProcessor(exporterFor(name)));

  const defaults = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: 'imprimatur',
    ...(options.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: options.serviceVersion }),
  });
  // The environment's attributes win over the defaults (merge prefers the argument's values).
  const resource = defaults.merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [...processors] });
  provider.register();
  setTracingEnabled(true);

  return {
    enabled: true,
    exporters,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      setTracingEnabled(false);
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}
