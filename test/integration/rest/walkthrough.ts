import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  pushIndex,
  startTestRegistry,
  type TestRegistry,
} from '../../support/registry/index.js';
import {
  createTestSigstore,
  inTotoStatement,
  pushLegacyAttestations,
  pushLegacySignatures,
  SLSA_PROVENANCE_V1,
} from '../../support/sigstore/index.js';

/**
 * The multi-platform walkthrough (shared/reference/cosign-multiplatform-til.txt) rebuilt for real: a
 * four-platform index in a real docker-registry, signed keyless (legacy `.sig` tag) by a certificate
 * from the test Sigstore, with platform manifests that carry no signature of their own. The REST
 * contract tests and the GraphiQL browser test both run against it.
 */
export const WORKFLOW_SAN = 'https://github.com/acme/app/.github/workflows/release.yaml@refs/tags/v1.0.0';
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
/** The walkthrough's policy: identity regexp plus exact issuer. */
export const WALKTHROUGH_POLICY = {
  certificateIdentityRegexp: 'https://github.com/acme/app/.*',
  certificateOidcIssuer: GITHUB_ISSUER,
} as const;

export interface Walkthrough {
  readonly registry: TestRegistry;
  /** `127.0.0.1:PORT/acme/app@sha256:…` — the signed index. */
  readonly indexRef: string;
  readonly indexDigest: string;
  /** `127.0.0.1:PORT/acme/app:v1` — the same index by tag. */
  readonly tagRef: string;
  /** The linux/amd64 manifest by digest: listed by the index, unsigned itself. */
  readonly platformRef: string;
  readonly platformDigest: string;
  /** `trusted_root.json` of the test Sigstore, for `verification.trustedRootPath`. */
  readonly trustedRootPath: string;
  stop(): Promise<void>;
}

export async function startWalkthrough(): Promise<Walkthrough> {
  const registry = await startTestRegistry();
  const sigstore = createTestSigstore();
  const dir = await mkdtemp(join(tmpdir(), 'imprimatur-walkthrough-'));
  try {
    const trustedRootPath = await sigstore.writeTrustedRoot(dir);
    const repository = 'acme/app';
    const index = buildIndex(FOUR_PLATFORMS.map((platform) => buildImage(platform)));
    await pushIndex({ url: registry.url }, repository, index, 'v1');
    const identity = sigstore.issueCertificate({ san: { uri: WORKFLOW_SAN }, issuer: GITHUB_ISSUER });
    const signature = sigstore.signLegacy({
      imageDigest: index.digest,
      dockerReference: `${registry.host}/${repository}`,
      identity,
    });
    await pushLegacySignatures({ url: registry.url }, repository, index.digest, [signature]);
    // The same workflow's SLSA v1 provenance about the index, in cosign's legacy `.att` form.
    const provenance = sigstore.signLegacyAttestation({
      statement: inTotoStatement({ subjects: [index.digest], predicateType: SLSA_PROVENANCE_V1 }),
      identity,
    });
    await pushLegacyAttestations({ url: registry.url }, repository, index.digest, [provenance]);
    const amd64 = index.images[0];
    if (amd64 === undefined) throw new Error('walkthrough index has no platform images');
    return {
      registry,
      indexRef: `${registry.host}/${repository}@${index.digest}`,
      indexDigest: index.digest,
      tagRef: `${registry.host}/${repository}:v1`,
      platformRef: `${registry.host}/${repository}@${amd64.digest}`,
      platformDigest: amd64.digest,
      trustedRootPath,
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
