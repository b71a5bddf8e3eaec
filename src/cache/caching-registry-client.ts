import { RegistryError, isSha256Digest } from '../registry/index.js';
import type {
  FetchedManifest,
  ReferrersList,
  RegistryClient,
  RepositoryRef,
  RequestOptions,
  TagList,
} from '../registry/types.js';
import {
  blobDecoder,
  digestDecoder,
  manifestDecoder,
  referrersDecoder,
  storedManifest,
} from './cached-content.js';
import type { CacheStore } from './cache-store.js';
import type { FetchLease } from './fetch-lease.js';
import { isShareable, leaseKey, type CacheNamespace } from './namespaces.js';
import { SingleFlight } from './single-flight.js';

export interface CachingRegistryClientOptions {
  /** Time to live per namespace in milliseconds (0: not cached); see `ttlMsFor`. */
  readonly ttlMs: (namespace: CacheNamespace) => number;
  /** The registry client's manifest cap; a cached manifest over it is refused like a registry answer would be. */
  readonly maxManifestBytes: number;
  /** Used when a caller passes no limit: the registry client's own default. */
  readonly defaultReferrersLimit: number;
  /**
   * With Redis: single-flight across processes for shareable entries (see `FetchLease`). Absent (no
   * Redis, or leases turned off): each process fetches what it misses, merged only within itself.
   */
  readonly lease?: FetchLease;
}

/**
 * cosign's signature, attestation and SBOM tags (`sha256-<hex>.sig`, `.att`, `.sbom`) and the
 * referrers fallback tag: these are listings ("what signatures exist"), not image names, and get
 * the listing TTL and may be shared.
 */
const SIGNATURE_TAG = /^sha256-[0-9a-f]{64}(?:\.[a-z]{1,16})?$/;

/**
 * A `RegistryClient` that answers from the cache when it can and merges concurrent identical
 * requests, so discovery and the image graph get caching without knowing about it. It only ever
 * caches answers: an error (404, 5xx, timeout, denial) is never stored, so a registry hiccup cannot
 * turn into a lasting "not found" or "unsigned".
 *
 * What is cached for how long follows from what can change: a manifest asked for by digest and a
 * blob are immutable (long TTL); a tag → digest resolution and a signature listing can change at
 * any time (seconds). A manifest fetched by tag is stored twice: its bytes under its computed digest
 * (immutable) and the tag → digest link (brief).
 */
export class CachingRegistryClient implements RegistryClient {
  private readonly manifests = new SingleFlight<FetchedManifest>();
  private readonly blobs = new SingleFlight<Uint8Array>();
  private readonly referrers = new SingleFlight<ReferrersList>();

  constructor(
    private readonly upstream: RegistryClient,
    private readonly cache: CacheStore,
    private readonly options: CachingRegistryClientOptions,
  ) {}

  async fetchManifest(
    repo: RepositoryRef,
    reference: string,
    options?: RequestOptions,
  ): Promise<FetchedManifest> {
    const signal = options?.signal;
    const byDigest = reference.includes(':');
    // Anything malformed goes straight to the client, which owns the validation and its errors.
    if (byDigest && !isSha256Digest(reference)) return this.upstream.fetchManifest(repo, reference, options);
    const flightKey = JSON.stringify([repo.registry, repo.repository, reference]);
    const what = `manifest ${repo.registry}/${repo.repository}${byDigest ? '@' : ':'}${reference}`;
    const { value } = await this.manifests.run(
      flightKey,
      signal,
      () =>
        byDigest
          ? this.manifestByDigest(repo, reference, signal)
          : this.manifestByTag(repo, reference, signal),
      (reason) => aborted(what, reason),
    );
    return value;
  }

  async fetchBlob(
    repo: RepositoryRef,
    digest: string,
    options: RequestOptions & { readonly maxBytes: number },
  ): Promise<Uint8Array> {
    if (!isSha256Digest(digest)) return this.upstream.fetchBlob(repo, digest, options);
    const { signal, maxBytes } = options;
    const parts = [repo.registry, repo.repository, digest];
    const { value } = await this.blobs.run(
      JSON.stringify([...parts, maxBytes]),
      signal,
      async () => {
        const lookup = () => this.cache.get('blob', parts, blobDecoder(digest, maxBytes));
        const cached = await lookup();
        if (cached !== undefined) return cached;
        return this.leased('blob', parts, signal, lookup, async () => {
          const bytes = await this.upstream.fetchBlob(repo, digest, { maxBytes, signal });
          await this.cache.set('blob', parts, bytes, this.options.ttlMs('blob'));
          return bytes;
        });
      },
      (reason) => aborted(`blob ${repo.registry}/${repo.repository}@${digest}`, reason),
    );
    return value;
  }

  async listReferrers(
    repo: RepositoryRef,
    digest: string,
    options?: RequestOptions & { readonly artifactType?: string; readonly limit?: number },
  ): Promise<ReferrersList> {
    if (!isSha256Digest(digest)) return this.upstream.listReferrers(repo, digest, options);
    const signal = options?.signal;
    const limit = options?.limit ?? this.options.defaultReferrersLimit;
    const artifactType = options?.artifactType;
    // The filter and the limit shape the answer, so they are part of the key.
    const parts = [repo.registry, repo.repository, digest, artifactType ?? '', String(limit)];
    const { value } = await this.referrers.run(
      JSON.stringify(parts),
      signal,
      async () => {
        const lookup = () => this.cache.get('referrers', parts, referrersDecoder(limit));
        const cached = await lookup();
        if (cached !== undefined) return cached;
        return this.leased('referrers', parts, signal, lookup, async () => {
          const list = await this.upstream.listReferrers(repo, digest, { signal, limit, artifactType });
          await this.cache.set('referrers', parts, list, this.options.ttlMs('referrers'));
          return list;
        });
      },
      (reason) => aborted(`referrers of ${repo.registry}/${repo.repository}@${digest}`, reason),
    );
    return value;
  }

  /**
   * Not cached, on purpose. A tag list is read only by the opt-in scan for a signed index (one
   * request that asked for it), it names what exists *now* (a tag pushed a second ago should be
   * found), and it cannot be checked against anything, so sharing it through Redis would need the
   * same care as the `tag` namespace for little gain: the manifests the scan then fetches per tag
   * are cached (tag → digest briefly, content by digest long), which is where the cost is.
   */
  listTags(repo: RepositoryRef, options?: RequestOptions & { readonly limit?: number }): Promise<TagList> {
    return this.upstream.listTags(repo, options);
  }

  private async manifestByDigest(
    repo: RepositoryRef,
    digest: string,
    signal: AbortSignal | undefined,
  ): Promise<FetchedManifest> {
    const lookup = () => this.cachedManifest(repo, digest);
    const cached = await lookup();
    if (cached !== undefined) return cached;
    return this.leased('manifest', [repo.registry, repo.repository, digest], signal, lookup, async () => {
      const fetched = await this.upstream.fetchManifest(repo, digest, { signal });
      await this.storeManifest(repo, fetched);
      return fetched;
    });
  }

  private async manifestByTag(
    repo: RepositoryRef,
    tag: string,
    signal: AbortSignal | undefined,
  ): Promise<FetchedManifest> {
    const namespace: CacheNamespace = SIGNATURE_TAG.test(tag) ? 'signature-tag' : 'tag';
    const parts = [repo.registry, repo.repository, tag];
    const lookup = async () => {
      const entry = await this.cache.get(namespace, parts, tagEntryDecoder);
      if (entry === undefined) return undefined;
      if (typeof entry !== 'string')
        throw new RegistryError('MANIFEST_UNKNOWN', entry.absent, { status: 404 });
      return this.cachedManifest(repo, entry);
    };
    const cached = await lookup();
    if (cached !== undefined) return cached;
    // Only signature tags are shared (see `isShareable`), so only they are worth a lease.
    return this.leased(namespace, parts, signal, lookup, async () => {
      let fetched: FetchedManifest;
      try {
        fetched = await this.upstream.fetchManifest(repo, tag, { signal });
      } catch (error) {
        // A signature tag that does not exist (`sha256-<hex>.att` of an image with no legacy
        // attestations: most images) is remembered as absent for as long as a listing is, else every
        // warm attestation query would ask again. Cached absence can only hide what was pushed in
        // the last listing TTL, as a cached listing does; other tags' 404s are not kept.
        if (
          namespace === 'signature-tag' &&
          error instanceof RegistryError &&
          error.code === 'MANIFEST_UNKNOWN'
        ) {
          await this.cache.set(
            namespace,
            parts,
            // Cut to what the decoder accepts, else a long message would never be read back.
            { absent: error.message.slice(0, MAX_ABSENT_MESSAGE) },
            this.options.ttlMs(namespace),
          );
        }
        throw error;
      }
      // The digest stored is the one computed from the bytes, never a header the registry sent.
      await Promise.all([
        this.storeManifest(repo, fetched),
        this.cache.set(namespace, parts, fetched.digest, this.options.ttlMs(namespace)),
      ]);
      return fetched;
    });
  }

  /**
   * `fetch` under the cross-process lease when the entry is shared through Redis and cached at all
   * (a waiter could never find an entry that is not stored); otherwise at once.
   */
  private leased<T>(
    namespace: CacheNamespace,
    parts: readonly string[],
    signal: AbortSignal | undefined,
    lookup: () => Promise<T | undefined>,
    fetch: () => Promise<T>,
  ): Promise<T> {
    const lease = this.options.lease;
    const ttlMs = this.options.ttlMs(namespace);
    if (lease === undefined || !isShareable(namespace) || !(ttlMs > 0)) return fetch();
    return lease.run(leaseKey(namespace, parts), ttlMs, signal, lookup, fetch);
  }

  private cachedManifest(repo: RepositoryRef, digest: string): Promise<FetchedManifest | undefined> {
    return this.cache.get(
      'manifest',
      [repo.registry, repo.repository, digest],
      manifestDecoder(digest, this.options.maxManifestBytes),
    );
  }

  private storeManifest(repo: RepositoryRef, fetched: FetchedManifest): Promise<void> {
    // Keyed by repository too: a digest present in one repository says nothing about another
    // (whose access rules, or existence, may differ).
    const parts = [repo.registry, repo.repository, fetched.digest];
    return this.cache.set('manifest', parts, storedManifest(fetched), this.options.ttlMs('manifest'));
  }
}

/** Longest registry message kept with a signature tag remembered as absent. */
const MAX_ABSENT_MESSAGE = 1024;

/** A tag entry: the digest it named, or that it did not exist (with the registry's message, for errors). */
function tagEntryDecoder(raw: unknown): string | { readonly absent: string } | undefined {
  const digest = digestDecoder(raw);
  if (digest !== undefined) return digest;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const absent = (raw as { absent?: unknown }).absent;
  return typeof absent === 'string' && absent.length <= MAX_ABSENT_MESSAGE ? { absent } : undefined;
}

function aborted(what: string, reason: unknown): RegistryError {
  return new RegistryError('REGISTRY_ABORTED', `request for ${what} was cancelled`, { cause: reason });
}
