import { loadConfig } from '../../../src/config/index.js';
import type { DiscoveryResult } from '../../../src/discovery/index.js';
import {
  createRegistryClient,
  type RegistryClient,
  type RepositoryRef,
} from '../../../src/registry/index.js';
import {
  buildImage,
  pushImage,
  startTestRegistry,
  type BuiltImage,
  type TestRegistry,
} from '../../support/registry/index.js';
import {
  createTestSigstore,
  type IssuedCertificate,
  type TestSigstore,
} from '../../support/sigstore/index.js';

/** cosign's cap and the service default payload cap, as production passes them. */
export const LIMITS = { maxSignatures: 1000, maxPayloadBytes: 1024 * 1024 };

/** The signer the suites sign as: a release workflow on main, certified for GitHub Actions' issuer. */
export const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
export const ISSUER = 'https://token.actions.githubusercontent.com';

/** The real client against the test registry: plain HTTP allowed for it only, no retries (tests stay fast). */
export function clientFor(registry: TestRegistry): RegistryClient {
  const config = loadConfig({
    IMPRIMATUR_INSECURE_REGISTRIES: registry.host,
    IMPRIMATUR_REGISTRY_MAX_RETRIES: '0',
    IMPRIMATUR_REGISTRY_TIMEOUT_MS: '5000',
    IMPRIMATUR_REGISTRY_AUTH_FILE: '/nonexistent/imprimatur-test/config.json',
  });
  return createRegistryClient(config.registry);
}

export function repoRef(registry: TestRegistry, repository: string): RepositoryRef {
  return { registry: registry.host, repository };
}

/** What a discovery suite runs against. The suite stops `registry` when it is done. */
export interface DiscoveryWorld {
  readonly registry: TestRegistry;
  readonly sigstore: TestSigstore;
  /** A certificate for IDENTITY from ISSUER. */
  readonly identity: IssuedCertificate;
  readonly client: RegistryClient;
}

/** A fresh registry, a test Sigstore with one signer, and the real client for that registry. */
export async function startDiscoveryWorld(): Promise<DiscoveryWorld> {
  const registry = await startTestRegistry();
  const sigstore = createTestSigstore();
  const identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
  return { registry, sigstore, identity, client: clientFor(registry) };
}

/** Pushes a new linux/amd64 image to `repository`: a subject no other test has signed. */
export async function pushFreshImage(registry: TestRegistry, repository: string): Promise<BuiltImage> {
  const image = buildImage({ os: 'linux', architecture: 'amd64' });
  await pushImage({ url: registry.url }, repository, image);
  return image;
}

/** The codes of the problems discovery reported, in order. */
export const codes = (result: DiscoveryResult): string[] => result.problems.map((p) => p.code);
