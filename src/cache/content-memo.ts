import { LruMap } from '../collections/lru-map.js';
import type { PayloadMemo } from '../discovery/index.js';

/**
 * What was computed from content-addressed bytes, kept across requests: the SBOM view of a 10 MB
 * statement is read once per digest, not once per query that pages through it, and the blob it came
 * from is parsed once (as discovery's {@link PayloadMemo}), not on every query that lists it.
 *
 * Views are keyed by the stored object's digest (an `.att` or BuildKit layer, a bundle referrer
 * manifest): a digest is one set of bytes, checked when fetched, so one key is one statement and one
 * view, whichever repository or request reached it; payloads as discovery keys them (repository
 * included, see payload-memo.ts). Process-local on purpose: what is shown for a
 * verified attestation must come from its bytes, and a shared store (Redis) can be written by
 * anyone who reaches it; recomputing is cheap next to that risk, and verdicts are kept the same way.
 *
 * Bounded by entries and by weight; the weight of an entry is the size of the bytes it was read
 * from, so the bound is in bytes the operator can reason about (`IMPRIMATUR_CACHE_VIEWS_MAX_BYTES`);
 * the heap it holds is a small multiple of that (parsed JSON is larger than its text). An entry
 * heavier than a quarter of the bound is computed each time rather than evicting everything else.
 */
export class ContentMemo implements PayloadMemo {
  private readonly entries: LruMap<string, Kept> | undefined;

  constructor(
    private readonly maxBytes: number,
    maxEntries = 10_000,
  ) {
    this.entries =
      maxBytes > 0
        ? new LruMap({ maxEntries, maxWeight: maxBytes, weigh: (_, kept) => kept.weight })
        : undefined;
  }

  /**
   * The view `kind` of the statement stored as `digest`, computed by `compute` unless an earlier
   * call kept it. `statementBytes` is the statement's size. Says which it was, for metrics.
   */
  get<T>(
    kind: string,
    digest: string,
    statementBytes: number,
    compute: () => T,
  ): { readonly value: T; readonly cached: boolean } {
    const key = `view ${kind} ${digest}`;
    const hit = this.entries?.get(key);
    if (hit !== undefined) return { value: hit.value as T, cached: true };
    const value = compute();
    this.remember(key, value, statementBytes);
    return { value, cached: false };
  }

  peek(key: string): unknown {
    return this.entries?.get(`payload ${key}`)?.value;
  }

  keep(key: string, value: unknown, weight: number): void {
    this.remember(`payload ${key}`, value, weight);
  }

  /** Keeps `value` unless it outweighs a quarter of the bound (or nothing is kept at all). */
  private remember(key: string, value: unknown, sourceBytes: number): void {
    const weight = sourceBytes + ENTRY_OVERHEAD_BYTES;
    if (this.entries !== undefined && weight <= this.maxBytes / 4) this.entries.set(key, { value, weight });
  }

  /** Entries kept now. */
  get size(): number {
    return this.entries?.size ?? 0;
  }
}

interface Kept {
  readonly value: unknown;
  readonly weight: number;
}

/** Weight added to each entry: keys, object headers, the small views of small statements. */
const ENTRY_OVERHEAD_BYTES = 1024;
