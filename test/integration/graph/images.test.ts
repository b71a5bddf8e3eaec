import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  MT,
  pushImage,
  pushIndex,
  startTestRegistry,
  type BuiltIndex,
  type BuiltImage,
  type TestRegistry,
} from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';

const ENTRY_FIELDS =
  'digest mediaType size isAttestation attestationFor platform { os architecture variant }';

describe('the image graph, against a real registry', () => {
  let registry: TestRegistry;
  let service: TestService;
  let dockerList: BuiltIndex;
  let ociIndex: BuiltIndex;
  let single: BuiltImage;

  beforeAll(async () => {
    registry = await startTestRegistry();
    service = await startTestService({ insecureRegistries: [registry.host] });
    const target = { url: registry.url };
    dockerList = buildIndex(
      FOUR_PLATFORMS.map((p) => buildImage(p, 'docker')),
      'docker',
    );
    await pushIndex(target, 'graph/multi', dockerList, 'v1');
    ociIndex = buildIndex(
      [
        buildImage({ os: 'linux', architecture: 'amd64' }),
        buildImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }),
      ],
      'oci',
      { attestations: true },
    );
    await pushIndex(target, 'graph/buildx', ociIndex, 'latest');
    single = buildImage({ os: 'linux', architecture: 'arm', variant: 'v7' });
    await pushImage(target, 'graph/single', single, '1.0');
  });
  afterAll(async () => {
    await service?.stop();
    await registry?.stop();
  });

  describe('when the reference is a Docker manifest list with four platforms', () => {
    it('lists every platform manifest with its digest and platform, and no single manifest', async () => {
      const { status, data, errors } = await service.graphql<{ image: Record<string, unknown> }>(
        `query($ref: String!) { image(ref: $ref) {
            ref registry repository tag digest mediaType
            manifest { digest }
            manifestList { digest mediaType size manifests { ${ENTRY_FIELDS} } }
        } }`,
        { ref: `${registry.host}/graph/multi:v1` },
      );
      expect(errors).toBeUndefined();
      expect(status).toBe(200);
      expect(data?.image).toEqual({
        ref: `${registry.host}/graph/multi:v1`,
        registry: registry.host,
        repository: 'graph/multi',
        tag: 'v1',
        digest: dockerList.digest,
        mediaType: MT.dockerList,
        manifest: null,
        manifestList: {
          digest: dockerList.digest,
          mediaType: MT.dockerList,
          size: dockerList.size,
          manifests: dockerList.images.map((image) => ({
            digest: image.digest,
            mediaType: MT.dockerManifest,
            size: image.size,
            isAttestation: false,
            attestationFor: null,
            platform: { os: image.platform.os, architecture: image.platform.architecture, variant: null },
          })),
        },
      });
    });

    it('picks linux/arm64 (with or without v8) and answers null for a platform it does not have', async () => {
      const { data, errors } = await service.graphql<{ image: Record<string, { digest: string } | null> }>(
        `query($ref: String!) { image(ref: $ref) {
            arm64: platform(platform: "linux/arm64") { digest }
            arm64v8: platform(platform: "linux/arm64/v8") { digest }
            s390x: platform(platform: "linux/s390x") { digest }
            riscv: platform(platform: "linux/riscv64") { digest }
        } }`,
        { ref: `${registry.host}/graph/multi:v1` },
      );
      expect(errors).toBeUndefined();
      const byArch = (arch: string) =>
        dockerList.images.find((i) => i.platform.architecture === arch)!.digest;
      expect(data?.image).toEqual({
        arm64: { digest: byArch('arm64') },
        arm64v8: { digest: byArch('arm64') },
        s390x: { digest: byArch('s390x') },
        riscv: null,
      });
    });
  });

  describe('when the reference is an OCI index built by buildx with attestations', () => {
    it('marks the attestation entries and names the image each one describes', async () => {
      const { data, errors } = await service.graphql<{
        image: {
          manifestList: {
            manifests: { digest: string; isAttestation: boolean; attestationFor: string | null }[];
          };
        };
      }>(
        `{ image(ref: "${registry.host}/graph/buildx") { manifestList { manifests { digest isAttestation attestationFor } } } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.image.manifestList.manifests).toEqual([
        ...ociIndex.images.map((i) => ({ digest: i.digest, isAttestation: false, attestationFor: null })),
        ...ociIndex.extra.map((a, n) => ({
          digest: a.digest,
          isAttestation: true,
          attestationFor: ociIndex.images[n]!.digest,
        })),
      ]);
    });

    it('never matches an attestation entry by platform, even for unknown/unknown', async () => {
      const { data, errors } = await service.graphql<{ image: Record<string, { digest: string } | null> }>(
        `{ image(ref: "${registry.host}/graph/buildx:latest") {
            arm64: platform(platform: "linux/arm64") { digest isAttestation }
            unknown: platform(platform: "unknown/unknown") { digest }
        } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.image).toEqual({
        arm64: { digest: ociIndex.images[1]!.digest, isAttestation: false },
        unknown: null,
      });
    });
  });

  describe('when the reference is a single-platform image', () => {
    it('has no manifest list, and its manifest carries the platform read from the config blob', async () => {
      const { data, errors } = await service.graphql<{ image: Record<string, unknown> }>(
        `{ image(ref: "${registry.host}/graph/single:1.0") {
            digest mediaType manifestList { digest }
            manifest { digest mediaType size isAttestation platform { os architecture variant } }
            armv7: platform(platform: "linux/arm/v7") { digest }
            amd64: platform(platform: "linux/amd64") { digest }
        } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.image).toEqual({
        digest: single.digest,
        mediaType: MT.ociManifest,
        manifestList: null,
        manifest: {
          digest: single.digest,
          mediaType: MT.ociManifest,
          size: single.size,
          isAttestation: false,
          platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
        },
        armv7: { digest: single.digest },
        amd64: null,
      });
    });
  });

  describe('when the reference pins a digest', () => {
    it('resolves it without a tag and reports the same digest', async () => {
      const arm64 = dockerList.images[1]!;
      const { data, errors } = await service.graphql<{ image: Record<string, unknown> }>(
        `{ image(ref: "${registry.host}/graph/multi@${arm64.digest}") { ref tag digest mediaType manifestList { digest } manifest { digest } } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.image).toEqual({
        ref: `${registry.host}/graph/multi@${arm64.digest}`,
        tag: null,
        digest: arm64.digest,
        mediaType: MT.dockerManifest,
        manifestList: null,
        manifest: { digest: arm64.digest },
      });
    });
    it('uses the digest, not the tag, when a reference carries both', async () => {
      const amd64 = dockerList.images[0]!;
      // The tag v1 names the list; the digest names one platform manifest: the digest wins, as in Docker.
      const { data, errors } = await service.graphql<{ image: Record<string, unknown> }>(
        `{ image(ref: "${registry.host}/graph/multi:v1@${amd64.digest}") { ref tag digest manifestList { digest } } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.image).toEqual({
        ref: `${registry.host}/graph/multi:v1@${amd64.digest}`,
        tag: 'v1',
        digest: amd64.digest,
        manifestList: null,
      });
    });
  });

  describe('when the tag does not exist', () => {
    it('reports MANIFEST_UNKNOWN on the field that needed the manifest', async () => {
      const { status, data, errors } = await service.graphql(
        `{ image(ref: "${registry.host}/graph/multi:nope") { ref digest } }`,
      );
      expect(status).toBe(200);
      expect(data).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors?.[0]?.extensions?.code).toBe('MANIFEST_UNKNOWN');
      expect(errors?.[0]?.path).toEqual(['image', 'digest']);
      expect(JSON.stringify(errors)).not.toMatch(/stack|at .*\.ts/);
    });
  });

  describe('when the reference is invalid', () => {
    it('reports INVALID_REFERENCE naming the problem and the input, before any fetch', async () => {
      const { data, errors } = await service.graphql(
        `{ image(ref: "${registry.host}/Graph/Multi:v1") { digest } }`,
      );
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions?.code).toBe('INVALID_REFERENCE');
      expect(errors?.[0]?.message).toBe(
        `repository name must be lowercase: "${registry.host}/Graph/Multi:v1"`,
      );
      expect(errors?.[0]?.path).toEqual(['image']);
    });

    it('reports INVALID_REFERENCE for a malformed platform argument', async () => {
      const { errors } = await service.graphql(
        `{ image(ref: "${registry.host}/graph/multi:v1") { platform(platform: "linux") { digest } } }`,
      );
      expect(errors?.[0]?.extensions?.code).toBe('INVALID_REFERENCE');
      expect(errors?.[0]?.message).toContain('platform must be os/architecture');
    });
  });

  describe('when several references are asked for at once', () => {
    it('answers each, in order, normalising each reference', async () => {
      const { data, errors } = await service.graphql<{
        images: { ref: string; digest: string; manifestList: { digest: string } | null }[];
      }>(`query($refs: [String!]!) { images(refs: $refs) { ref digest manifestList { digest } } }`, {
        refs: [
          `${registry.host}/graph/single:1.0`,
          `${registry.host}/graph/multi:v1`,
          `${registry.host}/graph/buildx`,
        ],
      });
      expect(errors).toBeUndefined();
      expect(data?.images).toEqual([
        { ref: `${registry.host}/graph/single:1.0`, digest: single.digest, manifestList: null },
        {
          ref: `${registry.host}/graph/multi:v1`,
          digest: dockerList.digest,
          manifestList: { digest: dockerList.digest },
        },
        {
          ref: `${registry.host}/graph/buildx:latest`,
          digest: ociIndex.digest,
          manifestList: { digest: ociIndex.digest },
        },
      ]);
    });

    it('refuses the whole list when one reference is invalid', async () => {
      const { data, errors } = await service.graphql(
        `{ images(refs: ["${registry.host}/graph/single:1.0", "UPPER"]) { digest } }`,
      );
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions?.code).toBe('INVALID_REFERENCE');
    });

    it('refuses more than 100 references with TOO_MANY_REFERENCES', async () => {
      const refs = Array.from({ length: 101 }, (_, n) => `${registry.host}/graph/r${n}`);
      const { errors } = await service.graphql(`query($refs: [String!]!) { images(refs: $refs) { ref } }`, {
        refs,
      });
      expect(errors?.[0]?.extensions?.code).toBe('TOO_MANY_REFERENCES');
    });
  });
});
