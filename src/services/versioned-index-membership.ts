import { IndexMembership, type IndexListing } from './index-membership.js';

/**
 * The index-membership record with a version number that changes whenever what `lookup` answers can
 * change: a listing recorded for a digest that had none or had another one (evictions only happen
 * then too). Re-recording what is already known — every warm query about an index does — leaves it
 * alone.
 *
 * Why: hints are read from this record, not from the cache, so an answer that carries (or lacks) a
 * hint is only replayable while the record is unchanged; the GraphQL response cache compares versions.
 */
export class VersionedIndexMembership extends IndexMembership {
  private changes = 0;

  get version(): number {
    return this.changes;
  }

  override record(listing: IndexListing, memberDigests: readonly string[]): void {
    const changed = memberDigests.some((digest) => {
      const known = this.lookup(listing.registry, listing.repository, digest);
      return known?.indexDigest !== listing.indexDigest;
    });
    super.record(listing, memberDigests);
    if (changed) this.changes += 1;
  }
}
