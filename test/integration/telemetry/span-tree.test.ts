import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTracing, type TracingHandle } from '../../../src/telemetry/index.js';
import { buildImage, pushImage, startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { createTestSigstore, pushLegacySignatures } from '../../support/sigstore/index.js';
import { parentOf, postGraphQL, waitForSpan } from './http.js';

const REPO = 'team/app';
const SAN = 'https://github.com/team/app/.github/workflows/release.yaml@refs/tags/v1';
const ISSUER = 'https://token.actions.githubusercontent.com';
const QUERY = `query Check($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) { digest verification(policy: $policy) { status } }
}`;

describe('the span tree of one GraphQL request against a real registry', () => {
  const exporter = new InMemorySpanExporter();
  const image = buildImage({ os: 'linux', architecture: 'amd64' });
  let tracing: TracingHandle;
  let registry: TestRegistry;
  let service: TestService;
  let dir: string;
  let ref: string;

  beforeAll(async () => {
    tracing = startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    registry = await startTestRegistry();
    const sigstore = createTestSigstore();
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-telemetry-'));
    await pushImage({ url: registry.url }, REPO, image, 'v1');
    const identity = sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });
    await pushLegacySignatures({ url: registry.url }, REPO, image.digest, [
      sigstore.signLegacy({
        imageDigest: image.digest,
        dockerReference: `${registry.host}/${REPO}`,
        identity,
      }),
    ]);
    service = await startTestService({
      insecureRegistries: [registry.host],
      config: {
        verification: { trustedRootPath: await sigstore.writeTrustedRoot(dir), maxSignaturesPerDigest: 1000 },
      },
    });
    ref = `${registry.host}/${REPO}:v1`;
  });
  afterAll(async () => {
    await service?.stop();
    await registry?.stop();
    await tracing?.shutdown();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => exporter.reset());

  const policy = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };
  const isServerSpan = (span: ReadableSpan) => span.kind === SpanKind.SERVER;

  describe('when a verification query is answered', () => {
    let spans: ReadableSpan[];
    let traceId: string;
    let headers: Headers;
    let extensions: Record<string, unknown> | undefined;

    beforeAll(async () => {
      exporter.reset();
      const reply = await postGraphQL(service.url, QUERY, { ref, policy });
      expect(reply.status).toBe(200);
      expect(reply.body.errors).toBeUndefined();
      expect(reply.body.data).toEqual({
        image: { digest: image.digest, verification: { status: 'VERIFIED' } },
      });
      headers = reply.headers;
      extensions = reply.body.extensions;
      spans = await waitForSpan(exporter, isServerSpan);
      traceId = (spans.find(isServerSpan) as ReadableSpan).spanContext().traceId;
    });

    const named = (name: string) => spans.filter((span) => span.name === name);
    const only = (name: string): ReadableSpan => {
      const found = named(name);
      expect(found, name).toHaveLength(1);
      return found[0] as ReadableSpan;
    };

    it('returns the trace id in extensions.traceId, x-trace-id and traceresponse', () => {
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(extensions?.traceId).toBe(traceId);
      expect(headers.get('x-trace-id')).toBe(traceId);
      const server = spans.find(isServerSpan) as ReadableSpan;
      expect(headers.get('traceresponse')).toBe(`00-${traceId}-${server.spanContext().spanId}-01`);
    });

    it('puts every span of the request in that one trace', () => {
      expect(spans.length).toBeGreaterThan(5);
      for (const span of spans) expect(span.spanContext().traceId, span.name).toBe(traceId);
    });

    it('nests the operation under the HTTP server span, named after the operation', () => {
      const server = only('POST /graphql');
      expect(parentOf(server)).toBeUndefined();
      expect(server.attributes['http.response.status_code']).toBe(200);
      const operation = only('query Check');
      expect(parentOf(operation)).toBe(server.spanContext().spanId);
      expect(operation.attributes['graphql.operation.type']).toBe('query');
      expect(operation.attributes['graphql.operation.name']).toBe('Check');
    });

    it('gives each asynchronous resolver a span nested by result path, and property reads none', () => {
      const operation = only('query Check');
      const root = only('Query.image');
      expect(parentOf(root)).toBe(operation.spanContext().spanId);
      for (const name of ['Image.digest', 'Image.verification']) {
        const resolver = only(name);
        expect(parentOf(resolver), name).toBe(root.spanContext().spanId);
        expect(resolver.attributes['graphql.field.path']).toBe(`image.${name.split('.')[1]}`);
      }
      // `status` is a plain property of the verification: resolved synchronously, so no span.
      expect(named('Verification.status')).toHaveLength(0);
    });

    it('records the verification with its digest, format and outcome under the resolver that asked', () => {
      const verify = only('verify');
      expect(parentOf(verify)).toBe(only('Image.verification').spanContext().spanId);
      expect(verify.attributes).toMatchObject({
        'imprimatur.digest': image.digest,
        'imprimatur.registry.repository': REPO,
        'imprimatur.verification.status': 'VERIFIED',
        'imprimatur.verification.formats': ['legacy-tag'],
        'imprimatur.verification.signature_count': 1,
      });
    });

    it('records each registry request as a client span with method, host, repository and status', () => {
      const manifests = named('GET /v2/{repository}/manifests/{reference}');
      // The image manifest, the `.sig` manifest, and the 404 of the referrers fallback tag.
      expect(manifests.length).toBeGreaterThanOrEqual(3);
      for (const span of manifests) {
        expect(span.kind).toBe(SpanKind.CLIENT);
        expect(span.attributes).toMatchObject({
          'http.request.method': 'GET',
          'server.address': '127.0.0.1',
          'server.port': Number(registry.host.split(':')[1]),
          'url.scheme': 'http',
          'imprimatur.registry.repository': REPO,
        });
      }
      const statuses = manifests.map((span) => span.attributes['http.response.status_code']).sort();
      expect(statuses).toContain(200);
      expect(statuses).toContain(404);
      // The registry client does not ping: the first real request carries the handshake.
      expect(named('GET /v2/')).toHaveLength(0);
      const verifySpanId = only('verify').spanContext().spanId;
      const underVerify = spans.filter(
        (span) => span.kind === SpanKind.CLIENT && parentOf(span) === verifySpanId,
      );
      expect(underVerify.length, 'registry requests made by the verification').toBeGreaterThan(0);
      expect(spans.some((span) => span.name === 'GET /v2/{repository}/blobs/{digest}')).toBe(true);
    });
  });

  describe('when the same query is answered again by replay', () => {
    it('has the server span and an operation span marked replayed, with no resolver spans under it', async () => {
      // The first of these executes over cached entries and is kept; the second is replayed.
      await postGraphQL(service.url, QUERY, { ref, policy });
      exporter.reset();
      const reply = await postGraphQL(service.url, QUERY, { ref, policy });
      expect(reply.body.data).toEqual({
        image: { digest: image.digest, verification: { status: 'VERIFIED' } },
      });
      const traceId = String(reply.body.extensions?.traceId);
      const spans = (await waitForSpan(exporter, isServerSpan)).filter(
        (span) => span.spanContext().traceId === traceId,
      );
      const server = spans.find(isServerSpan) as ReadableSpan;
      const operation = spans.find((span) => span.name === 'query Check') as ReadableSpan;
      expect(operation.attributes['imprimatur.graphql.replayed']).toBe(true);
      expect(operation.attributes['graphql.operation.type']).toBe('query');
      expect(parentOf(operation)).toBe(server.spanContext().spanId);
      expect(spans.map((span) => span.name).sort()).toEqual([server.name, 'query Check'].sort());
    });
  });

  describe('when the caller sends a W3C traceparent', () => {
    it('continues the caller’s trace and answers with its trace id', async () => {
      const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      const reply = await postGraphQL(service.url, '{ image(ref: "' + ref + '") { digest } }', undefined, {
        traceparent: `00-${callerTrace}-00f067aa0ba902b7-01`,
      });
      expect(reply.body.extensions?.traceId).toBe(callerTrace);
      expect(reply.headers.get('x-trace-id')).toBe(callerTrace);
      const spans = await waitForSpan(exporter, isServerSpan);
      const server = spans.find(isServerSpan) as ReadableSpan;
      expect(server.spanContext().traceId).toBe(callerTrace);
      expect(parentOf(server)).toBe('00f067aa0ba902b7');
    });
  });

  describe('when the query fails', () => {
    it('marks the operation span failed with the error code only', async () => {
      const reply = await postGraphQL(
        service.url,
        `{ image(ref: "${registry.host}/${REPO}:missing") { digest } }`,
      );
      expect(reply.body.errors?.[0]?.extensions?.code).toBe('MANIFEST_UNKNOWN');
      expect(typeof reply.body.extensions?.traceId).toBe('string');
      const spans = await waitForSpan(exporter, isServerSpan);
      const operation = spans.find((span) => span.name === 'query') as ReadableSpan;
      expect(operation.status.code).toBe(2); // SpanStatusCode.ERROR
      expect(operation.attributes['error.type']).toBe('MANIFEST_UNKNOWN');
      const resolver = spans.find((span) => span.name === 'Image.digest') as ReadableSpan;
      expect(resolver.attributes['error.type']).toBe('MANIFEST_UNKNOWN');
      const notFound = spans.filter((span) => span.attributes['http.response.status_code'] === 404);
      expect(notFound.length).toBeGreaterThan(0);
    });
  });
});
