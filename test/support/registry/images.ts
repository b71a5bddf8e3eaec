import { randomBytes } from 'node:crypto';
import { pushBlob, pushManifest, sha256Digest, type PushTarget } from './push.js';

/** Media types used by fixtures, spelled out here rather than imported from the code under test. */
export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  inToto: 'application/vnd.in-toto+json',
} as const;

export interface PlatformSpec {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** A built, not yet pushed, image: every byte the registry will hold for it. */
export interface BuiltImage {
  readonly platform: PlatformSpec;
  readonly config: Uint8Array;
  readonly layer: Uint8Array;
  readonly manifest: Uint8Array;
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface BuiltIndex {
  readonly manifest: Uint8Array;
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly images: readonly BuiltImage[];
  readonly extra: readonly BuiltImage[];
}

function bytes(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value, null, 2));
}

/** A small image for one platform; `format` chooses Docker v2 or OCI media types. */
export function buildImage(platform: PlatformSpec, format: 'docker' | 'oci' = 'oci'): BuiltImage {
  const layer = new Uint8Array(randomBytes(64)); // unique content per image, so digests never collide
  const config = bytes({
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
    rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] },
    config: {},
  });
  const docker = format === 'docker';
  const mediaType = docker ? MT.dockerManifest : MT.ociManifest;
  const manifest = bytes({
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: docker ? MT.dockerConfig : MT.ociConfig,
      digest: sha256Digest(config),
      size: config.length,
    },
    layers: [
      { mediaType: docker ? MT.dockerLayer : MT.ociLayer, digest: sha256Digest(layer), size: layer.length },
    ],
  });
  return {
    platform,
    config,
    layer,
    manifest,
    mediaType,
    digest: sha256Digest(manifest),
    size: manifest.length,
  };
}

/** One statement layer of a BuildKit attestation manifest. */
export interface BuildKitStatement {
  readonly predicateType: string;
  readonly bytes: Uint8Array;
}

/** BuildKit's default: SLSA v0.2 provenance in an in-toto v0.1 statement naming `subject`. */
export function buildKitProvenance(subject: BuiltImage): BuildKitStatement {
  const predicateType = 'https://slsa.dev/provenance/v0.2';
  return {
    predicateType,
    bytes: bytes({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType,
      subject: [
        {
          name: `pkg:docker/example/app@latest?platform=${subject.platform.os}%2F${subject.platform.architecture}`,
          digest: { sha256: subject.digest.slice('sha256:'.length) },
        },
      ],
      predicate: { builder: { id: '' }, buildType: 'https://mobyproject.org/buildkit@v1' },
    }),
  };
}

/**
 * A buildx-style attestation manifest for `subject`: platform `unknown/unknown` in the index, with the
 * `vnd.docker.reference.*` annotations buildkit writes, one `application/vnd.in-toto+json` layer per
 * statement (default: SLSA provenance).
 */
export function buildAttestation(
  subject: BuiltImage,
  statements: readonly BuildKitStatement[] = [buildKitProvenance(subject)],
): BuiltImage & { readonly statements: readonly BuildKitStatement[] } {
  const config = bytes({
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: statements.map((s) => sha256Digest(s.bytes)) },
  });
  const manifest = bytes({
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, digest: sha256Digest(config), size: config.length },
    layers: statements.map((s) => ({
      mediaType: MT.inToto,
      digest: sha256Digest(s.bytes),
      size: s.bytes.length,
      annotations: { 'in-toto.io/predicate-type': s.predicateType },
    })),
  });
  return {
    platform: { os: 'unknown', architecture: 'unknown' },
    config,
    layer: statements[0]?.bytes ?? new Uint8Array(),
    statements,
    manifest,
    mediaType: MT.ociManifest,
    digest: sha256Digest(manifest),
    size: manifest.length,
  };
}

/** A manifest list (docker) or image index (oci) over `images`, plus attestation entries when asked. */
export function buildIndex(
  images: readonly BuiltImage[],
  format: 'docker' | 'oci' = 'oci',
  options: {
    attestations?: boolean;
    /** Builds each image's attestation manifest (implies `attestations`). */
    attestation?: (subject: BuiltImage) => BuiltImage;
  } = {},
): BuiltIndex {
  const build = options.attestation ?? ((subject: BuiltImage) => buildAttestation(subject));
  const extra = options.attestations === true || options.attestation !== undefined ? images.map(build) : [];
  const mediaType = format === 'docker' ? MT.dockerList : MT.ociIndex;
  const manifests = [
    ...images.map((i) => ({ mediaType: i.mediaType, digest: i.digest, size: i.size, platform: i.platform })),
    ...extra.map((a, n) => ({
      mediaType: a.mediaType,
      digest: a.digest,
      size: a.size,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.type': 'attestation-manifest',
        'vnd.docker.reference.digest': images[n]!.digest,
      },
    })),
  ];
  const manifest = bytes({ schemaVersion: 2, mediaType, manifests });
  return { manifest, mediaType, digest: sha256Digest(manifest), size: manifest.length, images, extra };
}

export async function pushImage(
  target: PushTarget,
  repository: string,
  image: BuiltImage,
  tag?: string,
): Promise<string> {
  await pushBlob(target, repository, image.config);
  await pushBlob(target, repository, image.layer);
  return pushManifest(target, repository, tag ?? image.digest, image.manifest, image.mediaType);
}

/** Pushes every child, then the index under `tag` (or its digest). */
export async function pushIndex(
  target: PushTarget,
  repository: string,
  index: BuiltIndex,
  tag?: string,
): Promise<string> {
  for (const image of [...index.images, ...index.extra]) {
    await pushImage(target, repository, image);
    const statements = (image as { statements?: readonly BuildKitStatement[] }).statements ?? [];
    for (const s of statements.slice(1)) await pushBlob(target, repository, s.bytes);
  }
  return pushManifest(target, repository, tag ?? index.digest, index.manifest, index.mediaType);
}

export const FOUR_PLATFORMS: readonly PlatformSpec[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' },
  { os: 'linux', architecture: 'ppc64le' },
  { os: 'linux', architecture: 's390x' },
];
