/**
 * A map bounded by entry count and, optionally, by a total weight, evicting the least recently used
 * entries first. The small process-local memos (compiled regexps, decoded cache entries, the index
 * membership record) all need exactly this, so that no input stream can grow them without limit.
 * (The cache's memory store has TTLs and exact byte accounting on top, so it keeps its own.)
 */
export interface LruMapOptions<K, V> {
  readonly maxEntries: number;
  /** Weight of one entry (e.g. its size); with {@link maxWeight}, bounds the total as well. */
  readonly weigh?: (key: K, value: V) => number;
  readonly maxWeight?: number;
}

export class LruMap<K, V> {
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly entries = new Map<K, V>();
  private weight = 0;

  constructor(private readonly options: LruMapOptions<K, V>) {
    if (!(options.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  /** Sum of the entries' weights (0 without `weigh`). */
  get totalWeight(): number {
    return this.weight;
  }

  /** The value, marked as most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    this.entries.set(key, value);
    this.weight += this.weightOf(key, value);
    while (
      this.entries.size > this.options.maxEntries ||
      (this.options.maxWeight !== undefined && this.weight > this.options.maxWeight && this.entries.size > 0)
    ) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    const value = this.entries.get(key);
    if (value === undefined) return false;
    this.entries.delete(key);
    this.weight -= this.weightOf(key, value);
    return true;
  }

  private weightOf(key: K, value: V): number {
    return this.options.weigh?.(key, value) ?? 0;
  }
}
