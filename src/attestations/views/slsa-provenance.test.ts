import { describe, expect, it } from 'vitest';
import {
  MAX_PROVENANCE_FIELD_LENGTH,
  slsaProvenanceOf,
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
} from './index.js';

const statement = (predicateType: string, predicate: unknown) => ({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [],
  predicateType,
  predicate,
});

describe('SLSA provenance view', () => {
  it('reads v1 in the shape of the spec, source from resolvedDependencies when no workflow parameters', () => {
    const view = slsaProvenanceOf(
      statement(SLSA_PROVENANCE_V1, {
        buildDefinition: {
          buildType: 'https://example.com/buildtypes/make/v1',
          externalParameters: {},
          resolvedDependencies: [
            {
              uri: 'git+https://github.com/octocat/hello-world@refs/heads/main',
              digest: { gitCommit: 'c27d339ee6075c1f744c5d4b200f7901aad2c369' },
            },
          ],
        },
        runDetails: {
          builder: { id: 'https://example.com/builder@v1' },
          metadata: {
            invocationId: 'run-42',
            startedOn: '2023-01-01T12:34:56Z',
            finishedOn: '2023-01-01T12:40:00Z',
          },
        },
      }),
    );
    expect(view).toMatchObject({
      slsaVersion: 'v1',
      builderId: 'https://example.com/builder@v1',
      sourceRepository: 'https://github.com/octocat/hello-world',
      sourceRef: 'refs/heads/main',
      sourceDigest: 'c27d339ee6075c1f744c5d4b200f7901aad2c369',
      workflow: undefined,
      invocationId: 'run-42',
      startedOn: '2023-01-01T12:34:56Z',
      finishedOn: '2023-01-01T12:40:00Z',
    });
  });

  it('reads v0.2 in the shape of the spec’s example (configSource, entryPoint, metadata)', () => {
    const view = slsaProvenanceOf(
      statement(SLSA_PROVENANCE_V02, {
        builder: { id: 'https://github.com/Attestations/GitHubHostedActions@v1' },
        buildType: 'https://github.com/Attestations/GitHubActionsWorkflow@v1',
        invocation: {
          configSource: {
            uri: 'git+https://github.com/curl/curl-docker@master',
            digest: { sha1: 'd6525c840a62b398424a78d792f457477135d0cf' },
            entryPoint: 'build.yaml:maketgz',
          },
          environment: { github_event_name: 'push' },
        },
        metadata: { buildInvocationId: 'inv-1', buildStartedOn: '2020-08-19T08:38:00Z' },
        materials: [],
      }),
    );
    expect(view).toEqual({
      slsaVersion: 'v0.2',
      builderId: 'https://github.com/Attestations/GitHubHostedActions@v1',
      buildType: 'https://github.com/Attestations/GitHubActionsWorkflow@v1',
      sourceRepository: 'https://github.com/curl/curl-docker',
      sourceRef: 'master',
      sourceDigest: 'd6525c840a62b398424a78d792f457477135d0cf',
      workflow: 'build.yaml:maketgz',
      trigger: 'push',
      invocationId: 'inv-1',
      startedOn: '2020-08-19T08:38:00Z',
      finishedOn: undefined,
    });
  });

  it('is undefined for other predicate types and never throws on malformed predicates', () => {
    expect(slsaProvenanceOf(statement('https://spdx.dev/Document', {}))).toBeUndefined();
    expect(slsaProvenanceOf(null)).toBeUndefined();
    expect(slsaProvenanceOf('x')).toBeUndefined();
    // A predicate without the object its version requires is no provenance view, not an empty one
    // that would still claim a SLSA version.
    for (const predicate of [undefined, null, 7, [], {}, { buildDefinition: [1], runDetails: 'x' }]) {
      expect(slsaProvenanceOf(statement(SLSA_PROVENANCE_V1, predicate))).toBeUndefined();
    }
    for (const predicate of [undefined, 'x', [], { builder: 'x' }, { invocation: {} }]) {
      expect(slsaProvenanceOf(statement(SLSA_PROVENANCE_V02, predicate))).toBeUndefined();
    }
    expect(
      slsaProvenanceOf(statement(SLSA_PROVENANCE_V1, { buildDefinition: {}, runDetails: 'x' })),
    ).toMatchObject({ slsaVersion: 'v1', builderId: undefined, sourceRepository: undefined });
  });

  it('drops non-string and over-long fields rather than carrying them', () => {
    const view = slsaProvenanceOf(
      statement(SLSA_PROVENANCE_V1, {
        buildDefinition: { buildType: 5 },
        runDetails: { builder: { id: 'x'.repeat(MAX_PROVENANCE_FIELD_LENGTH + 1) } },
      }),
    );
    expect(view).toMatchObject({ buildType: undefined, builderId: undefined });
  });

  it('does not take user@host for a ref separator', () => {
    const view = slsaProvenanceOf(
      statement(SLSA_PROVENANCE_V02, {
        builder: {},
        invocation: { configSource: { uri: 'ssh://git@example.com/o/r' } },
      }),
    );
    expect(view).toMatchObject({ sourceRepository: 'ssh://git@example.com/o/r', sourceRef: undefined });
  });

  it("splits BuildKit's `<repo>#<ref>[:subdir]` Git contexts, without inventing a ref for a bare `#`", () => {
    const source = (uri: string) =>
      slsaProvenanceOf(
        statement(SLSA_PROVENANCE_V02, { builder: {}, invocation: { configSource: { uri } } }),
      );
    expect(source('https://github.com/o/r.git#main:docs')).toMatchObject({
      sourceRepository: 'https://github.com/o/r.git',
      sourceRef: 'main',
    });
    expect(source('https://github.com/o/r.git#')).toMatchObject({
      sourceRepository: 'https://github.com/o/r.git',
      sourceRef: undefined,
    });
  });

  it('takes no v1 source from dependencies that are not Git (images, tarballs)', () => {
    const view = slsaProvenanceOf(
      statement(SLSA_PROVENANCE_V1, {
        buildDefinition: {
          resolvedDependencies: [
            { uri: 'pkg:docker/alpine@3.17', digest: { sha256: 'ab'.repeat(32) } },
            { uri: 'https://example.com/x.tar.gz', digest: { sha1: 'cd'.repeat(20) } },
            { uri: 'git+https://github.com/o/r@refs/tags/v1', digest: { sha1: 'ef'.repeat(20) } },
          ],
        },
      }),
    );
    expect(view).toMatchObject({
      sourceRepository: 'https://github.com/o/r',
      sourceRef: 'refs/tags/v1',
      sourceDigest: 'ef'.repeat(20),
    });
  });
});
