import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRY_LIMITS } from '../../../src/config/index.js';
import {
  buildImage,
  buildIndex,
  pushIndex,
  startTestRegistry,
  type TestRegistry,
} from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { createTestSigstore, pushLegacySignatures } from '../../support/sigstore/index.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

/**
 * The other side of the registry budget (issue #12): with the default limits, a real fleet query
 * still works cold. One `images(refs:)` over 100 signed two-platform indexes in a real
 * `docker-registry`, every platform manifest verified through its index, all in one request.
 */
const FLEET = 100;
const SAN = 'https://github.com/example/fleet/.github/workflows/release.yaml@refs/tags/v1';
const ISSUER = 'https://token.actions.githubusercontent.com';
const POLICY = `{ certificateIdentity: "${SAN}", certificateOidcIssuer: "${ISSUER}" }`;
const PUSH_CONCURRENCY = 10;

describe('a cold fleet query over 100 signed two-platform indexes', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let service: TestService;
  let dir: string;
  const refs: string[] = [];

  beforeAll(async () => {
    registry = await startTestRegistry();
    proxy = await startCountingProxy(registry.url);
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-fleet-'));
    const sigstore = createTestSigstore();
    const trustedRootPath = await sigstore.writeTrustedRoot(dir);
    const target = { url: registry.url };
    const pushSigned = async (n: number): Promise<string> => {
      const repository = `fleet/app-${String(n).padStart(3, '0')}`;
      const index = buildIndex([
        buildImage({ os: 'linux', architecture: 'amd64' }),
        buildImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }),
      ]);
      await pushIndex(target, repository, index, 'v1');
      // Signed as publishers usually do: the index only, its platform manifests verified through it.
      const identity = sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });
      await pushLegacySignatures(target, repository, index.digest, [
        sigstore.signLegacy({
          imageDigest: index.digest,
          dockerReference: `${proxy.host}/${repository}`,
          identity,
        }),
      ]);
      return `${proxy.host}/${repository}:v1`;
    };
    for (let first = 0; first < FLEET; first += PUSH_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(PUSH_CONCURRENCY, FLEET - first) }, (_, i) => first + i);
      refs.push(...(await Promise.all(batch.map(pushSigned))));
    }
    // The default limits: what is asserted is what an operator gets without tuning.
    service = await startTestService({
      insecureRegistries: [proxy.host],
      config: { verification: { trustedRootPath, maxSignaturesPerDigest: 1000, hintScanMaxTags: 0 } },
    });
  }, 180_000);
  afterAll(async () => {
    await service?.stop();
    await proxy?.stop();
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('verifies every index and every platform manifest within the default budget', async () => {
    proxy.reset();
    const reply = await service.graphql<{
      images: {
        verification: { status: string };
        manifestList: { manifests: { verification: { status: string } }[] };
      }[];
    }>(
      `query($refs: [String!]!) { images(refs: $refs) {
          verification(policy: ${POLICY}) { status }
          manifestList { manifests { verification(policy: ${POLICY}) { status } } } } }`,
      { refs },
    );
    expect(reply.errors).toBeUndefined();
    const images = reply.data?.images ?? [];
    expect(images).toHaveLength(FLEET);
    expect(images.map((i) => i.verification.status)).toEqual(Array(FLEET).fill('VERIFIED'));
    expect(images.flatMap((i) => i.manifestList.manifests.map((m) => m.verification.status))).toEqual(
      Array(FLEET * 2).fill('VERIFIED_VIA_INDEX'),
    );
    // Roughly 11 requests per index cold (its manifest, the signature, every digest's look-ups).
    expect(proxy.requests.length).toBeGreaterThan(FLEET * 5);
    expect(proxy.requests.length).toBeLessThan(DEFAULT_REGISTRY_LIMITS.maxRequestsPerRequest);
  }, 120_000);
});
