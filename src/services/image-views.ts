import { UnreachableCaseError } from '../errors/index.js';
import type { Descriptor, FetchedManifest, Platform, RepositoryRef } from '../registry/types.js';

/**
 * What the image service hands to the GraphQL and REST edges: plain data, no GraphQL types, so
 * both edges render the same facts.
 */

/** A manifest list / image index, with its entries in the order the registry listed them. */
export interface ManifestListView {
  readonly repo: RepositoryRef;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly entries: readonly PlatformManifestView[];
}

/**
 * One platform's manifest: either an entry of an index (known from its descriptor, not fetched) or
 * the top-level manifest of a single-platform image (fetched, its platform in the config blob).
 */
export type PlatformManifestView = IndexEntryView | TopLevelManifestView;

export interface IndexEntryView {
  readonly kind: 'index-entry';
  readonly repo: RepositoryRef;
  readonly descriptor: Descriptor;
  /** The index this entry was listed in (fetched and digest-checked): what VERIFIED_VIA_INDEX rests on. */
  readonly index: FetchedManifest;
  /** A buildx attestation manifest (`unknown/unknown` plus `vnd.docker.reference.type`), not a runnable image. */
  readonly isAttestation: boolean;
  /** For attestations: the digest of the image they describe (`vnd.docker.reference.digest`). */
  readonly attestationFor: string | undefined;
}

export interface TopLevelManifestView {
  readonly kind: 'top-level';
  readonly repo: RepositoryRef;
  readonly fetched: FetchedManifest;
}

/** The digest, media type, size and annotations every view has, wherever they came from. */
export function describeView(view: PlatformManifestView): {
  digest: string;
  mediaType: string;
  size: number;
  annotations: Readonly<Record<string, string>>;
  artifactType: string | undefined;
} {
  switch (view.kind) {
    case 'index-entry':
      return {
        digest: view.descriptor.digest,
        mediaType: view.descriptor.mediaType,
        size: view.descriptor.size,
        annotations: view.descriptor.annotations ?? {},
        artifactType: view.descriptor.artifactType,
      };
    case 'top-level':
      return {
        digest: view.fetched.digest,
        mediaType: view.fetched.mediaType,
        size: view.fetched.size,
        annotations: view.fetched.manifest.annotations ?? {},
        artifactType: view.fetched.manifest.artifactType,
      };
    default:
      throw new UnreachableCaseError(view);
  }
}

/** The platform written in the index entry, when there is one (no I/O). */
export function indexedPlatform(view: PlatformManifestView): Platform | undefined {
  return view.kind === 'index-entry' ? view.descriptor.platform : undefined;
}
