import DataLoader from 'dataloader';
import { UnreachableCaseError } from '../errors/index.js';
import { parsePlatform, parseReference, platformMatches, type ImageReference } from '../reference/index.js';
import { DOCKER_REFERENCE_DIGEST, isAttestationDescriptor } from '../registry/index.js';
import type { FetchedManifest, Platform, RegistryClient, RepositoryRef } from '../registry/types.js';
import { IMAGE_CONFIG_MEDIA_TYPES, platformFromConfig } from './config-platform.js';
import type { ManifestListView, PlatformManifestView } from './image-views.js';
import { createManifestLoader, type ManifestLoader } from './manifest-loader.js';
import { checkReferenceCount } from './request-limits.js';

export interface ImageServiceOptions {
  readonly registry: RegistryClient;
  /** Cap for an image config blob, read only to learn a single-platform image's platform. */
  readonly maxConfigBytes: number;
  /** Aborts outstanding registry requests when the caller goes away. */
  readonly signal?: AbortSignal;
}

interface ConfigKey {
  readonly repo: RepositoryRef;
  readonly digest: string;
}

/**
 * Images as the edges see them. One instance per incoming request: its loaders deduplicate registry
 * fetches within the request and are dropped with it. Every method is lazy: parsing a reference costs
 * nothing, and the top-level manifest is fetched once, on first need, by whichever field asks first.
 */
export class ImageService {
  private readonly manifests: ManifestLoader;
  private readonly configPlatforms: DataLoader<ConfigKey, Platform | undefined, string>;

  constructor(private readonly options: ImageServiceOptions) {
    // What the request may fetch in all is charged below, in the registry transport (RequestBudget).
    this.manifests = createManifestLoader(options.registry, { signal: options.signal });
    this.configPlatforms = new DataLoader(
      async (keys) =>
        Promise.all(keys.map(async (key) => this.readConfigPlatform(key).catch((e: Error) => e))),
      { cacheKeyFn: (key) => JSON.stringify([key.repo.registry, key.repo.repository, key.digest]) },
    );
  }

  /** Parses without any I/O; throws `INVALID_REFERENCE`. */
  parseReference(input: string): ImageReference {
    return parseReference(input);
  }

  /** Parses every reference before any I/O, refusing more than `MAX_REFERENCES_PER_REQUEST`. */
  parseReferences(inputs: readonly string[]): ImageReference[] {
    checkReferenceCount(inputs.length);
    return inputs.map((input) => parseReference(input));
  }

  /** The manifest the reference names (one GET per request, shared by every field that needs it). */
  async manifestOf(ref: ImageReference): Promise<FetchedManifest> {
    return this.manifests.load({ repo: ref.repositoryRef, reference: ref.identifier });
  }

  /** The manifest list / index, or null when the reference names a single-platform manifest. */
  async manifestListOf(ref: ImageReference): Promise<ManifestListView | null> {
    const fetched = await this.manifestOf(ref);
    if (fetched.manifest.kind !== 'index') return null;
    const repo = ref.repositoryRef;
    return {
      repo,
      digest: fetched.digest,
      mediaType: fetched.mediaType,
      size: fetched.size,
      annotations: fetched.manifest.annotations ?? {},
      entries: fetched.manifest.manifests.map((descriptor) => {
        const isAttestation = isAttestationDescriptor(descriptor);
        return {
          kind: 'index-entry',
          repo,
          descriptor,
          index: fetched,
          isAttestation,
          attestationFor: isAttestation ? descriptor.annotations?.[DOCKER_REFERENCE_DIGEST] : undefined,
        };
      }),
    };
  }

  /** The manifest itself when the reference names a single-platform manifest, else null. */
  async singleManifestOf(ref: ImageReference): Promise<PlatformManifestView | null> {
    const fetched = await this.manifestOf(ref);
    if (fetched.manifest.kind !== 'image') return null;
    return { kind: 'top-level', repo: ref.repositoryRef, fetched };
  }

  /**
   * The manifest for `platform` (`linux/arm64`, `linux/arm/v7`): the first matching non-attestation
   * entry of an index, or the single manifest itself when its config says it is that platform.
   * The platform is parsed before any fetch, so a malformed one costs no registry request.
   */
  async manifestForPlatform(ref: ImageReference, platform: string): Promise<PlatformManifestView | null> {
    const wanted = parsePlatform(platform);
    const list = await this.manifestListOf(ref);
    if (list !== null) {
      return (
        list.entries.find(
          (entry) =>
            entry.kind === 'index-entry' &&
            !entry.isAttestation &&
            platformMatches(wanted, entry.descriptor.platform),
        ) ?? null
      );
    }
    const single = await this.singleManifestOf(ref);
    if (single === null) return null;
    return platformMatches(wanted, await this.platformOf(single)) ? single : null;
  }

  /**
   * A manifest's platform: from its index entry when it has one (no I/O), else, for a top-level image
   * manifest, from its config blob (one capped, digest-checked blob GET, deduplicated per request).
   */
  async platformOf(view: PlatformManifestView): Promise<Platform | undefined> {
    switch (view.kind) {
      case 'index-entry':
        return view.descriptor.platform;
      case 'top-level': {
        const manifest = view.fetched.manifest;
        if (manifest.kind !== 'image' || !IMAGE_CONFIG_MEDIA_TYPES.has(manifest.config.mediaType))
          return undefined;
        return this.configPlatforms.load({ repo: view.repo, digest: manifest.config.digest });
      }
      default:
        throw new UnreachableCaseError(view);
    }
  }

  private async readConfigPlatform(key: ConfigKey): Promise<Platform | undefined> {
    const bytes = await this.options.registry.fetchBlob(key.repo, key.digest, {
      maxBytes: this.options.maxConfigBytes,
      signal: this.options.signal,
    });
    return platformFromConfig(bytes);
  }
}
