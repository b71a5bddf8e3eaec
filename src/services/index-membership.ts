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
  private changes = 0;

  constructor(maxEntries = 50_000) {
    this.entries = new LruMap({ maxEntries });
  }

  /**
   * Changes whenever what `lookup` answers can change: a digest gains a listing or moves to another
   * index (evictions only happen then too). Re-recording what is known — every warm query about an
   * index does — leaves it alone. Hints are read from here, not from the cache, so the GraphQL
   * response cache replays an answer only while this is unchanged.
   */
  get version(): number {
    return this.changes;
  }

  /** Records that `indexDigest` in `registry/repository` lists each of `memberDigests`. */
  record(listing: IndexListing, memberDigests: readonly string[]): void {
    let changed = false;
    for (const digest of memberDigests) {
      const key = this.key(listing.registry, listing.repository, digest);
      if (this.entries.get(key)?.indexDigest !== listing.indexDigest) changed = true;
      this.entries.set(key, listing);
    }
    if (changed) this.changes += 1;
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
