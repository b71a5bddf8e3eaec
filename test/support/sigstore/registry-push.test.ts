import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  MT,
  pushImage,
  sha256Digest,
  startTestRegistry,
  type TestRegistry,
} from '../registry/index.js';
import {
  BUNDLE_V03_MEDIA_TYPE,
  createTestSigstore,
  LEGACY_ANNOTATION,
  pushBundleReferrer,
  pushHostileLegacySignatures,
  pushLegacySignatures,
  pushReferrer,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type IssuedCertificate,
  type TestSigstore,
} from './index.js';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}
interface Manifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

describe('pushing signatures into a real registry', () => {
  let registry: TestRegistry;
  let sigstore: TestSigstore;
  let identity: IssuedCertificate;
  beforeAll(async () => {
    registry = await startTestRegistry();
    sigstore = createTestSigstore();
    identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
  });
  afterAll(async () => registry?.stop());

  async function get(path: string, accept: string): Promise<{ status: number; bytes: Buffer }> {
    const res = await fetch(`${registry.url}/v2/${path}`, { headers: { accept } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  describe('legacy signatures', () => {
    it('land under the sha256-<hex>.sig tag, one annotated simple-signing layer each', async () => {
      const image = buildImage({ os: 'linux', architecture: 'amd64' });
      await pushImage({ url: registry.url }, 'team/legacy', image);
      const reference = `${registry.host}/team/legacy`;
      const first = sigstore.signLegacy({ imageDigest: image.digest, dockerReference: reference, identity });
      const second = sigstore.signLegacy({ imageDigest: image.digest, dockerReference: reference, identity });
      const pushed = await pushLegacySignatures({ url: registry.url }, 'team/legacy', image.digest, [
        first,
        second,
      ]);

      const tag = `sha256-${image.digest.slice('sha256:'.length)}.sig`;
      expect(pushed.tag).toBe(tag);
      const res = await get(`team/legacy/manifests/${tag}`, MT.ociManifest);
      expect(res.status).toBe(200);
      expect(sha256Digest(res.bytes)).toBe(pushed.digest);
      const manifest = JSON.parse(res.bytes.toString()) as Manifest;
      expect(manifest.mediaType).toBe(MT.ociManifest);
      expect(manifest.config.mediaType).toBe(MT.ociConfig);
      expect(manifest.layers.map((l) => l.mediaType)).toEqual([
        SIMPLE_SIGNING_MEDIA_TYPE,
        SIMPLE_SIGNING_MEDIA_TYPE,
      ]);
      expect(manifest.layers[0]!.annotations).toEqual(first.annotations);
      expect(manifest.layers[1]!.annotations?.[LEGACY_ANNOTATION.signature]).toBe(
        second.signature.toString('base64'),
      );

      const blob = await get(`team/legacy/blobs/${manifest.layers[0]!.digest}`, '*/*');
      expect(blob.bytes.equals(first.payload)).toBe(true);
    });

    it('can be a hostile manifest with more layers than any cap allows', async () => {
      const image = buildImage({ os: 'linux', architecture: 'arm64' });
      await pushImage({ url: registry.url }, 'team/hostile', image);
      const pushed = await pushHostileLegacySignatures({ url: registry.url }, 'team/hostile', image.digest, {
        layers: 1001,
      });
      const res = await get(`team/hostile/manifests/${pushed.tag ?? ''}`, MT.ociManifest);
      expect((JSON.parse(res.bytes.toString()) as Manifest).layers).toHaveLength(1001);
    });

    it('can carry a payload larger than any sane cap', async () => {
      const image = buildImage({ os: 'linux', architecture: 'ppc64le' });
      await pushImage({ url: registry.url }, 'team/oversized', image);
      const pushed = await pushHostileLegacySignatures(
        { url: registry.url },
        'team/oversized',
        image.digest,
        {
          layers: 1,
          payloadBytes: 5 * 1024 * 1024,
        },
      );
      const manifest = JSON.parse(pushed.bytes.toString()) as Manifest;
      expect(manifest.layers[0]?.size).toBe(5 * 1024 * 1024);
      const head = await fetch(
        `${registry.url}/v2/team/oversized/blobs/${manifest.layers[0]?.digest ?? ''}`,
        {
          method: 'HEAD',
        },
      );
      expect(head.headers.get('content-length')).toBe(String(5 * 1024 * 1024));
    });
  });

  describe('bundle referrers on a registry without the referrers API', () => {
    it('push the artifact manifest by digest and list every referrer in the sha256-<hex> index', async () => {
      const image = buildImage({ os: 'linux', architecture: 'amd64' });
      await pushImage({ url: registry.url }, 'team/bundle', image);
      const first = sigstore.signBundle({ imageDigest: image.digest, identity });
      const second = sigstore.signBundle({ imageDigest: image.digest, identity });
      const a = await pushBundleReferrer({ url: registry.url }, 'team/bundle', image, first);
      const b = await pushBundleReferrer({ url: registry.url }, 'team/bundle', image, second);
      const sbom = await pushReferrer({ url: registry.url }, 'team/bundle', image, {
        artifactType: 'application/spdx+json',
        layers: [{ mediaType: 'application/spdx+json', bytes: Buffer.from('{}') }],
      });

      // The registry really has no referrers API: the fallback tag is the only listing.
      expect((await get(`team/bundle/referrers/${image.digest}`, MT.ociIndex)).status).toBe(404);
      const fallback = await get(`team/bundle/manifests/sha256-${image.digest.slice(7)}`, MT.ociIndex);
      expect(fallback.status).toBe(200);
      const index = JSON.parse(fallback.bytes.toString()) as { mediaType: string; manifests: Descriptor[] };
      expect(index.mediaType).toBe(MT.ociIndex);
      expect(index.manifests.map((m) => m.digest).sort()).toEqual([a.digest, b.digest, sbom.digest].sort());
      const entry = index.manifests.find((m) => m.digest === a.digest);
      expect(entry?.artifactType).toBe(BUNDLE_V03_MEDIA_TYPE);
      expect(entry?.annotations?.['dev.sigstore.bundle.predicateType']).toBe(
        'https://sigstore.dev/cosign/sign/v1',
      );

      const referrer = JSON.parse(
        (await get(`team/bundle/manifests/${a.digest}`, MT.ociManifest)).bytes.toString(),
      ) as Manifest;
      expect(referrer.artifactType).toBe(BUNDLE_V03_MEDIA_TYPE);
      expect(referrer.config.mediaType).toBe(MT.ociEmpty);
      expect(referrer.subject).toEqual({
        mediaType: image.mediaType,
        size: image.size,
        digest: image.digest,
      });
      expect(referrer.layers).toHaveLength(1);

      // What the registry serves back is still a bundle @sigstore/verify accepts.
      const layer = await get(`team/bundle/blobs/${referrer.layers[0]!.digest}`, '*/*');
      const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)));
      expect(() =>
        verifier.verify(toSignedEntity(bundleFromJSON(JSON.parse(layer.bytes.toString())))),
      ).not.toThrow();
    });

    it('can describe referrers the way go-containerregistry does (config media type, no annotations)', async () => {
      const image = buildImage({ os: 'linux', architecture: 's390x' });
      await pushImage({ url: registry.url }, 'team/ggcr', image);
      const pushed = await pushBundleReferrer(
        { url: registry.url },
        'team/ggcr',
        image,
        sigstore.signBundle({ imageDigest: image.digest, identity }),
        { fallback: 'ggcr' },
      );
      const index = JSON.parse(pushed.fallbackIndex?.toString() ?? '{}') as { manifests: Descriptor[] };
      expect(index.manifests).toEqual([
        {
          mediaType: MT.ociManifest,
          size: pushed.bytes.length,
          digest: pushed.digest,
          artifactType: MT.ociEmpty,
        },
      ]);
    });
  });
});
