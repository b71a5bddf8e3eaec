/**
 * The contract of the OCI distribution client. Everything above `src/registry` (discovery, GraphQL,
 * REST) depends on these types only, never on the transport.
 */

/** Where a repository lives: `registry` is the normalised host (`index.docker.io`, `127.0.0.1:5000`). */
export interface RepositoryRef {
  readonly registry: string;
  readonly repository: string;
}

/** The `platform` object of an index entry, as the OCI image-index spec names its fields. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

/** An OCI content descriptor (also used for Docker v2 list/manifest entries). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  readonly urls?: readonly string[];
}

/** A parsed, validated manifest: an index/list, or a single image/artifact manifest. */
export type Manifest = IndexManifest | ImageManifest;

export interface IndexManifest {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly subject?: Descriptor;
  readonly artifactType?: string;
}

export interface ImageManifest {
  readonly kind: 'image';
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly subject?: Descriptor;
  readonly artifactType?: string;
}

/** A manifest whose digest was recomputed from `bytes` and matched what was asked for. */
export interface FetchedManifest {
  /** `sha256:<hex>` of `bytes`, computed locally. */
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly bytes: Uint8Array;
  readonly manifest: Manifest;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
}

export interface RegistryClient {
  /**
   * GET a manifest by tag or digest. When `reference` is a digest the bytes must hash to it; when it is
   * a tag, the locally computed digest is what callers get (a registry's `Docker-Content-Digest` is
   * only compared, never trusted). Throws `RegistryError` (`MANIFEST_UNKNOWN` for 404).
   */
  fetchManifest(repo: RepositoryRef, reference: string, options?: RequestOptions): Promise<FetchedManifest>;

  /** GET a blob, verified against `digest`, refusing more than `maxBytes`. */
  fetchBlob(
    repo: RepositoryRef,
    digest: string,
    options: RequestOptions & { readonly maxBytes: number },
  ): Promise<Uint8Array>;

  /**
   * Referrers of `digest`: the OCI 1.1 referrers API, falling back to the `sha256-<hex>` tag schema
   * when the API answers 404. An empty list means "none". Optionally filtered by `artifactType`.
   * At most `limit` descriptors are returned; `truncated` says more existed.
   */
  listReferrers(
    repo: RepositoryRef,
    digest: string,
    options?: RequestOptions & { readonly artifactType?: string; readonly limit?: number },
  ): Promise<ReferrersList>;

  /**
   * Tags of the repository (`GET /v2/<name>/tags/list`, following `Link` pagination), in the
   * registry's order. At most `limit` (default 100, at most 10000: a listing is never unbounded);
   * `truncated` says more existed. Entries that are not valid tag names are dropped.
   */
  listTags(repo: RepositoryRef, options?: RequestOptions & { readonly limit?: number }): Promise<TagList>;
}

export interface TagList {
  readonly tags: readonly string[];
  /** True when the repository has more tags than the limit allowed (or than the page bound reached). */
  readonly truncated: boolean;
}

export interface ReferrersList {
  readonly descriptors: readonly Descriptor[];
  /** Which mechanism answered: the referrers API, or the tag-schema fallback. */
  readonly source: 'api' | 'tag-fallback';
  /** True when more referrers existed than the limit allowed, or than {@link pageLimitReached} let us read. */
  readonly truncated: boolean;
  /**
   * True when reading stopped at the bound on referrers API pages (a registry paginating without end,
   * even with empty pages) rather than at `limit`: then `truncated` says nothing about how many there are.
   */
  readonly pageLimitReached?: boolean;
}
