import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheConfig } from '../../../src/config/index.js';
import { startTestRedis, type TestRedis } from '../../support/redis.js';
import { buildImage, pushImage, startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { createTestSigstore, pushLegacySignatures, type TestSigstore } from '../../support/sigstore/index.js';
import { startCountingProxy, type CountingProxy } from '../graph/counting-proxy.js';
import { cacheConfig } from './fixtures.js';

export const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
export const ISSUER = 'https://token.actions.githubusercontent.com';
/** The policy every signature made by {@link SigningWorld.sign} satisfies. */
export const POLICY = { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER };

/**
 * What the service-level cache suites share: a real registry behind a counting proxy, a test
 * Sigstore, a real Redis for the shared tier, and real services trusting exactly that Sigstore and
 * reaching the registry through the proxy (so what they ask of it is counted from outside).
 */
export interface SigningWorld {
  readonly registry: TestRegistry;
  readonly proxy: CountingProxy;
  readonly sigstore: TestSigstore;
  /** Used only by services started with `{ url: world.redis.url }`; tests may kill and restart it. */
  readonly redis: TestRedis;
  /** Signs `digest` in `repository` as cosign's legacy `.sig` tag would, with {@link POLICY}'s identity. */
  sign(repository: string, digest: string): Promise<void>;
  /** Pushes a new single-platform image under `repository:tag` and signs it. */
  pushSignedImage(
    repository: string,
    tag: string,
  ): Promise<{ readonly ref: string; readonly digest: string }>;
  /** Starts the real service with the cache defaults plus `cache`; stopped with the world. */
  startService(
    cache?: Partial<CacheConfig>,
    options?: { readonly apiTokens?: readonly string[] },
  ): Promise<TestService>;
  stop(): Promise<void>;
}

export async function startSigningWorld(): Promise<SigningWorld> {
  const [registry, redis] = await Promise.all([startTestRegistry(), startTestRedis()]);
  const proxy = await startCountingProxy(registry.url);
  const sigstore = createTestSigstore();
  const dir = await mkdtemp(join(tmpdir(), 'imprimatur-cache-world-'));
  const trustedRootPath = await sigstore.writeTrustedRoot(dir);
  const services: TestService[] = [];

  const sign = async (repository: string, digest: string): Promise<void> => {
    const identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
    const signature = sigstore.signLegacy({
      imageDigest: digest,
      dockerReference: `${proxy.host}/${repository}`,
      identity,
    });
    await pushLegacySignatures({ url: registry.url }, repository, digest, [signature]);
  };

  return {
    registry,
    proxy,
    sigstore,
    redis,
    sign,
    async pushSignedImage(repository, tag) {
      const image = buildImage({ os: 'linux', architecture: 'amd64' });
      await pushImage({ url: registry.url }, repository, image, tag);
      await sign(repository, image.digest);
      return { ref: `${proxy.host}/${repository}:${tag}`, digest: image.digest };
    },
    async startService(cache = {}, options = {}) {
      const service = await startTestService({
        insecureRegistries: [proxy.host],
        config: {
          apiTokens: options.apiTokens ?? [],
          verification: { trustedRootPath, maxSignaturesPerDigest: 100 },
          cache: cacheConfig(cache),
        },
      });
      services.push(service);
      return service;
    },
    async stop() {
      for (const service of services) await service.stop();
      await proxy.stop();
      await registry.stop();
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
