import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, type RegistryClient } from '../../../src/registry/index.js';
import { buildImage, FOUR_PLATFORMS, MT } from '../../support/registry/index.js';
import { startFakeRegistry, type FakeRegistry } from './fake-registry.js';
import { testRegistryConfig } from './test-config.js';

/** Faults a real registry cannot be made to produce on demand, served by a local node:http server. */
describe('registry faults', () => {
  let fake: FakeRegistry;
  let other: FakeRegistry;
  let client: RegistryClient;
  const image = buildImage(FOUR_PLATFORMS[0]!, 'oci');
  const manifestPath = `/v2/app/x/manifests/${image.digest}`;
  const serveManifest = (res: ServerResponse) =>
    void res.writeHead(200, { 'content-type': MT.ociManifest }).end(Buffer.from(image.manifest));

  beforeAll(async () => {
    fake = await startFakeRegistry();
    other = await startFakeRegistry();
    client = createRegistryClient(
      testRegistryConfig({ insecureRegistries: [fake.host, other.host], requestTimeoutMs: 300 }),
    );
  });
  afterAll(async () => {
    await fake?.stop();
    await other?.stop();
  });
  const repo = () => ({ registry: fake.host, repository: 'app/x' });
  const manifestRequests = () => fake.requests.filter((r) => r.path === manifestPath);

  describe('when the registry answers 503 twice and then succeeds', () => {
    it('retries with backoff and returns the manifest', async () => {
      let calls = 0;
      fake.handle((_req, res) => (++calls <= 2 ? void res.writeHead(503).end() : serveManifest(res)));
      const fetched = await client.fetchManifest(repo(), image.digest);
      expect(fetched.digest).toBe(image.digest);
      expect(manifestRequests()).toHaveLength(3);
    });
  });

  describe('when 503 persists past maxRetries', () => {
    it('gives up with a temporary REGISTRY_UNAVAILABLE carrying status and codes', async () => {
      fake.handle(
        (_req, res) =>
          void res
            .writeHead(503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'maintenance' }] })),
      );
      const error = await client.fetchManifest(repo(), image.digest).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'REGISTRY_UNAVAILABLE',
        status: 503,
        temporary: true,
        registryCodes: ['UNAVAILABLE'],
      });
      expect(manifestRequests()).toHaveLength(4); // 1 + maxRetries (3)
    });
  });

  describe('when the registry answers 429 with Retry-After: 1', () => {
    it('waits about a second, then succeeds', async () => {
      let calls = 0;
      fake.handle((_req, res) =>
        ++calls === 1
          ? void res
              .writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' })
              .end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }))
          : serveManifest(res),
      );
      await client.fetchManifest(repo(), image.digest);
      const [first, second] = manifestRequests();
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    });
  });

  describe('when Retry-After asks for longer than maxRetryAfterMs', () => {
    it('does not wait and fails with REGISTRY_RATE_LIMITED', async () => {
      fake.handle(
        (_req, res) =>
          void res
            .writeHead(429, { 'retry-after': '3600', 'content-type': 'application/json' })
            .end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] })),
      );
      const started = Date.now();
      const error = await client.fetchManifest(repo(), image.digest).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'REGISTRY_RATE_LIMITED',
        status: 429,
        temporary: true,
        registryCodes: ['TOOMANYREQUESTS'],
      });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(manifestRequests()).toHaveLength(1);
    });
  });

  describe('when the registry answers 400', () => {
    it('does not retry', async () => {
      fake.handle((_req, res) => void res.writeHead(400).end());
      await expect(client.fetchManifest(repo(), image.digest)).rejects.toMatchObject({
        code: 'REGISTRY_PROTOCOL_ERROR',
        status: 400,
      });
      expect(manifestRequests()).toHaveLength(1);
    });
  });

  describe('when the connection drops before an answer', () => {
    it('retries the network error and returns the manifest', async () => {
      let calls = 0;
      fake.handle((req, res) => (++calls === 1 ? void req.socket.destroy() : serveManifest(res)));
      const fetched = await client.fetchManifest(repo(), image.digest);
      expect(fetched.digest).toBe(image.digest);
      expect(manifestRequests()).toHaveLength(2);
    });
  });

  describe('when a registry behind a bearer token then fails', () => {
    const TOKEN = 'eyJ.secret-bearer-token.sig';
    const tokenAuth =
      (after: (res: ServerResponse) => void, tokenRequests: { count: number }) =>
      (req: IncomingMessage, res: ServerResponse, path: string) => {
        if (path.startsWith('/token')) {
          tokenRequests.count++;
          // Answer slowly, so concurrent requests overlap while the token is in flight.
          return void setTimeout(
            () => res.writeHead(200).end(JSON.stringify({ token: TOKEN, expires_in: 60 })),
            50,
          );
        }
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          return void res
            .writeHead(401, { 'www-authenticate': `Bearer realm="http://${fake.host}/token",service="fake"` })
            .end();
        }
        after(res);
      };

    it('reports the failure without the token anywhere in the error', async () => {
      const tokenRequests = { count: 0 };
      fake.handle(
        tokenAuth(
          (res) =>
            void res
              .writeHead(500, { 'content-type': 'application/json' })
              .end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'boom' }] })),
          tokenRequests,
        ),
      );
      const authed = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [fake.host], maxRetries: 1 }),
      );
      const error = await authed.fetchManifest(repo(), image.digest).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', status: 500 });
      for (const text of [(error as Error).message, JSON.stringify(error), String((error as Error).stack)]) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain('secret-bearer-token');
      }
    });

    it('shares one token request among concurrent reads of one repository', async () => {
      const tokenRequests = { count: 0 };
      fake.handle(tokenAuth(serveManifest, tokenRequests));
      const authed = createRegistryClient(testRegistryConfig({ insecureRegistries: [fake.host] }));
      const results = await Promise.all([1, 2, 3, 4].map(() => authed.fetchManifest(repo(), image.digest)));
      expect(results.every((r) => r.digest === image.digest)).toBe(true);
      expect(tokenRequests.count).toBe(1);
    });
  });

  describe('when an error answer is huge', () => {
    it('reads only its first 64 KiB and still reports the status for what it is', async () => {
      let sent = 0;
      fake.handle((_req, res) => {
        res.writeHead(404, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.on('error', () => undefined);
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        const pump = () => {
          while (sent < 8 * 1024 * 1024 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
      await expect(client.fetchManifest(repo(), 'latest')).rejects.toMatchObject({
        code: 'MANIFEST_UNKNOWN',
      });
      // The reader stopped early: far less than the 8 MiB on offer was ever written to the socket.
      expect(sent).toBeLessThan(4 * 1024 * 1024);
    });
  });

  describe('when a manifest is larger than 4 MiB', () => {
    it('refuses it with MANIFEST_TOO_LARGE, also when no Content-Length announces it', async () => {
      const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
      fake.handle((_req, res) => {
        res.writeHead(200, { 'content-type': MT.ociManifest, 'transfer-encoding': 'chunked' });
        // Streamed in chunks without a length: the cap has to be enforced while reading.
        const chunk = big.subarray(0, 64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < big.length) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
      });
      await expect(client.fetchManifest(repo(), 'latest')).rejects.toMatchObject({
        code: 'MANIFEST_TOO_LARGE',
      });
    });

    it('refuses it before reading when Content-Length announces it', async () => {
      fake.handle((_req, res) => {
        res.writeHead(200, { 'content-type': MT.ociManifest, 'content-length': String(5 * 1024 * 1024) });
        res.on('error', () => undefined);
        res.write('{');
      });
      await expect(client.fetchManifest(repo(), 'latest')).rejects.toMatchObject({
        code: 'MANIFEST_TOO_LARGE',
      });
    });
  });

  describe('when the registry is too slow', () => {
    it('fails with REGISTRY_TIMEOUT when headers never come', async () => {
      fake.handle(() => undefined); // never answers
      const started = Date.now();
      await expect(client.fetchManifest(repo(), image.digest)).rejects.toMatchObject({
        code: 'REGISTRY_TIMEOUT',
        temporary: true,
      });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('fails with REGISTRY_TIMEOUT when the body stalls after the headers', async () => {
      fake.handle((_req, res) => {
        res.writeHead(200, {
          'content-type': MT.ociManifest,
          'content-length': String(image.manifest.length),
        });
        res.write(Buffer.from(image.manifest).subarray(0, 10)); // and then nothing
      });
      await expect(client.fetchManifest(repo(), image.digest)).rejects.toMatchObject({
        code: 'REGISTRY_TIMEOUT',
      });
    });
  });

  describe("when the caller's signal aborts", () => {
    it('stops at once with REGISTRY_ABORTED', async () => {
      fake.handle(() => undefined);
      const patient = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [fake.host], requestTimeoutMs: 10_000 }),
      );
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();
      await expect(
        patient.fetchManifest(repo(), image.digest, { signal: controller.signal }),
      ).rejects.toMatchObject({
        code: 'REGISTRY_ABORTED',
      });
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('when a blob is redirected to another host', () => {
    it('follows the redirect without forwarding the Authorization header', async () => {
      const blob = Buffer.from('redirected blob');
      const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
      // The token endpoint itself is anonymous: answer it before the auth check.
      const handler = (req: IncomingMessage, res: ServerResponse, path: string) => {
        if (path.startsWith('/token'))
          return void res.writeHead(200).end(JSON.stringify({ token: 'registry-token' }));
        if (req.headers.authorization !== 'Bearer registry-token') {
          return void res
            .writeHead(401, { 'www-authenticate': `Bearer realm="http://${fake.host}/token",service="fake"` })
            .end();
        }
        return void res.writeHead(307, { location: `http://${other.host}/storage/blob?sig=abc` }).end();
      };
      fake.handle(handler);
      other.handle((_req, res) => void res.writeHead(200).end(blob));
      const authed = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [fake.host, other.host] }),
      );
      const bytes = await authed.fetchBlob(repo(), digest, { maxBytes: 1024 });
      expect(Buffer.from(bytes).toString()).toBe('redirected blob');
      expect(fake.requests.some((r) => r.headers.authorization === 'Bearer registry-token')).toBe(true);
      const storage = other.requests.filter((r) => r.path.startsWith('/storage/'));
      expect(storage).toHaveLength(1);
      expect(storage[0]!.headers.authorization).toBeUndefined();
    });

    it('refuses a redirect to a plain-HTTP host that is not configured insecure', async () => {
      fake.handle((_req, res) => void res.writeHead(302, { location: 'http://storage.invalid/blob' }).end());
      const failure = client.fetchBlob(repo(), `sha256:${'b'.repeat(64)}`, { maxBytes: 1024 });
      await expect(failure).rejects.toMatchObject({ code: 'INSECURE_REGISTRY' });
    });
  });

  describe('when the registry sends a Docker-Content-Digest that disagrees with the bytes of a tag', () => {
    it('fails with DIGEST_MISMATCH', async () => {
      fake.handle(
        (_req, res) =>
          void res
            .writeHead(200, {
              'content-type': MT.ociManifest,
              'docker-content-digest': `sha256:${'c'.repeat(64)}`,
            })
            .end(Buffer.from(image.manifest)),
      );
      await expect(client.fetchManifest(repo(), 'v1')).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    });
  });

  describe('when the host is not configured insecure', () => {
    it('speaks HTTPS to it, so a plain-HTTP registry cannot answer', async () => {
      fake.handle((_req, res) => serveManifest(res));
      // Allowed by name, so the loopback address is not what refuses it (see src/security).
      const strict = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [], allowedRegistries: [fake.host], maxRetries: 0 }),
      );
      await expect(strict.fetchManifest(repo(), image.digest)).rejects.toMatchObject({
        code: 'REGISTRY_UNAVAILABLE',
      });
      expect(manifestRequests()).toHaveLength(0);
    });
  });
});
