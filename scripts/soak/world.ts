import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildImage,
  pushImage,
  startTestRegistry,
  type TestRegistry,
} from '../../test/support/registry/index.js';
import {
  createTestSigstore,
  pushBundleReferrer,
  pushLegacySignatures,
} from '../../test/support/sigstore/index.js';

/**
 * The soak's world, built with the test fixtures (never `src/`): Debian's real `docker-registry` on
 * a random loopback port, a private Sigstore, and `count` single-platform images, most signed (legacy
 * `.sig` tag and cosign v3 bundle referrer alternating), every tenth left unsigned so the load also
 * carries answers that must NOT verify.
 */
export const SAN = 'https://github.com/acme/app/.github/workflows/release.yaml@refs/tags/v1.0.0';
export const ISSUER = 'https://token.actions.githubusercontent.com';

export interface SoakImage {
  readonly ref: string;
  readonly signed: boolean;
}

export interface SoakWorld {
  readonly registry: TestRegistry;
  readonly trustedRootPath: string;
  readonly images: readonly SoakImage[];
  stop(): Promise<void>;
}

export async function buildSoakWorld(count: number): Promise<SoakWorld> {
  const registry = await startTestRegistry();
  const dir = await mkdtemp(join(tmpdir(), 'imprimatur-soak-'));
  try {
    const sigstore = createTestSigstore();
    const trustedRootPath = await sigstore.writeTrustedRoot(dir);
    const images: SoakImage[] = [];
    for (let n = 0; n < count; n++) {
      const repository = `soak/app-${n}`;
      const image = buildImage({ os: 'linux', architecture: `soak${n}` });
      await pushImage(registry, repository, image, 'v1');
      const ref = `${registry.host}/${repository}:v1`;
      const signed = n % 10 !== 9;
      if (signed) {
        const identity = sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });
        if (n % 2 === 0) {
          const signature = sigstore.signLegacy({
            imageDigest: image.digest,
            dockerReference: ref,
            identity,
          });
          await pushLegacySignatures(registry, repository, image.digest, [signature]);
        } else {
          await pushBundleReferrer(
            registry,
            repository,
            image,
            sigstore.signBundle({ imageDigest: image.digest, identity }),
          );
        }
      }
      images.push({ ref, signed });
    }
    return {
      registry,
      trustedRootPath,
      images,
      async stop() {
        await registry.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
