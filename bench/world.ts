import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  pushImage,
  pushIndex,
  startTestRegistry,
  type BuiltImage,
  type BuiltIndex,
  type TestRegistry,
} from '../test/support/registry/index.js';
import {
  createTestSigstore,
  inTotoStatement,
  pushBundleReferrer,
  pushLegacyAttestations,
  pushLegacySignatures,
  SLSA_PROVENANCE_V1,
} from '../test/support/sigstore/index.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

/** The repository and tag of the seed image: the cosign multi-platform TIL's `aquasec/trivy:0.70.0`. */
export const SEED_REPOSITORY = 'aquasec/trivy';
export const SEED_TAG = '0.70.0';
const SAN = 'https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v0.70.0';
const ISSUER = 'https://token.actions.githubusercontent.com';

/** `cosign verify --certificate-identity-regexp … --certificate-oidc-issuer …` of the TIL. */
export const SEED_POLICY = {
  certificateIdentityRegexp: 'https://github.com/aquasecurity/.*',
  certificateOidcIssuer: ISSUER,
} as const;

/** The attested image of the attestation figures (bench/attestations.ts). */
export const ATTESTED_REPOSITORY = 'bench/attested';

/** The image with a large signed SBOM, for the SBOM page figures (bench/sbom.ts). */
export const SBOM_REPOSITORY = 'bench/sbom';
/** Components of that SBOM: a CycloneDX BOM of ~2.6 MB, the size of a real image's. */
export const SBOM_COMPONENTS = 20_000;

/** How many distinct signed single-platform images sit next to the seed index. */
export const DISTINCT_IMAGES = 50;
const PUSH_CONCURRENCY = 10;

/**
 * The world every figure is measured in: a real `docker-registry` on loopback, the counting proxy in
 * front of it, and a private Sigstore whose trusted root the service is configured with. Fixtures
 * come from `test/support` (never from `src/`), as in the integration tests.
 */
export interface BenchWorld {
  readonly registry: TestRegistry;
  readonly proxy: CountingProxy;
  /** `trusted_root.json` of the private Sigstore, for `verification.trustedRootPath`. */
  readonly trustedRootPath: string;
  /** The 4-platform Docker manifest list, signed twice (legacy `.sig` tag and a bundle referrer). */
  readonly seed: BuiltIndex;
  /** `PROXY/aquasec/trivy:0.70.0`: how the service is asked about the seed. */
  readonly seedRef: string;
  /** `PROXY/bench/app-NN@sha256:…`, each signed once (alternating legacy and bundle). */
  readonly distinctRefs: readonly string[];
  /** `PROXY/bench/attested:v1`: SLSA v1 provenance in a legacy `.att` layer and a bundle referrer. */
  readonly attestedRef: string;
  /** `PROXY/bench/sbom:v1`: a signed CycloneDX SBOM of {@link SBOM_COMPONENTS} components (bundle referrer). */
  readonly sbomRef: string;
  stop(): Promise<void>;
}

/**
 * `delayMs` (bench/ab-cold.ts `--delay-ms`): the proxy holds each request that long before forwarding
 * it, like a registry that many milliseconds away. `npm run bench` always uses 0.
 */
export async function buildWorld(options: { readonly delayMs?: number } = {}): Promise<BenchWorld> {
  const registry = await startTestRegistry();
  const proxy = await startCountingProxy(registry.url, options);
  const dir = await mkdtemp(join(tmpdir(), 'imprimatur-bench-'));
  const sigstore = createTestSigstore();
  const trustedRootPath = await sigstore.writeTrustedRoot(dir);
  // Pushed straight to the registry: setting up the world is not what is counted.
  const target = { url: registry.url };
  const sign = () => sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });

  const seed = buildIndex(
    FOUR_PLATFORMS.map((p) => buildImage(p, 'docker')),
    'docker',
  );
  await pushIndex(target, SEED_REPOSITORY, seed, SEED_TAG);
  // The service reaches the registry through the proxy, so that is the host the signer named.
  const seedRepository = `${proxy.host}/${SEED_REPOSITORY}`;
  await pushLegacySignatures(target, SEED_REPOSITORY, seed.digest, [
    sigstore.signLegacy({ imageDigest: seed.digest, dockerReference: seedRepository, identity: sign() }),
  ]);
  await pushBundleReferrer(
    target,
    SEED_REPOSITORY,
    seed,
    sigstore.signBundle({ imageDigest: seed.digest, identity: sign() }),
  );

  /** `bench/app-NN`, signed once: even numbers in the legacy `.sig` tag, odd ones as a bundle referrer. */
  const pushSignedImage = async (n: number): Promise<string> => {
    const repository = `bench/app-${String(n).padStart(2, '0')}`;
    const image: BuiltImage = buildImage({ os: 'linux', architecture: n % 2 === 0 ? 'amd64' : 'arm64' });
    await pushImage(target, repository, image, 'v1');
    if (n % 2 === 0) {
      const dockerReference = `${proxy.host}/${repository}`;
      await pushLegacySignatures(target, repository, image.digest, [
        sigstore.signLegacy({ imageDigest: image.digest, dockerReference, identity: sign() }),
      ]);
    } else {
      const bundle = sigstore.signBundle({ imageDigest: image.digest, identity: sign() });
      await pushBundleReferrer(target, repository, image, bundle);
    }
    return `${proxy.host}/${repository}@${image.digest}`;
  };
  // Pushed a few at a time: one by one, the registry's filesystem writes make this the slowest part
  // of the run, and how fast the world is built is not what is measured.
  const distinctRefs: string[] = [];
  for (let first = 0; first < DISTINCT_IMAGES; first += PUSH_CONCURRENCY) {
    const batch = Array.from(
      { length: Math.min(PUSH_CONCURRENCY, DISTINCT_IMAGES - first) },
      (_, i) => first + i,
    );
    distinctRefs.push(...(await Promise.all(batch.map((n) => pushSignedImage(n)))));
  }

  const attested = buildImage({ os: 'linux', architecture: 'amd64' });
  await pushImage(target, ATTESTED_REPOSITORY, attested, 'v1');
  const provenance = inTotoStatement({ subjects: [attested.digest], predicateType: SLSA_PROVENANCE_V1 });
  await pushLegacyAttestations(target, ATTESTED_REPOSITORY, attested.digest, [
    sigstore.signLegacyAttestation({ statement: provenance, identity: sign() }),
  ]);
  await pushBundleReferrer(
    target,
    ATTESTED_REPOSITORY,
    attested,
    sigstore.signBundle({ imageDigest: attested.digest, identity: sign(), statement: provenance }),
  );

  const sbomImage = buildImage({ os: 'linux', architecture: 'arm64' });
  await pushImage(target, SBOM_REPOSITORY, sbomImage, 'v1');
  const sbom = inTotoStatement({
    subjects: [sbomImage.digest],
    predicateType: 'https://cyclonedx.org/bom',
    predicate: {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      components: Array.from({ length: SBOM_COMPONENTS }, (_, n) => ({
        type: 'library',
        name: `lib-${n}`,
        version: `1.${n}`,
        purl: `pkg:deb/debian/lib-${n}@1.${n}`,
        licenses: [{ license: { id: 'MIT' } }],
      })),
    },
  });
  await pushBundleReferrer(
    target,
    SBOM_REPOSITORY,
    sbomImage,
    sigstore.signBundle({ imageDigest: sbomImage.digest, identity: sign(), statement: sbom }),
  );

  return {
    registry,
    proxy,
    trustedRootPath,
    seed,
    attestedRef: `${proxy.host}/${ATTESTED_REPOSITORY}:v1`,
    sbomRef: `${proxy.host}/${SBOM_REPOSITORY}:v1`,
    seedRef: `${seedRepository}:${SEED_TAG}`,
    distinctRefs,
    async stop() {
      await proxy.stop();
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
