import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slsaProvenanceOf } from '../../src/attestations/views/index.js';
import { REPO_ROOT } from '../support/paths.js';
import { readFixture } from './attestation-predicate-fixtures.js';

/**
 * The SLSA provenance view over provenance real builders write or their specifications show
 * (attestation-predicates/{slsa-github-actions-buildtype,slsa-github-generator,buildkit,slsa-spec},
 * and GitHub's own bundle in github-artifact-attestation/). Each is a whole in-toto statement as the
 * builder emits it, so no wrapping is added here.
 */
function viewOf(path: string) {
  return slsaProvenanceOf(readFixture(path).json);
}

describe("a real GitHub Actions attestation (actions/attest-build-provenance's own bundle)", () => {
  const bundle = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/conformance/github-artifact-attestation/valid-bundle.json'), 'utf8'),
  ) as { dsseEnvelope: { payload: string } };
  const statement = JSON.parse(
    Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'),
  ) as unknown;

  it('shows who built it, from which commit of which repository, by which workflow and event', () => {
    expect(slsaProvenanceOf(statement)).toEqual({
      slsaVersion: 'v1',
      builderId:
        'https://github.com/github/artifact-attestations-opa-provider/.github/workflows/docker.yaml@refs/pull/31/merge',
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      sourceRepository: 'https://github.com/github/artifact-attestations-opa-provider',
      sourceRef: 'refs/pull/31/merge',
      sourceDigest: 'f492e8cf01446c41f376aa07656dc4266f154739',
      workflow: '.github/workflows/docker.yaml',
      trigger: 'pull_request',
      invocationId:
        'https://github.com/github/artifact-attestations-opa-provider/actions/runs/14878267127/attempts/1',
      // GitHub writes no build times into this provenance.
      startedOn: undefined,
      finishedOn: undefined,
    });
  });
});

describe('SLSA v1: the GitHub Actions workflow build type example', () => {
  it('is the file the NOTICE describes', () => {
    expect(readFixture('slsa-github-actions-buildtype/workflow-v1-example.json').sha256).toBe(
      'c1d9302a9112b9fa1112c779f2de7c547d0d3730057a302dc5ec876ce905860c',
    );
  });

  it('reads every field from where that build type puts it', () => {
    expect(viewOf('slsa-github-actions-buildtype/workflow-v1-example.json')).toEqual({
      slsaVersion: 'v1',
      builderId:
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v0.0.1',
      buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
      sourceRepository: 'https://github.com/octocat/hello-world',
      sourceRef: 'refs/heads/main',
      sourceDigest: 'c27d339ee6075c1f744c5d4b200f7901aad2c369',
      workflow: '.github/workflow/release.yml',
      trigger: 'workflow_dispatch',
      invocationId: 'https://github.com/octocat/hello-world/actions/runs/1536140711/attempts/1',
      startedOn: '2023-01-01T12:34:56Z',
      finishedOn: undefined,
    });
  });
});

describe('SLSA v1 from BuildKit', () => {
  it('mode=min from a local context: no source is claimed, and the base image is not taken for one', () => {
    // The only resolved dependency is pkg:docker/alpine@latest; reading it as the source repository
    // would report `pkg:docker/alpine` at ref `latest` — false data.
    expect(viewOf('buildkit/provenance-v1-mode-min.json')).toEqual({
      slsaVersion: 'v1',
      // BuildKit writes an empty builder id when it knows none.
      builderId: undefined,
      buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
      sourceRepository: undefined,
      sourceRef: undefined,
      sourceDigest: undefined,
      workflow: 'Dockerfile',
      trigger: undefined,
      invocationId: 'yirbp1aosi1vqjmi3z6bc75nb',
      startedOn: '2022-12-08T11:48:59.466513707Z',
      finishedOn: '2022-12-08T11:49:01.256820297Z',
    });
  });

  it('a Git context: source from configSource (`<repo>#<ref>`), invocation id as BuildKit spells it', () => {
    expect(viewOf('buildkit/definitions-v1.json')).toEqual({
      slsaVersion: 'v1',
      builderId: 'https://github.com/docker/buildx/actions/runs/3709599520',
      buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
      sourceRepository: 'https://github.com/moby/buildkit.git',
      sourceRef: 'refs/tags/v0.11.0',
      sourceDigest: '4b220de5058abfd01ff619c9d2ff6b09a049bea0',
      workflow: 'Dockerfile',
      trigger: undefined,
      // `invocationID`, not the spec's `invocationId`.
      invocationId: 'rpv7a389uzil5lqmrgwhijwjz',
      startedOn: '2021-11-17T15:00:00Z',
      finishedOn: '2021-11-17T15:01:00Z',
    });
  });
});

describe('SLSA v0.2 from BuildKit', () => {
  it('reads configSource and `buildInvocationID` as BuildKit writes them', () => {
    expect(viewOf('buildkit/definitions-v0.2.json')).toEqual({
      slsaVersion: 'v0.2',
      builderId: 'https://github.com/docker/buildx/actions/runs/3709599520',
      buildType: 'https://mobyproject.org/buildkit@v1',
      sourceRepository: 'https://github.com/moby/buildkit.git',
      sourceRef: 'refs/tags/v0.11.0',
      sourceDigest: '4b220de5058abfd01ff619c9d2ff6b09a049bea0',
      workflow: 'Dockerfile',
      trigger: undefined,
      invocationId: 'rpv7a389uzil5lqmrgwhijwjz',
      startedOn: '2021-11-17T15:00:00Z',
      finishedOn: '2021-11-17T15:01:00Z',
    });
  });
});

describe('SLSA v0.2 from slsa-github-generator (container workflow)', () => {
  it('reads the builder, source, entry point, event and `buildInvocationID`', () => {
    expect(viewOf('slsa-github-generator/container-v0.2.json')).toEqual({
      slsaVersion: 'v0.2',
      builderId:
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v1.4.0',
      buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
      sourceRepository: 'https://github.com/ianlewis/actions-test',
      // As the example's configSource.uri writes it (its materials say refs/tags/v0.0.9): the view
      // reports what the document states, it does not reconcile the two.
      sourceRef: 'refs/heads/main.git',
      sourceDigest: 'e491e4b2ce5bc76fb103729b61b04d3c46d8a192',
      workflow: '.github/workflows/generic-container.yml',
      trigger: 'push',
      invocationId: '2556669934-1',
      startedOn: undefined,
      finishedOn: undefined,
    });
  });
});

describe('SLSA v0.2: the specification example', () => {
  it('reads a non-git config source without inventing a ref or a commit', () => {
    expect(viewOf('slsa-spec/v0.2-example.json')).toEqual({
      slsaVersion: 'v0.2',
      builderId: 'mailto:person@example.com',
      buildType: 'https://example.com/Makefile',
      sourceRepository: 'https://example.com/example-1.2.3.tar.gz',
      sourceRef: undefined,
      // Its digest is sha256 of a tarball, not a commit.
      sourceDigest: undefined,
      workflow: 'src:foo',
      trigger: undefined,
      invocationId: undefined,
      startedOn: undefined,
      finishedOn: undefined,
    });
  });
});
