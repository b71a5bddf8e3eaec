/**
 * The embedded cache: a least-recently-used map bounded by entry count AND by bytes, so memory stays
 * flat under any load. An entry-count bound alone is not enough: one request can make the service
 * cache a 4 MiB manifest, and ten thousand of those would be 40 GiB.
 *
 * It is a keyv storage adapter (`get`/`set`/`delete`/`clear`), holding the serialized strings keyv
 * hands it: their size is known exactly, and a stored string cannot be mutated by a caller that
 * still holds the object it was made from.
 */

export interface MemoryStoreLimits {
  /** At most this many entries. */
  readonly maxEntries: number;
  /** At most this many bytes of stored values (UTF-16 code units × 2) and keys. */
  readonly maxBytes: number;
}

interface Entry {
  readonly value: string;
  readonly bytes: number;
  /** `Date.now()` after which the entry is gone; `Infinity` when keyv passed no TTL. */
  readonly expiresAt: number;
}

export class BoundedMemoryStore {
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;

  constructor(
    private readonly limits: MemoryStoreLimits,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limits.maxEntries >= 1) || !(limits.maxBytes >= 1)) {
      throw new RangeError('memory cache limits must be at least 1');
    }
  }

  /** Entries and bytes held right now (for metrics and tests). */
  get size(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.entries.size, bytes: this.totalBytes };
  }

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    // Touch: move to the most recently used end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: unknown, ttlMs?: number): boolean {
    if (typeof value !== 'string') return false;
    const bytes = 2 * (key.length + value.length);
    const previous = this.entries.get(key);
    if (previous !== undefined) this.remove(key, previous);
    // A single value larger than a quarter of the budget would evict most of the cache to make room
    // for something that is rarely worth it; it is simply not kept.
    if (bytes > this.limits.maxBytes / 4) return false;
    const expiresAt = ttlMs === undefined || ttlMs <= 0 ? Infinity : this.now() + ttlMs;
    this.entries.set(key, { value, bytes, expiresAt });
    this.totalBytes += bytes;
    this.evict();
    return true;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.remove(key, entry);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.totalBytes <= this.limits.maxBytes) return;
      this.remove(key, entry);
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}
