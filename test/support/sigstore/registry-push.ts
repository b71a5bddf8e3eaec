import { MT, pushBlob, pushManifest, sha256Digest, type PushTarget } from '../registry/index.js';
import { BUNDLE_V03_MEDIA_TYPE, COSIGN_SIGN_PREDICATE_TYPE, type BundleSignatureArtifact } from './bundle.js';
import type { LegacyAttestationArtifact } from './attestation.js';
import { SIMPLE_SIGNING_MEDIA_TYPE, type LegacySignatureArtifact } from './legacy.js';

/**
 * Puts signatures into a real registry in the layouts cosign produces, through the plain push
 * client of `test/support/registry` (never through `src/`).
 *
 * Legacy: an OCI manifest tagged `sha256-<hex>.sig`, one simple-signing layer per signature with
 * cosign's annotations, and a go-containerregistry style config listing the layers as diff_ids.
 * Bundle: an OCI 1.1 artifact manifest with `subject`, pushed by digest, plus — because Debian's
 * registry 2.8 has no referrers API — the referrers tag schema: an OCI index tagged `sha256-<hex>`
 * listing every referrer, updated read-modify-write as cosign (go-containerregistry) and oras do.
 */
export interface SubjectDescriptor {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

export interface PushedManifest {
  readonly digest: string;
  readonly tag: string | undefined;
  readonly bytes: Buffer;
}

/** `sha256:abc…` → `sha256-abc…`: the legacy and referrers-fallback tag stem. */
export function digestTag(digest: string): string {
  return digest.replace(':', '-');
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

interface LayerDescriptor {
  readonly mediaType: string;
  readonly size: number;
  readonly digest: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** go-containerregistry's config for an image assembled by mutate.Append from empty.Image. */
function signaturesConfig(layers: readonly LayerDescriptor[]): Buffer {
  return json({
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  });
}

async function pushSignaturesManifest(
  target: PushTarget,
  repository: string,
  imageDigest: string,
  layers: readonly LayerDescriptor[],
  suffix: '.sig' | '.att' = '.sig',
): Promise<PushedManifest> {
  const config = signaturesConfig(layers);
  await pushBlob(target, repository, config);
  const bytes = json({
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, size: config.length, digest: sha256Digest(config) },
    layers,
  });
  const tag = `${digestTag(imageDigest)}${suffix}`;
  const digest = await pushManifest(target, repository, tag, bytes, MT.ociManifest);
  return { digest, tag, bytes };
}

/** Pushes `sha256-<hex>.sig` holding `artifacts` (replacing whatever the tag held, as cosign re-writes it). */
export async function pushLegacySignatures(
  target: PushTarget,
  repository: string,
  imageDigest: string,
  artifacts: readonly LegacySignatureArtifact[],
): Promise<PushedManifest> {
  const layers: LayerDescriptor[] = [];
  for (const artifact of artifacts) {
    const digest = await pushBlob(target, repository, artifact.payload);
    layers.push({
      mediaType: artifact.mediaType,
      size: artifact.payload.length,
      digest,
      annotations: artifact.annotations,
    });
  }
  return pushSignaturesManifest(target, repository, imageDigest, layers);
}

/** Pushes `sha256-<hex>.att` holding legacy attestation layers, as `cosign attest` (before v3) does. */
export async function pushLegacyAttestations(
  target: PushTarget,
  repository: string,
  imageDigest: string,
  artifacts: readonly LegacyAttestationArtifact[],
): Promise<PushedManifest> {
  const layers: LayerDescriptor[] = [];
  for (const artifact of artifacts) {
    const digest = await pushBlob(target, repository, artifact.payload);
    layers.push({
      mediaType: artifact.mediaType,
      size: artifact.payload.length,
      digest,
      annotations: artifact.annotations,
    });
  }
  return pushSignaturesManifest(target, repository, imageDigest, layers, '.att');
}

/**
 * A hostile `.sig` manifest: `layers` simple-signing layers all pointing at one blob of
 * `payloadBytes` bytes (default: a tiny JSON object). For layer-count and payload-size caps; the
 * layers carry a syntactically valid but meaningless signature annotation.
 */
export async function pushHostileLegacySignatures(
  target: PushTarget,
  repository: string,
  imageDigest: string,
  options: { readonly layers: number; readonly payloadBytes?: number },
): Promise<PushedManifest> {
  const payload =
    options.payloadBytes === undefined
      ? json({ critical: { image: { 'docker-manifest-digest': imageDigest } } })
      : Buffer.alloc(options.payloadBytes, 0x20);
  const digest = await pushBlob(target, repository, payload);
  const layer: LayerDescriptor = {
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    size: payload.length,
    digest,
    annotations: { 'dev.cosignproject.cosign/signature': Buffer.alloc(64, 1).toString('base64') },
  };
  return pushSignaturesManifest(
    target,
    repository,
    imageDigest,
    Array.from({ length: options.layers }, () => layer),
  );
}

export interface ReferrerOptions {
  readonly artifactType: string;
  readonly layers: readonly { readonly mediaType: string; readonly bytes: Uint8Array }[];
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * How the referrers-fallback index describes the new manifest. 'spec' (default): artifactType and
   * annotations copied from the manifest, as the distribution spec and oras do. 'ggcr': what cosign
   * actually writes through go-containerregistry — artifactType = the *config* media type
   * (`application/vnd.oci.empty.v1+json`) and no annotations — so discovery must not trust it.
   */
  readonly fallback?: 'spec' | 'ggcr' | 'none';
}

export interface PushedReferrer extends PushedManifest {
  /** The referrers-fallback index after the update (undefined with fallback 'none'). */
  readonly fallbackIndex: Buffer | undefined;
}

/** Any OCI 1.1 referrer to `subject` (cosign's layout: empty `{}` config carrying the artifactType). */
export async function pushReferrer(
  target: PushTarget,
  repository: string,
  subject: SubjectDescriptor,
  options: ReferrerOptions,
): Promise<PushedReferrer> {
  const config = Buffer.from('{}');
  await pushBlob(target, repository, config);
  const layers: LayerDescriptor[] = [];
  for (const layer of options.layers) {
    const digest = await pushBlob(target, repository, layer.bytes);
    layers.push({ mediaType: layer.mediaType, size: layer.bytes.length, digest });
  }
  // Field order of cosign's referrerManifest (go-containerregistry v1.Manifest + artifactType).
  const bytes = json({
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: {
      mediaType: MT.ociEmpty,
      size: config.length,
      digest: sha256Digest(config),
      artifactType: options.artifactType,
    },
    layers,
    ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    subject: { mediaType: subject.mediaType, size: subject.size, digest: subject.digest },
    artifactType: options.artifactType,
  });
  const digest = await pushManifest(target, repository, sha256Digest(bytes), bytes, MT.ociManifest);
  const mode = options.fallback ?? 'spec';
  if (mode === 'none') return { digest, tag: undefined, bytes, fallbackIndex: undefined };
  const descriptor =
    mode === 'spec'
      ? {
          mediaType: MT.ociManifest,
          size: bytes.length,
          digest,
          ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
          artifactType: options.artifactType,
        }
      : { mediaType: MT.ociManifest, size: bytes.length, digest, artifactType: MT.ociEmpty };
  const fallbackIndex = await addToFallbackIndex(target, repository, subject.digest, descriptor);
  return { digest, tag: undefined, bytes, fallbackIndex };
}

/** Read-modify-write of the `sha256-<hex>` referrers index; sorted by digest as go-containerregistry does. */
async function addToFallbackIndex(
  target: PushTarget,
  repository: string,
  subjectDigest: string,
  descriptor: { readonly digest: string },
): Promise<Buffer> {
  const tag = digestTag(subjectDigest);
  const headers: Record<string, string> = { accept: MT.ociIndex };
  if (target.authorization !== undefined) headers.authorization = target.authorization;
  const res = await fetch(`${target.url}/v2/${repository}/manifests/${tag}`, { headers });
  let manifests: { digest: string }[] = [];
  if (res.status === 200) {
    manifests = (JSON.parse(await res.text()) as { manifests: { digest: string }[] }).manifests;
  } else if (res.status !== 404) {
    throw new Error(`reading referrers fallback ${tag}: HTTP ${res.status}`);
  } else {
    await res.body?.cancel();
  }
  if (!manifests.some((m) => m.digest === descriptor.digest)) manifests.push(descriptor);
  manifests.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  const index = json({ schemaVersion: 2, mediaType: MT.ociIndex, manifests });
  await pushManifest(target, repository, tag, index, MT.ociIndex);
  return index;
}

/** Attaches a cosign v3 signature bundle to `subject`, exactly as `cosign sign` (v3) does. */
export async function pushBundleReferrer(
  target: PushTarget,
  repository: string,
  subject: SubjectDescriptor,
  bundle: BundleSignatureArtifact,
  options: { readonly fallback?: ReferrerOptions['fallback']; readonly created?: Date } = {},
): Promise<PushedReferrer> {
  return pushReferrer(target, repository, subject, {
    artifactType: BUNDLE_V03_MEDIA_TYPE,
    layers: [{ mediaType: BUNDLE_V03_MEDIA_TYPE, bytes: bundle.bytes }],
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': predicateTypeOf(bundle) ?? COSIGN_SIGN_PREDICATE_TYPE,
      'org.opencontainers.image.created': (options.created ?? new Date())
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    },
    ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
  });
}

function predicateTypeOf(bundle: BundleSignatureArtifact): string | undefined {
  const statement = JSON.parse(bundle.statement.toString()) as { predicateType?: unknown };
  return typeof statement.predicateType === 'string' ? statement.predicateType : undefined;
}
