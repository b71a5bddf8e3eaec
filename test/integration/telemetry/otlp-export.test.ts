import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type TracingHandle } from '../../../src/telemetry/index.js';
import { buildImage, pushImage, startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { startCollector, type OtlpTraceRequest, type TestCollector } from './otlp-collector.js';
import { postGraphQL } from './http.js';

type ExportedSpan = OtlpTraceRequest['resourceSpans'][number]['scopeSpans'][number]['spans'][number];

const OTEL_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES'];

describe('trace export over OTLP/HTTP, configured by the standard OTEL_* variables', () => {
  const image = buildImage({ os: 'linux', architecture: 'amd64' });
  const saved = new Map(OTEL_VARIABLES.map((name) => [name, process.env[name]]));
  let collector: TestCollector;
  let tracing: TracingHandle;
  let registry: TestRegistry;
  let service: TestService;

  beforeAll(async () => {
    collector = await startCollector();
    // What an operator sets; startTracing reads nothing else.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    process.env.OTEL_SERVICE_NAME = 'imprimatur-otlp-test';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment=test';
    tracing = startTracing();
    registry = await startTestRegistry();
    await pushImage({ url: registry.url }, 'team/app', image, 'v1');
    service = await startTestService({ insecureRegistries: [registry.host] });
  });
  afterAll(async () => {
    await service?.stop();
    await registry?.stop();
    await tracing?.shutdown();
    await collector?.stop();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  /** Flushes until the collector holds a span of `traceId` named `name` (the server span ends last). */
  async function exportedTrace(traceId: string, name: string): Promise<ExportedSpan[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      await tracing.forceFlush();
      const spans = collector.received
        .flatMap((e) => e.body.resourceSpans)
        .flatMap((r) => r.scopeSpans)
        .flatMap((s) => s.spans)
        .filter((span) => span.traceId === traceId);
      if (spans.some((span) => span.name === name)) return spans;
      if (Date.now() > deadline) throw new Error(`no exported span ${name} in trace ${traceId}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('turns tracing on with the OTLP exporter', () => {
    expect(tracing.enabled).toBe(true);
    expect(tracing.exporters).toEqual(['otlp']);
  });

  it('delivers the spans of a request to the collector under the trace id the response named', async () => {
    const reply = await postGraphQL(service.url, `{ image(ref: "${registry.host}/team/app:v1") { digest } }`);
    expect(reply.body.data).toEqual({ image: { digest: image.digest } });
    const traceId = reply.headers.get('x-trace-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(reply.body.extensions?.traceId).toBe(traceId);

    const spans = await exportedTrace(traceId, 'POST /graphql');
    const names = spans.map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /graphql',
        'query',
        'Image.digest',
        'GET /v2/{repository}/manifests/{reference}',
      ]),
    );
    const server = spans.find((span) => span.name === 'POST /graphql');
    const operation = spans.find((span) => span.name === 'query');
    expect(operation?.parentSpanId).toBe(server?.spanId);
  });

  it('posts OTLP/JSON to /v1/traces with the service name and resource attributes from the environment', () => {
    expect(collector.received.length).toBeGreaterThan(0);
    for (const request of collector.received) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/v1/traces');
      expect(request.contentType).toContain('application/json');
    }
    const resource = collector.received[0]?.body.resourceSpans[0]?.resource.attributes ?? [];
    const attribute = (key: string) => resource.find((a) => a.key === key)?.value.stringValue;
    expect(attribute('service.name')).toBe('imprimatur-otlp-test');
    expect(attribute('deployment.environment')).toBe('test');
    expect(collector.received[0]?.body.resourceSpans[0]?.scopeSpans[0]?.scope.name).toBe('imprimatur');
  });
});
