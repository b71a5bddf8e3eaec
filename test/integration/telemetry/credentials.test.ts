import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type TracingHandle } from '../../../src/telemetry/index.js';
import {
  buildImage,
  pushImage,
  startTestRegistry,
  writeHtpasswd,
  type TestRegistry,
  type TokenServer,
} from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { startTokenAuthRegistry } from '../../support/registry/token-registry.js';
import { postGraphQL, waitForSpan } from './http.js';

const USER = 'telemetry-reader';
const PASSWORD = 'telemetry-secret-that-must-never-be-recorded';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

/** Everything a span carries that an exporter would send, as one string to search. */
function exportedText(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((span) => ({
      name: span.name,
      attributes: span.attributes,
      events: span.events,
      status: span.status,
      links: span.links,
    })),
  );
}

describe('telemetry in front of registries that need credentials', () => {
  const exporter = new InMemorySpanExporter();
  const image = buildImage({ os: 'linux', architecture: 'arm64' });
  let tracing: TracingHandle;
  let dir: string;
  let basicRegistry: TestRegistry;
  let tokenRegistry: TestRegistry;
  let tokens: TokenServer;
  let service: TestService;
  let spans: ReadableSpan[];
  let issuedToken: string;

  beforeAll(async () => {
    tracing = startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-telemetry-auth-'));
    basicRegistry = await startTestRegistry({
      htpasswdPath: await writeHtpasswd(dir, [{ username: USER, password: PASSWORD }]),
    });
    ({ tokens, registry: tokenRegistry } = await startTokenAuthRegistry(dir, {
      username: USER,
      password: PASSWORD,
    }));
    await pushImage({ url: basicRegistry.url, authorization: `Basic ${BASIC}` }, 'private/app', image, 'v1');
    issuedToken = await tokens.issue('private/app', ['pull', 'push']);
    await pushImage(
      { url: tokenRegistry.url, authorization: `Bearer ${issuedToken}` },
      'private/app',
      image,
      'v1',
    );
    const authFile = join(dir, 'config.json');
    await writeFile(
      authFile,
      JSON.stringify({
        auths: { [basicRegistry.host]: { auth: BASIC }, [tokenRegistry.host]: { auth: BASIC } },
      }),
    );
    service = await startTestService({
      insecureRegistries: [basicRegistry.host, tokenRegistry.host, tokens.host],
      authFile,
    });

    exporter.reset();
    const reply = await postGraphQL(
      service.url,
      `{ basic: image(ref: "${basicRegistry.host}/private/app:v1") { digest }
         token: image(ref: "${tokenRegistry.host}/private/app:v1") { digest } }`,
    );
    expect(reply.body.errors).toBeUndefined();
    expect(reply.body.data).toEqual({ basic: { digest: image.digest }, token: { digest: image.digest } });
    spans = await waitForSpan(exporter, (span) => span.name === 'POST /graphql');
  });
  afterAll(async () => {
    await service?.stop();
    await basicRegistry?.stop();
    await tokenRegistry?.stop();
    await tokens?.stop();
    await tracing?.shutdown();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('traced the authenticated requests to both registries and the token service', () => {
    const hosts = new Set(
      spans.map((span) =>
        span.attributes['server.address'] === undefined
          ? undefined
          : `${String(span.attributes['server.address'])}:${String(span.attributes['server.port'])}`,
      ),
    );
    expect(hosts).toContain(basicRegistry.host);
    expect(hosts).toContain(tokenRegistry.host);
    expect(hosts).toContain(tokens.host);
    const authorized = spans.filter(
      (span) =>
        span.attributes['imprimatur.registry.operation'] === 'manifests' &&
        span.attributes['http.response.status_code'] === 200,
    );
    expect(authorized).toHaveLength(2);
  });

  it('records neither the password, nor the Basic header, nor any bearer token', () => {
    const text = exportedText(spans);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(BASIC);
    expect(text).not.toMatch(/basic /i);
    expect(text).not.toMatch(/bearer/i);
    // Every JWT starts with the base64 of `{"`: none may appear, whoever minted it.
    expect(text).not.toContain('eyJ');
    expect(text).not.toContain(issuedToken.slice(0, 40));
  });

  it('records the token request by host only: no realm path, no query with scope or service', () => {
    const tokenSpans = spans.filter(
      (span) =>
        `${String(span.attributes['server.address'])}:${String(span.attributes['server.port'])}` ===
        tokens.host,
    );
    expect(tokenSpans.length).toBeGreaterThan(0);
    for (const span of tokenSpans) {
      expect(span.name).toBe('GET');
      expect(span.attributes['imprimatur.registry.operation']).toBe('other');
      expect(span.attributes['url.template']).toBeUndefined();
      const text = exportedText([span]);
      expect(text).not.toContain('scope');
      expect(text).not.toContain('/token');
    }
  });

  it('keeps the credentials out of /metrics too', async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toContain('imprimatur_registry_requests_total');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(BASIC);
    expect(text).not.toContain('eyJ');
  });
});
