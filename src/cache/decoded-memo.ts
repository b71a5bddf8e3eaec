import { LruMap } from '../collections/lru-map.js';
import { deserialize } from './serializer.js';

/**
 * Remembers what recently read cache entries decoded to, keyed by their stored text.
 *
 * Why: a warm query reads the same few entries (a tag resolution, a verdict) on every request, and
 * decoding them (JSON with base64 byte arrays) was the largest cost of a warm verification query in
 * the bench profile. The bounded memory store hands back the very string it holds, whose hash V8
 * keeps, so a look-up here is cheap; a different text (a new value, or Redis) is simply a miss.
 *
 * Safe because the key is the exact stored text: an entry can only ever map to what that text
 * decodes to. Digest re-checks happen after this, on every read, exactly as before. Decoded values
 * are shared between requests and treated as immutable everywhere (readonly types). Bounded by
 * entries and by text length, so it cannot hold more than a small fraction of the cache itself.
 */
export class DecodedMemo {
  private readonly entries: LruMap<string, unknown>;
  private readonly maxChars: number;

  constructor(maxEntries = 512, maxChars = 8 * 1024 * 1024) {
    this.maxChars = maxChars;
    this.entries = new LruMap({ maxEntries, weigh: (text) => text.length, maxWeight: maxChars });
  }

  decode(text: string): unknown {
    const hit = this.entries.get(text);
    if (hit !== undefined) return hit;
    const value = deserialize(text);
    // Large texts are decoded every time rather than evicting everything else for them.
    if (value !== undefined && text.length <= this.maxChars / 8) this.entries.set(text, value);
    return value;
  }
}
