import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryClient } from '../../../src/registry/types.js';
import { startTestService, type TestService } from '../../support/service.js';

/** A raw HTTP exchange, for what fetch will not send (a lying Content-Length) or hides (HEAD bodies). */
function rawRequest(
  url: string,
  options: { method: string; headers?: Record<string, string | number>; body?: Buffer },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the HTTP server', () => {
  let service: TestService;
  let browserPages = 0;

  beforeAll(async () => {
    // No registry is reached by these tests: every reference points at a port nothing listens on,
    // or the query fails before any fetch.
    service = await startTestService({
      insecureRegistries: ['127.0.0.1:9'],
      graphiql: (_req, res) => {
        browserPages += 1;
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>GraphiQL</title>');
      },
    });
  });
  afterAll(async () => service?.stop());

  describe('GET /healthz', () => {
    it('answers 200 once the server is ready', async () => {
      const res = await fetch(`${service.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('answers HEAD without a body and refuses POST with 405', async () => {
      const head = await rawRequest(`${service.url}/healthz`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      const post = await fetch(`${service.url}/healthz`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    });
  });

  describe('POST /graphql', () => {
    it('refuses a body over 1 MiB with 413, from Content-Length alone', async () => {
      const res = await rawRequest(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': 2 * 1024 * 1024 },
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toEqual({
        errors: [
          { message: 'request body larger than 1048576 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } },
        ],
      });
    });

    it('refuses a streamed body that grows past 1 MiB with 413', async () => {
      const query = JSON.stringify({
        query: `{ image(ref: "alpine") { ref } }`,
        padding: 'x'.repeat(1024 * 1024),
      });
      const res = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: query,
      });
      expect(res.status).toBe(413);
    });

    it('accepts a body just under the limit', async () => {
      const small = JSON.stringify({ query: `{ image(ref: "alpine") { ref } }` });
      const padding = ' '.repeat(1024 * 1024 - Buffer.byteLength(small));
      const res = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: small + padding,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        data: { image: { ref: 'index.docker.io/library/alpine:latest' } },
        extensions: { traceId: expect.stringMatching(/^[0-9a-f]{32}$/) },
      });
    });

    it('answers 400 BAD_REQUEST for a body that is not JSON', async () => {
      const res = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{nope',
      });
      expect(res.status).toBe(400);
      expect(
        ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
      ).toBe('BAD_REQUEST');
    });

    it('answers 400 GRAPHQL_VALIDATION_FAILED for a query asking for a field that does not exist', async () => {
      const reply = await service.graphql(`{ image(ref: "alpine") { colour } }`);
      expect(reply.status).toBe(400);
      expect(reply.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('maps a registry that cannot be reached to REGISTRY_UNAVAILABLE', async () => {
      const reply = await service.graphql(`{ image(ref: "127.0.0.1:9/nothing/here:v1") { digest } }`);
      expect(reply.errors?.[0]?.extensions?.code).toBe('REGISTRY_UNAVAILABLE');
      expect(reply.errors?.[0]?.extensions?.retryable).toBe(true);
    });
  });

  describe('GET /graphql', () => {
    const query = encodeURIComponent(
      '{ image(ref: "docker.io/aquasec/trivy:0.70.0") { ref registry repository tag } }',
    );

    it('runs a query from the URL when the request carries a preflight header', async () => {
      const res = await fetch(`${service.url}/graphql?query=${query}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        data: {
          image: {
            ref: 'index.docker.io/aquasec/trivy:0.70.0',
            registry: 'index.docker.io',
            repository: 'aquasec/trivy',
            tag: '0.70.0',
          },
        },
        extensions: { traceId: expect.stringMatching(/^[0-9a-f]{32}$/) },
      });
    });

    it('refuses a simple cross-site GET without the preflight header (CSRF prevention)', async () => {
      const res = await fetch(`${service.url}/graphql?query=${query}`);
      expect(res.status).toBe(400);
    });

    it('hands a browser GET without a query to the GraphiQL seam', async () => {
      const before = browserPages;
      const res = await fetch(`${service.url}/graphql`, {
        headers: { accept: 'text/html,application/xhtml+xml' },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('GraphiQL');
      expect(browserPages).toBe(before + 1);
    });

    it('refuses other methods with 405', async () => {
      const res = await fetch(`${service.url}/graphql`, { method: 'PUT' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, POST');
    });
  });

  it('answers 404 for any other path', async () => {
    const res = await fetch(`${service.url}/v2/`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('when something unexpected fails inside a resolver', () => {
  let service: TestService;
  // A registry client that fails the way no real one should (a plain Error with internal details):
  // the only way to exercise the "unknown error" path, which a correct client never takes.
  const broken: RegistryClient = {
    fetchManifest: () =>
      Promise.reject(new Error('ECONNRESET while reading /var/lib/secret with token s3cr3t')),
    fetchBlob: () => Promise.reject(new Error('unused')),
    listReferrers: () => Promise.reject(new Error('unused')),
    listTags: () => Promise.reject(new Error('unused')),
  };

  beforeAll(async () => {
    service = await startTestService({
      insecureRegistries: [],
      registry: broken,
      config: { graphiql: false },
    });
  });
  afterAll(async () => service?.stop());

  it('answers INTERNAL_SERVER_ERROR with a generic message, no details and no stack trace', async () => {
    const reply = await service.graphql(`{ image(ref: "ghcr.io/a/b:v1") { digest } }`);
    expect(reply.errors).toEqual([
      {
        message: 'Internal server error',
        locations: [{ line: 1, column: 34 }],
        path: ['image', 'digest'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
  });

  it('refuses introspection when GraphiQL is switched off', async () => {
    const reply = await service.graphql(`{ __schema { queryType { name } } }`);
    expect(reply.status).toBe(400);
    expect(reply.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
