import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/registry/index.js';
import { buildImage, FOUR_PLATFORMS, MT } from '../../support/registry/index.js';
import { startFakeRegistry, type FakeRegistry } from '../registry/fake-registry.js';
import { testRegistryConfig } from '../registry/test-config.js';
import { testResolver, watchConnections, type ConnectionWatch } from './test-resolver.js';

/**
 * The outbound policy against a real HTTP server on 127.0.0.1. Non-loopback targets (10.0.0.1,
 * 169.254.169.254) only ever exist as answers of a test resolver, and every test about them proves
 * the refusal came before a connection: nothing is ever sent there.
 */
describe('outbound safety', () => {
  let fake: FakeRegistry;
  let watch: ConnectionWatch;
  const image = buildImage(FOUR_PLATFORMS[0]!, 'oci');
  const serveManifest = (res: ServerResponse) =>
    void res.writeHead(200, { 'content-type': MT.ociManifest }).end(Buffer.from(image.manifest));
  const port = () => fake.host.split(':')[1]!;
  const names = () =>
    testResolver({
      'metadata.test': ['169.254.169.254'],
      'internal.test': ['10.0.0.1'],
      'mapped.test': ['::ffff:127.0.0.1'],
      'half-private.test': ['10.0.0.1', '::ffff:a9fe:a9fe'],
      'loopback.test': ['127.0.0.1'],
      'registry.allowed.test': ['127.0.0.1'],
    });

  beforeAll(async () => {
    fake = await startFakeRegistry();
  });
  afterAll(async () => fake?.stop());
  beforeEach(() => {
    fake.handle((_req, res) => serveManifest(res));
    watch = watchConnections();
  });
  afterEach(() => watch.stop());

  const forbidden = { code: 'REGISTRY_FORBIDDEN', temporary: false };

  describe('a loopback registry that is not listed', () => {
    it('is refused by name before any request reaches it', async () => {
      const client = createRegistryClient(testRegistryConfig({ insecureRegistries: [] }));
      await expect(
        client.fetchManifest({ registry: fake.host, repository: 'app/x' }, image.digest),
      ).rejects.toMatchObject(forbidden);
      expect(fake.requests).toHaveLength(0);
      expect(watch.connected).toHaveLength(0);
    });

    it.each([
      ['decimal', () => `2130706433:${port()}`],
      ['hexadecimal', () => `0x7f000001:${port()}`],
      ['octal', () => `0177.0.0.1:${port()}`],
      ['shortened', () => `127.1:${port()}`],
      ['IPv4-mapped IPv6', () => `[::ffff:127.0.0.1]:${port()}`],
      ['IPv4-mapped IPv6 in hex', () => `[::ffff:7f00:1]:${port()}`],
      ['IPv6 loopback', () => `[::1]:${port()}`],
    ])('is refused when spelled in %s form', async (_form, registry) => {
      const client = createRegistryClient(testRegistryConfig({ insecureRegistries: [] }));
      await expect(
        client.fetchManifest({ registry: registry(), repository: 'app/x' }, image.digest),
      ).rejects.toMatchObject(forbidden);
      expect(fake.requests).toHaveLength(0);
      expect(watch.connected).toHaveLength(0);
    });
  });

  describe('a loopback registry listed in IMPRIMATUR_INSECURE_REGISTRIES', () => {
    it('is reached, by address and by a name that resolves to it', async () => {
      const resolver = names();
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [fake.host, `loopback.test:${port()}`] }),
        { resolver: resolver.resolve },
      );
      const byAddress = await client.fetchManifest(
        { registry: fake.host, repository: 'app/x' },
        image.digest,
      );
      const byName = await client.fetchManifest(
        { registry: `loopback.test:${port()}`, repository: 'app/x' },
        image.digest,
      );
      expect(byAddress.digest).toBe(image.digest);
      expect(byName.digest).toBe(image.digest);
      expect(resolver.calls.length).toBeGreaterThan(0);
      expect(new Set(resolver.calls)).toEqual(new Set(['loopback.test']));
    });
  });

  describe('a registry name that resolves to a non-public address', () => {
    it.each([
      ['cloud metadata (169.254.169.254)', 'metadata.test', '169.254.169.254'],
      ['a private address (10.0.0.1)', 'internal.test', '10.0.0.1'],
      ['loopback written as IPv4-mapped IPv6', 'mapped.test', '::ffff:127.0.0.1'],
      ['a private address among others', 'half-private.test', '10.0.0.1'],
    ])('is refused inside the connection look-up for %s, before connecting', async (_what, name, address) => {
      const resolver = names();
      const client = createRegistryClient(testRegistryConfig({ insecureRegistries: [], maxRetries: 2 }), {
        resolver: resolver.resolve,
      });
      const error = await client
        .fetchManifest({ registry: name, repository: 'app/x' }, image.digest)
        .catch((e: unknown) => e);
      expect(error).toMatchObject(forbidden);
      // Not retried (policy is not a network hiccup), resolved exactly once, by the connection itself.
      expect(resolver.calls).toEqual([name]);
      expect(watch.connected).toHaveLength(0);
      expect(watch.failed.map((f) => (f.error as { code?: string }).code)).toEqual(['REGISTRY_FORBIDDEN']);
      // Callers learn that the name is not public, not what it resolves to.
      expect((error as Error).message).toContain(name);
      expect((error as Error).message).not.toContain(address);
    });

    it('is reached when the operator listed it', async () => {
      const resolver = names();
      const host = `registry.allowed.test:${port()}`;
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [host], allowedRegistries: [host] }),
        { resolver: resolver.resolve },
      );
      const fetched = await client.fetchManifest({ registry: host, repository: 'app/x' }, image.digest);
      expect(fetched.digest).toBe(image.digest);
      expect(watch.connected.length).toBeGreaterThan(0);
      expect(new Set(watch.connected)).toEqual(new Set([`registry.allowed.test:${port()}`]));
    });
  });

  describe('with IMPRIMATUR_ALLOWED_REGISTRIES set', () => {
    it('refuses a host outside the list without even resolving it', async () => {
      const resolver = names();
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [], allowedRegistries: ['*.allowed.test'] }),
        { resolver: resolver.resolve },
      );
      await expect(
        client.fetchManifest({ registry: 'elsewhere.test', repository: 'app/x' }, image.digest),
      ).rejects.toMatchObject({
        ...forbidden,
        message: expect.stringContaining('IMPRIMATUR_ALLOWED_REGISTRIES'),
      });
      expect(resolver.calls).toHaveLength(0);
    });
  });

  describe('a redirect', () => {
    const blobDigest = `sha256:${'b'.repeat(64)}`;

    it.each([
      ['to cloud metadata by name', 'https://metadata.test/latest/meta-data/iam'],
      ['to cloud metadata by address', 'https://169.254.169.254/latest/meta-data/iam'],
      ['to a private address in decimal', 'https://167772161/admin'],
      ['to an IPv4-mapped loopback address', 'https://[::ffff:127.0.0.1]:6379/'],
    ])('%s is refused before connecting', async (_what, location) => {
      const resolver = names();
      fake.handle((_req, res) => void res.writeHead(307, { location }).end());
      const client = createRegistryClient(testRegistryConfig({ insecureRegistries: [fake.host] }), {
        resolver: resolver.resolve,
      });
      await expect(
        client.fetchBlob({ registry: fake.host, repository: 'app/x' }, blobDigest, { maxBytes: 1024 }),
      ).rejects.toMatchObject(forbidden);
      expect(watch.connected.every((host) => host === fake.host)).toBe(true);
    });

    it('to a host outside the allow-list is refused', async () => {
      const resolver = names();
      fake.handle(
        (_req, res) => void res.writeHead(307, { location: 'https://storage.elsewhere.test/b' }).end(),
      );
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [fake.host], allowedRegistries: [fake.host] }),
        { resolver: resolver.resolve },
      );
      await expect(
        client.fetchBlob({ registry: fake.host, repository: 'app/x' }, blobDigest, { maxBytes: 1024 }),
      ).rejects.toMatchObject(forbidden);
      expect(resolver.calls).toHaveLength(0);
    });
  });

  describe('a bearer token realm', () => {
    const challenge = (realm: string) => (_req: unknown, res: ServerResponse) =>
      void res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="fake"` }).end();

    it('pointing at cloud metadata is refused before connecting', async () => {
      const resolver = names();
      fake.handle(challenge('https://metadata.test/token'));
      const client = createRegistryClient(testRegistryConfig({ insecureRegistries: [fake.host] }), {
        resolver: resolver.resolve,
      });
      await expect(
        client.fetchManifest({ registry: fake.host, repository: 'app/x' }, image.digest),
      ).rejects.toMatchObject(forbidden);
      expect(resolver.calls).toEqual(['metadata.test']);
      expect(watch.connected.every((host) => host === fake.host)).toBe(true);
    });

    it('on another host than the registry is refused when that host is not allowed', async () => {
      const resolver = names();
      fake.handle(challenge('https://auth.elsewhere.test/token'));
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [fake.host], allowedRegistries: [fake.host] }),
        { resolver: resolver.resolve },
      );
      await expect(
        client.fetchManifest({ registry: fake.host, repository: 'app/x' }, image.digest),
      ).rejects.toMatchObject(forbidden);
      expect(resolver.calls).toHaveLength(0);
    });
  });
});
