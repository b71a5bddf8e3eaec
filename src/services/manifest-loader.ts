import DataLoader from 'dataloader';
import type { FetchedManifest, RegistryClient, RepositoryRef } from '../registry/types.js';

/** One manifest to fetch: a repository and a tag or digest in it. */
export interface ManifestKey {
  readonly repo: RepositoryRef;
  readonly reference: string;
}

export type ManifestLoader = DataLoader<ManifestKey, FetchedManifest, string>;

/** JSON of a tuple: unambiguous whatever characters the parts hold. */
function cacheKey(key: ManifestKey): string {
  return JSON.stringify([key.repo.registry, key.repo.repository, key.reference]);
}

/**
 * A per-request manifest loader: each `(repository, tag-or-digest)` is fetched at most once per
 * request, however many resolvers ask for it. After a fetch by tag the result is also primed under
 * its (locally computed, verified) digest, so a later lookup by that digest costs nothing.
 *
 * Per request and never shared: a tag can move between requests, and the cache must not outlive the
 * caller's view of the registry. Longer-lived caching belongs to `src/cache`, keyed by digest.
 */
export function createManifestLoader(
  registry: RegistryClient,
  options: { readonly signal?: AbortSignal } = {},
): ManifestLoader {
  const { signal } = options;
  const loader: ManifestLoader = new DataLoader<ManifestKey, FetchedManifest, string>(
    // Registries have no batch manifest API: a "batch" is the keys of one tick, fetched in parallel.
    // DataLoader wants one result per key in key order, with failures as Error values, not rejections.
    async (keys) =>
      Promise.all(
        keys.map(async (key) => {
          try {
            const fetched = await registry.fetchManifest(key.repo, key.reference, { signal });
            if (fetched.digest !== key.reference)
              loader.prime({ repo: key.repo, reference: fetched.digest }, fetched);
            return fetched;
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      ),
    { cacheKeyFn: cacheKey },
  );
  return loader;
}
