import type { Descriptor } from './types.js';

/**
 * The manifest media types we understand, as one typed set (after go-containerregistry's `types`).
 * Docker schema1 is listed only so it can be recognised and refused by name: it carries no content
 * digests we could verify and was deprecated in 2015.
 */
export const MediaType = {
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

export type KnownMediaType = (typeof MediaType)[keyof typeof MediaType];

export type IndexMediaType = typeof MediaType.DockerManifestList | typeof MediaType.OciIndex;
export type ImageMediaType = typeof MediaType.DockerManifest | typeof MediaType.OciManifest;
export type ManifestMediaType = IndexMediaType | ImageMediaType;

/** Strips parameters (`; charset=utf-8`) and case so header values compare reliably. */
export function normalizeMediaType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const bare = value.split(';', 1)[0]?.trim().toLowerCase();
  return bare === '' ? undefined : bare;
}

export function isIndexMediaType(value: string | undefined): value is IndexMediaType {
  const mt = normalizeMediaType(value);
  return mt === MediaType.DockerManifestList || mt === MediaType.OciIndex;
}

export function isImageMediaType(value: string | undefined): value is ImageMediaType {
  const mt = normalizeMediaType(value);
  return mt === MediaType.DockerManifest || mt === MediaType.OciManifest;
}

export function isManifestMediaType(value: string | undefined): value is ManifestMediaType {
  return isIndexMediaType(value) || isImageMediaType(value);
}

export function isSchema1MediaType(value: string | undefined): boolean {
  const mt = normalizeMediaType(value);
  return mt === MediaType.DockerSchema1 || mt === MediaType.DockerSchema1Signed;
}

export function isOciMediaType(value: string | undefined): boolean {
  return normalizeMediaType(value)?.startsWith('application/vnd.oci.') ?? false;
}

/**
 * Content types that say nothing about which manifest this is. Some registries and proxies serve
 * manifests with these; the body's `mediaType` (or its shape) then has to decide.
 */
export function isGenericContentType(value: string | undefined): boolean {
  const mt = normalizeMediaType(value);
  return (
    mt === undefined || mt === 'application/json' || mt === 'application/octet-stream' || mt === 'text/plain'
  );
}

/** Which manifests a request is ready to receive; `any` is what a by-tag or by-digest fetch sends. */
export type ManifestAcceptance = 'any' | 'index' | 'image';

/**
 * The `Accept` header for a manifest GET. Without it many registries (Docker Hub among them) fall back
 * to converting to schema1 or answer with a single platform, so every supported type is named.
 */
export function manifestAcceptHeader(acceptance: ManifestAcceptance = 'any'): string {
  const index = [MediaType.OciIndex, MediaType.DockerManifestList];
  const image = [MediaType.OciManifest, MediaType.DockerManifest];
  switch (acceptance) {
    case 'any':
      return [...index, ...image].join(', ');
    case 'index':
      return index.join(', ');
    case 'image':
      return image.join(', ');
  }
}

/** The annotation buildkit writes on attestation entries of an index. */
export const DOCKER_REFERENCE_TYPE = 'vnd.docker.reference.type';
export const DOCKER_REFERENCE_DIGEST = 'vnd.docker.reference.digest';

/**
 * True for a buildx/buildkit attestation entry in an index: platform `unknown/unknown` plus the
 * `vnd.docker.reference.type: attestation-manifest` annotation. These are not runnable images and must
 * not be offered as platforms (nor looked up for signatures as if they were).
 */
export function isAttestationDescriptor(descriptor: Descriptor): boolean {
  const platform = descriptor.platform;
  return (
    platform !== undefined &&
    platform.os === 'unknown' &&
    platform.architecture === 'unknown' &&
    descriptor.annotations?.[DOCKER_REFERENCE_TYPE] === 'attestation-manifest'
  );
}
