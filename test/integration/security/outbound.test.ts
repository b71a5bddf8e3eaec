import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRegistryClient } from '../../../src/registry/index.js';
import type { OutboundRefusalDetails } from '../../../src/security/index.js';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process.js';
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

  describe('a name that does not resolve', () => {
    it('gets the same answer as a name resolving to a private address, each resolved once', async () => {
      const resolver = names();
      const refused: OutboundRefusalDetails[] = [];
      const client = createRegistryClient(testRegistryConfig({ insecureRegistries: [], maxRetries: 2 }), {
        resolver: resolver.resolve,
        onRefusal: (refusal) => refused.push(refusal.details),
      });
      const attempt = (registry: string) =>
        client.fetchManifest({ registry, repository: 'app/x' }, image.digest).then(
          () => undefined,
          (e: unknown) => e as { code: string; temporary: boolean; message: string },
        );
      const internal = await attempt('internal.test');
      const unknown = await attempt('unknown.test');
      expect(unknown).toMatchObject(forbidden);
      expect(internal).toMatchObject(forbidden);
      // Word for word the same but for the name asked about: nothing tells which one exists.
      expect(unknown?.message.replaceAll('unknown.test', 'NAME')).toBe(
        internal?.message.replaceAll('internal.test', 'NAME'),
      );
      // Not retried either way, so the time taken does not tell them apart either.
      expect(resolver.calls).toEqual(['internal.test', 'unknown.test']);
      // The truth goes to whoever watches refusals (the log and /metrics).
      expect(refused).toEqual([
        {
          reason: 'non-public-address',
          destination: 'internal.test:443',
          range: 'private',
          address: '10.0.0.1',
        },
        { reason: 'unresolvable', destination: 'unknown.test:443', lookupError: 'ENOTFOUND' },
      ]);
    });

    it('keeps the resolver’s own error when the operator named the host', async () => {
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: ['unknown.test:5000'], maxRetries: 0 }),
        { resolver: names().resolve },
      );
      await expect(
        client.fetchManifest({ registry: 'unknown.test:5000', repository: 'app/x' }, image.digest),
      ).rejects.toMatchObject({
        code: 'REGISTRY_UNAVAILABLE',
        message: expect.stringContaining('ENOTFOUND'),
      });
    });
  });

  describe('refusals of IP literals', () => {
    it('are reported, though no connection is ever attempted', async () => {
      const refused: OutboundRefusalDetails[] = [];
      const client = createRegistryClient(testRegistryConfig({ insecureRegistries: [] }), {
        onRefusal: (refusal) => refused.push(refusal.details),
      });
      await expect(
        client.fetchManifest({ registry: `127.1:${port()}`, repository: 'app/x' }, image.digest),
      ).rejects.toMatchObject(forbidden);
      expect(refused).toEqual([
        {
          reason: 'non-public-address',
          destination: `127.0.0.1:${port()}`,
          range: 'loopback',
          address: '127.0.0.1',
        },
      ]);
      expect(watch.connected).toHaveLength(0);
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

/**
 * The service process, with the system's resolver: `localhost` resolves to a loopback address and a
 * name under `.invalid` never resolves (RFC 6761). Refusals reach the log at warn with their true
 * reason and are counted in /metrics, while callers get one answer for both names.
 */
describe('SSRF refusals in a running service', () => {
  const CALLER_TOKEN = 'caller-token-for-refusal-tests';
  let service: ServiceProcess;
  const headers = { authorization: `Bearer ${CALLER_TOKEN}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    service = await startServiceProcess({
      IMPRIMATUR_LOG_LEVEL: 'info',
      IMPRIMATUR_API_TOKENS: CALLER_TOKEN,
    });
  }, 40_000);
  afterAll(async () => service?.stop());

  const ask = async (ref: string) => {
    const res = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: `{ image(ref: "${ref}") { digest } }` }),
    });
    const body = (await res.json()) as {
      errors: { message: string; extensions: { code: string; retryable?: boolean } }[];
    };
    return body.errors[0]!;
  };
  const refusalLines = () =>
    service.logLines().filter((line) => line.msg === 'outbound request refused by the SSRF policy');

  it('answer a loopback name and a name that does not resolve alike', async () => {
    const loopback = await ask('localhost:8443/team/app:v1');
    const missing = await ask('nothing-here.invalid:8443/team/app:v1');
    expect(loopback.extensions).toEqual(missing.extensions);
    expect(loopback.extensions.code).toBe('REGISTRY_FORBIDDEN');
    expect(missing.message.replaceAll('nothing-here.invalid', 'NAME')).toBe(
      loopback.message.replaceAll('localhost', 'NAME'),
    );
    const rest = await Promise.all(
      ['localhost:8443/team/app:v1', 'nothing-here.invalid:8443/team/app:v1'].map(async (ref) => {
        const res = await fetch(`${service.url}/v1/images/${encodeURIComponent(ref)}`, { headers });
        return { status: res.status, ...((await res.json()) as { code: string; detail: string }) };
      }),
    );
    expect(rest[0]!.status).toBe(rest[1]!.status);
    expect(rest[1]!.detail.replaceAll('nothing-here.invalid', 'NAME')).toBe(
      rest[0]!.detail.replaceAll('localhost', 'NAME'),
    );
  });

  it('log each refusal at warn with its true reason and range, and never the caller’s token', async () => {
    await ask('10.0.0.1/team/app:v1');
    // The answer can arrive before the child's log line has come through the pipe: wait for it.
    await vi.waitFor(
      () => {
        const lines = refusalLines();
        expect(lines.every((line) => line.level === 40)).toBe(true);
        expect(lines).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              destination: 'localhost:8443',
              reason: 'non-public-address',
              range: 'loopback',
            }),
            expect.objectContaining({
              destination: 'nothing-here.invalid:8443',
              reason: 'unresolvable',
              lookupError: 'ENOTFOUND',
            }),
            expect.objectContaining({
              destination: '10.0.0.1:443',
              reason: 'non-public-address',
              range: 'private',
            }),
          ]),
        );
      },
      { timeout: 5_000 },
    );
    expect(service.output()).not.toContain(CALLER_TOKEN);
    expect(service.output().toLowerCase()).not.toContain('authorization');
  });

  it('count refusals in /metrics, IP literals included', async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const count = (labels: string) =>
      Number(
        new RegExp(`^imprimatur_outbound_refusals_total\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0,
      );
    expect(count('reason="non-public-address",range="loopback"')).toBeGreaterThanOrEqual(1);
    expect(count('reason="non-public-address",range="private"')).toBeGreaterThanOrEqual(1);
    expect(count('reason="unresolvable",range=""')).toBeGreaterThanOrEqual(1);
  });
});
