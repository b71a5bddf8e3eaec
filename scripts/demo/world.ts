import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  pushImage,
  pushIndex,
  type PushTarget,
} from '../../test/support/registry/index.js';
import {
  inTotoStatement,
  pushBundleReferrer,
  pushLegacyAttestations,
  pushLegacySignatures,
  SLSA_PROVENANCE_V1,
  type GithubWorkflowClaims,
  type TestSigstore,
} from '../../test/support/sigstore/index.js';
import { demoSbom, SPDX_PREDICATE_TYPE } from './sbom.js';
import { demoVex, indexPurl, OPENVEX_PREDICATE_TYPE } from './vex.js';

/**
 * The demo's small signed world, pushed into a fresh registry. Every artifact is built by the test
 * fixtures (real manifests, real certificates from the private test Sigstore), never by `src/`, so the
 * demo shows the service judging content it did not produce — exactly what the test suites do.
 */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** The publisher we trust: a tag-triggered GitHub Actions release workflow. */
export const PUBLISHER = {
  repository: 'acme/widget',
  san: 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
  identityRegexp: '^https://github.com/acme/widget/',
} as const;

/** Someone else with a perfectly valid certificate from the same CA: valid, but not whom we trust. */
export const STRANGER_SAN =
  'https://github.com/mallory/widget-fork/.github/workflows/release.yml@refs/heads/main';

const PUBLISHER_CLAIMS: GithubWorkflowClaims = {
  workflowTrigger: 'push',
  // A fixed, obviously made-up commit: the claims are for display, nothing resolves them.
  workflowSha: '0123456789abcdef0123456789abcdef01234567',
  workflowName: 'release',
  workflowRepository: PUBLISHER.repository,
  workflowRef: 'refs/tags/v1.2.3',
};

export interface DemoWorld {
  /** `host/acme/widget:1.2.3`: the multi-platform tag. */
  readonly indexTag: string;
  /** `host/acme/widget@sha256:…`: the signed index, by digest. */
  readonly indexRef: string;
  readonly indexDigest: string;
  /**
   * `host/acme/widget@sha256:…` of linux/amd64: listed by the index, no signature of its own, but
   * with its own signed SPDX SBOM attestation.
   */
  readonly platformRef: string;
  /** The platform of {@link platformRef}. */
  readonly platform: 'linux/amd64';
  /** `host/acme/unsigned:latest`: nobody signed it. */
  readonly unsignedRef: string;
  /** `host/acme/forked:latest`: signed, but by {@link STRANGER_SAN}. */
  readonly strangerRef: string;
}

/**
 * Pushes the world into the registry at `registryUrl` (`host` is how references name it).
 * The index is signed twice, as cosign v2 and v3 users meet it in the wild: a legacy `.sig` tag
 * signature and a Sigstore bundle attached as an OCI referrer, each with its own short-lived
 * certificate (keyless signing issues a fresh one per `cosign sign`). Its attestations come in both
 * cosign formats too: SLSA provenance and OpenVEX on the index as bundle referrers (cosign v3,
 * `gh`), and the SBOM of linux/amd64 in that platform's legacy `.att` tag (cosign v2 `attest`).
 */
export async function pushDemoWorld(
  sigstore: TestSigstore,
  registryUrl: string,
  host: string,
): Promise<DemoWorld> {
  const target: PushTarget = { url: registryUrl };
  const publisher = () =>
    sigstore.issueCertificate({
      san: { uri: PUBLISHER.san },
      issuer: GITHUB_ISSUER,
      github: PUBLISHER_CLAIMS,
    });

  const index = buildIndex(
    FOUR_PLATFORMS.map((p) => buildImage(p, 'oci')),
    'oci',
  );
  await pushIndex(target, 'acme/widget', index, '1.2.3');
  await pushLegacySignatures(target, 'acme/widget', index.digest, [
    sigstore.signLegacy({
      imageDigest: index.digest,
      dockerReference: `${host}/acme/widget`,
      identity: publisher(),
    }),
  ]);
  await pushBundleReferrer(
    target,
    'acme/widget',
    index,
    sigstore.signBundle({ imageDigest: index.digest, identity: publisher() }),
  );

  // The build's SLSA v1 provenance in the shape GitHub's attest-build-provenance writes, signed by the
  // same workflow identity and attached as a bundle referrer (as `cosign attest` v3 and `gh` do).
  await pushBundleReferrer(
    target,
    'acme/widget',
    index,
    sigstore.signBundle({
      imageDigest: index.digest,
      identity: publisher(),
      statement: inTotoStatement({
        subjects: [index.digest],
        predicateType: SLSA_PROVENANCE_V1,
        predicate: demoProvenance(),
      }),
    }),
  );

  const amd64 = index.images[0];
  if (amd64 === undefined) throw new Error('demo index has no platform manifests');

  // The SBOM describes one platform's contents, so it is attested on that platform's digest, as
  // `cosign attest --type spdxjson <image>@<platform digest>` (v2) stores it: a `.att` tag.
  await pushLegacyAttestations(target, 'acme/widget', amd64.digest, [
    sigstore.signLegacyAttestation({
      identity: publisher(),
      statement: inTotoStatement({
        subjects: [amd64.digest],
        predicateType: SPDX_PREDICATE_TYPE,
        predicate: demoSbom(),
      }),
    }),
  ]);

  // What the publisher says about advisories against that SBOM's packages, about the whole index
  // (the product the statements name), as `cosign attest --type openvex` (v3) attaches it.
  await pushBundleReferrer(
    target,
    'acme/widget',
    index,
    sigstore.signBundle({
      imageDigest: index.digest,
      identity: publisher(),
      statement: inTotoStatement({
        subjects: [index.digest],
        predicateType: OPENVEX_PREDICATE_TYPE,
        predicate: demoVex(indexPurl(host, 'acme/widget', index.digest), new Date()),
      }),
    }),
  );

  const unsigned = buildImage({ os: 'linux', architecture: 'amd64' }, 'oci');
  await pushImage(target, 'acme/unsigned', unsigned, 'latest');

  const forked = buildImage({ os: 'linux', architecture: 'amd64' }, 'oci');
  await pushImage(target, 'acme/forked', forked, 'latest');
  const stranger = sigstore.issueCertificate({ san: { uri: STRANGER_SAN }, issuer: GITHUB_ISSUER });
  await pushBundleReferrer(
    target,
    'acme/forked',
    forked,
    sigstore.signBundle({ imageDigest: forked.digest, identity: stranger }),
  );

  return {
    indexTag: `${host}/acme/widget:1.2.3`,
    indexRef: `${host}/acme/widget@${index.digest}`,
    indexDigest: index.digest,
    platformRef: `${host}/acme/widget@${amd64.digest}`,
    platform: 'linux/amd64',
    unsignedRef: `${host}/acme/unsigned:latest`,
    strangerRef: `${host}/acme/forked:latest`,
  };
}

/** SLSA v1 provenance of the demo's release build; the commit is {@link PUBLISHER_CLAIMS}' made-up one. */
function demoProvenance(): unknown {
  const repository = `https://github.com/${PUBLISHER.repository}`;
  return {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: {
        workflow: { ref: PUBLISHER_CLAIMS.workflowRef, repository, path: '.github/workflows/release.yml' },
      },
      internalParameters: { github: { event_name: PUBLISHER_CLAIMS.workflowTrigger } },
      resolvedDependencies: [
        {
          uri: `git+${repository}@${PUBLISHER_CLAIMS.workflowRef}`,
          digest: { gitCommit: PUBLISHER_CLAIMS.workflowSha },
        },
      ],
    },
    runDetails: {
      builder: { id: `${repository}/.github/workflows/release.yml@${PUBLISHER_CLAIMS.workflowRef}` },
      metadata: { invocationId: `${repository}/actions/runs/1/attempts/1` },
    },
  };
}
