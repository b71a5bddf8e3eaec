import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { exportersFromEnv, startTracing, TracingConfigError } from './tracing-setup.js';
import { isTracingEnabled } from './tracing-state.js';

describe('exportersFromEnv', () => {
  it('keeps tracing off when no OTEL variable asks for it', () => {
    expect(exportersFromEnv({})).toEqual([]);
    expect(exportersFromEnv({ OTEL_SERVICE_NAME: 'imprimatur' })).toEqual([]);
  });

  it('turns OTLP on when an endpoint is set, general or traces-specific', () => {
    expect(exportersFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual(['otlp']);
    expect(
      exportersFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }),
    ).toEqual(['otlp']);
  });

  it('honours OTEL_TRACES_EXPORTER, including none over an endpoint', () => {
    expect(exportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual(['otlp']);
    expect(exportersFromEnv({ OTEL_TRACES_EXPORTER: ' console , otlp,console' })).toEqual([
      'console',
      'otlp',
    ]);
    expect(
      exportersFromEnv({
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      }),
    ).toEqual([]);
  });

  it('lets OTEL_SDK_DISABLED=true win over everything', () => {
    expect(
      exportersFromEnv({
        OTEL_SDK_DISABLED: 'true',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'x',
      }),
    ).toEqual([]);
  });

  it('refuses exporters and protocols it cannot honour instead of exporting nothing silently', () => {
    expect(() => exportersFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(TracingConfigError);
    expect(() =>
      exportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).toThrow(/grpc/);
    expect(
      exportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    ).toEqual(['otlp']);
  });
});

describe('startTracing without OTEL variables', () => {
  const saved = Object.entries(process.env).filter(([name]) => name.startsWith('OTEL_'));
  afterEach(() => {
    for (const [name, value] of saved) process.env[name] = value;
  });

  it('registers nothing, so the API keeps handing out non-recording spans', async () => {
    for (const [name] of saved) delete process.env[name];
    const handle = startTracing();
    expect(handle.enabled).toBe(false);
    expect(isTracingEnabled()).toBe(false);
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    await handle.shutdown();
  });
});
