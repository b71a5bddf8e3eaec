import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTracingEnabled, recordCacheLookup, traceCacheLookup } from '../../../src/telemetry/index.js';
import { buildImage, pushImage, startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { postGraphQL } from './http.js';
import { parsePrometheus, sampleValue, type PromSample } from './prometheus.js';

const POLICY = {
  certificateIdentity: 'https://github.com/team/app/.github/workflows/release.yaml@refs/tags/v1',
  certificateOidcIssuer: 'https://token.actions.githubusercontent.com',
};

describe('metrics and trace ids with tracing off (no OTEL_* variables)', () => {
  const image = buildImage({ os: 'linux', architecture: 'amd64' });
  let registry: TestRegistry;
  let service: TestService;

  async function scrape(): Promise<{ contentType: string; samples: PromSample[]; text: string }> {
    const res = await fetch(`${service.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    return { contentType: res.headers.get('content-type') ?? '', samples: parsePrometheus(text), text };
  }

  beforeAll(async () => {
    registry = await startTestRegistry();
    await pushImage({ url: registry.url }, 'team/app', image, 'v1');
    service = await startTestService({ insecureRegistries: [registry.host] });
  });
  afterAll(async () => {
    await service?.stop();
    await registry?.stop();
  });

  it('registers no SDK: the API hands out non-recording spans', () => {
    expect(isTracingEnabled()).toBe(false);
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });

  describe('after a verification, a failed query and an unknown path', () => {
    let before: PromSample[];
    let after: PromSample[];
    let text: string;
    let contentType: string;

    beforeAll(async () => {
      before = (await scrape()).samples;
      const ref = `${registry.host}/team/app:v1`;
      const ok = await postGraphQL(
        service.url,
        'query($ref: String!, $policy: PolicyInput!) { image(ref: $ref) { verification(policy: $policy) { status } } }',
        { ref, policy: POLICY },
      );
      expect(ok.body.data).toEqual({ image: { verification: { status: 'UNSIGNED' } } });
      const failed = await postGraphQL(
        service.url,
        `{ image(ref: "${registry.host}/team/app:missing") { digest } }`,
      );
      expect(failed.body.errors?.[0]?.extensions?.code).toBe('MANIFEST_UNKNOWN');
      expect((await fetch(`${service.url}/no/such/path?token=hunter2`)).status).toBe(404);
      ({ samples: after, text, contentType } = await scrape());
    });

    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);

    it('serves the Prometheus text format', () => {
      expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(text).toContain('# TYPE imprimatur_http_requests_total counter');
    });

    it('counts HTTP requests by route, method and status, unknown paths as one route', () => {
      expect(
        delta('imprimatur_http_requests_total', { route: '/graphql', method: 'POST', status: '200' }),
      ).toBe(2);
      expect(
        delta('imprimatur_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }),
      ).toBe(1);
      // The scrape before is counted once its response has finished.
      expect(
        delta('imprimatur_http_requests_total', { route: '/metrics', method: 'GET', status: '200' }),
      ).toBe(1);
      expect(delta('imprimatur_http_request_duration_seconds_count', { route: '/graphql' })).toBe(2);
      expect(text).not.toContain('/no/such/path');
      expect(text).not.toContain('hunter2');
    });

    it('counts GraphQL operations by type and outcome', () => {
      expect(delta('imprimatur_graphql_operations_total', { type: 'query', outcome: 'success' })).toBe(1);
      expect(delta('imprimatur_graphql_operations_total', { type: 'query', outcome: 'error' })).toBe(1);
      expect(delta('imprimatur_graphql_operation_duration_seconds_count', { type: 'query' })).toBe(2);
    });

    it('counts the verification by outcome', () => {
      expect(delta('imprimatur_verifications_total', { outcome: 'UNSIGNED' })).toBe(1);
      expect(delta('imprimatur_verification_duration_seconds_count')).toBe(1);
    });

    it('counts registry requests by host and status, with their upstream latency', () => {
      const host = registry.host;
      expect(delta('imprimatur_registry_requests_total', { host, status: '200' })).toBeGreaterThanOrEqual(1);
      // The missing tag, the missing `.sig` tag and the missing referrers: all 404.
      expect(delta('imprimatur_registry_requests_total', { host, status: '404' })).toBeGreaterThanOrEqual(2);
      const requests = delta('imprimatur_registry_requests_total', { host });
      expect(delta('imprimatur_registry_request_duration_seconds_count', { host })).toBe(requests);
    });

    it('exposes the default process metrics', () => {
      expect(sampleValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(sampleValue(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    });
  });

  it('counts cache look-ups reported through the cache API by namespace and result', async () => {
    const before = (await scrape()).samples;
    recordCacheLookup('manifests', true);
    expect(await traceCacheLookup('manifests', async () => undefined)).toBeUndefined();
    expect(await traceCacheLookup('manifests', async () => 'cached')).toBe('cached');
    const after = (await scrape()).samples;
    const delta = (result: string) =>
      sampleValue(after, 'imprimatur_cache_lookups_total', { namespace: 'manifests', result }) -
      sampleValue(before, 'imprimatur_cache_lookups_total', { namespace: 'manifests', result });
    expect(delta('hit')).toBe(2);
    expect(delta('miss')).toBe(1);
  });

  describe('trace ids', () => {
    it('gives every response its own W3C trace id, the same in extensions and headers', async () => {
      const query = `{ image(ref: "${registry.host}/team/app:v1") { ref } }`;
      const first = await postGraphQL(service.url, query);
      const second = await postGraphQL(service.url, query);
      const id = first.headers.get('x-trace-id');
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(first.body.extensions?.traceId).toBe(id);
      expect(first.headers.get('traceresponse')).toMatch(new RegExp(`^00-${id}-[0-9a-f]{16}-00$`));
      expect(second.headers.get('x-trace-id')).not.toBe(id);
    });

    it('adopts the trace id of a valid incoming traceparent and ignores an invalid one', async () => {
      const callerTrace = '0af7651916cd43dd8448eb211c80319c';
      const adopted = await postGraphQL(service.url, '{ __typename }', undefined, {
        traceparent: `00-${callerTrace}-b7ad6b7169203331-01`,
      });
      expect(adopted.body.extensions?.traceId).toBe(callerTrace);
      const ignored = await postGraphQL(service.url, '{ __typename }', undefined, {
        traceparent: `00-${'0'.repeat(32)}-b7ad6b7169203331-01`,
      });
      expect(ignored.body.extensions?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(ignored.body.extensions?.traceId).not.toBe('0'.repeat(32));
    });

    it('puts the trace id header on answers given outside GraphQL too', async () => {
      const res = await fetch(`${service.url}/healthz`);
      expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    });
  });
});
