import { LruMap } from '../collections/lru-map.js';

/**
 * Remembers which image indexes list which platform manifests, so that a platform digest verified on
 * its own (UNSIGNED, like `cosign verify` says) can carry a hint naming the signed index that covers it.
 *
 * Only facts the service saw itself are recorded: an index is added after its bytes were fetched and
 * digest-checked. The hint is advisory — it never changes a status — so a stale entry can at worst
 * suggest an index that no longer verifies, and the hint is only given after that index was verified
 * again under the caller's policy. Bounded (LRU) so memory stays flat however many images pass through.
 */
export interface IndexListing {
  readonly registry: string;
  readonly repository: string;
  readonly indexDigest: string;
}

export class IndexMembership {
  private readonly entries: LruMap<string, IndexListing>;

  constructor(maxEntries = 50_000) {
    this.entries = new LruMap({ maxEntries });
  }

  /** Records that `indexDigest` in `registry/repository` lists each of `memberDigests`. */
  record(listing: IndexListing, memberDigests: readonly string[]): void {
    for (const digest of memberDigests) {
      this.entries.set(this.key(listing.registry, listing.repository, digest), listing);
    }
  }

  /** The most recently seen index in the same repository listing `digest`, if any. */
  lookup(registry: string, repository: string, digest: string): IndexListing | undefined {
    return this.entries.get(this.key(registry, repository, digest));
  }

  get size(): number {
    return this.entries.size;
  }

  private key(registry: string, repository: string, digest: string): string {
    return `${registry}/${repository}@${digest}`;
  }
}
