/**
 * Finds where known strings (the encoded forms of the secrets we hold) occur in a text, in time
 * linear in the text's length whatever the strings are — no regular expressions, no backtracking.
 *
 * How: every string of {@link GRAM} characters or more is indexed by "grams", its substrings of
 * exactly {@link GRAM} characters at offsets 0, GRAM, 2·GRAM, … and the last one. The scan looks up
 * the gram starting at each position of the text: a rolling hash of the window (O(1) per position, no
 * string built), one map look-up, and a character comparison only when the hash is known. Every occurrence of an
 * indexed string consists of its grams, so every character of it lies in a gram the scan finds, and
 * each found gram is covered. From a found gram the cover is extended to the neighbouring characters
 * that agree with the string it came from, so a secret cut short (by a length cap, by a line end)
 * is covered up to the cut. Shorter strings (from {@link MIN_CHARS} to GRAM−1 characters) are looked
 * up whole at each position, one look-up per distinct length.
 *
 * Cost: each extension stops at a character already covered, so each character is compared at most
 * a bounded number of times ({@link MAX_ANCHORS} candidates): O(n · GRAM) for a text of n characters.
 * Memory: one map entry per GRAM characters of indexed text.
 */

/** Gram length: long enough that a gram of a secret never occurs in ordinary text by chance. */
export const GRAM = 12;
/** Strings shorter than this are not indexed: matching them would blank ordinary words. */
export const MIN_CHARS = 4;
/** Candidate strings kept per gram; more only happens when many secrets share text (JWT headers). */
const MAX_ANCHORS = 8;

interface Anchor {
  readonly value: string;
  readonly offset: number;
}

/** Polynomial hash base; arithmetic is modulo 2^32 (`Math.imul`, `>>> 0`). */
const BASE = 0x01000193;
/** BASE^(GRAM-1) mod 2^32: the weight of the character leaving the window. */
const LEAVING = Array.from({ length: GRAM - 1 }).reduce<number>((power) => Math.imul(power, BASE) >>> 0, 1);

/** The hash of `text[from, from + GRAM)`. */
function gramHash(text: string, from: number): number {
  let hash = 0;
  for (let at = from; at < from + GRAM; at++) hash = (Math.imul(hash, BASE) + text.charCodeAt(at)) >>> 0;
  return hash;
}

/** The hash of the window one position on: `hash` minus the leaving character, plus the entering one. */
function rollHash(hash: number, leaving: number, entering: number): number {
  return (Math.imul((hash - Math.imul(leaving, LEAVING)) >>> 0, BASE) + entering) >>> 0;
}

function sameGram(text: string, at: number, anchor: Anchor): boolean {
  for (let k = 0; k < GRAM; k++) {
    if (text.charCodeAt(at + k) !== anchor.value.charCodeAt(anchor.offset + k)) return false;
  }
  return true;
}

function gramOffsets(length: number): number[] {
  const offsets: number[] = [];
  for (let offset = 0; offset + GRAM <= length; offset += GRAM) offsets.push(offset);
  if (length % GRAM !== 0) offsets.push(length - GRAM);
  return offsets;
}

export class SecretIndex {
  /** How many held secrets have this form (two secrets can share one, e.g. a password and a token). */
  private readonly counts = new Map<string, number>();
  /** Anchors by the hash of their gram; grams with equal hashes share a list (told apart by comparing). */
  private readonly grams = new Map<number, Anchor[]>();
  /** Short strings by length: each length present costs one look-up per text position. */
  private readonly short = new Map<number, Set<string>>();

  get size(): number {
    return this.counts.size;
  }

  add(value: string): void {
    if (value.length < MIN_CHARS) return;
    const count = this.counts.get(value) ?? 0;
    this.counts.set(value, count + 1);
    if (count > 0) return;
    if (value.length < GRAM) {
      const set = this.short.get(value.length) ?? new Set<string>();
      set.add(value);
      this.short.set(value.length, set);
      return;
    }
    for (const offset of gramOffsets(value.length)) {
      const anchor = { value, offset };
      const hash = gramHash(value, offset);
      const anchors = this.grams.get(hash);
      // A gram already at its cap is still found (by the anchors it has), so the text is covered;
      // only the extension past it may follow another secret than this one.
      if (anchors === undefined) this.grams.set(hash, [anchor]);
      else if (anchors.filter((other) => sameGram(value, offset, other)).length < MAX_ANCHORS) {
        anchors.push(anchor);
      }
    }
  }

  remove(value: string): void {
    const count = this.counts.get(value);
    if (count === undefined) return;
    if (count > 1) {
      this.counts.set(value, count - 1);
      return;
    }
    this.counts.delete(value);
    if (value.length < GRAM) {
      const set = this.short.get(value.length);
      set?.delete(value);
      if (set?.size === 0) this.short.delete(value.length);
      return;
    }
    for (const offset of gramOffsets(value.length)) {
      const hash = gramHash(value, offset);
      const remaining = (this.grams.get(hash) ?? []).filter((anchor) => anchor.value !== value);
      if (remaining.length > 0) this.grams.set(hash, remaining);
      else this.grams.delete(hash);
    }
  }

  /**
   * Which characters of `text` belong to an occurrence of an indexed string: a mask with 1 for
   * those, or undefined when there are none.
   */
  coverage(text: string): Uint8Array | undefined {
    if (this.counts.size === 0 || text.length < MIN_CHARS) return undefined;
    let covered: Uint8Array | undefined;
    const isCovered = (at: number) => covered !== undefined && covered[at] === 1;
    const cover = (from: number, to: number) => (covered ??= new Uint8Array(text.length)).fill(1, from, to);
    const short = [...this.short];
    const scanGrams = this.grams.size > 0 && text.length >= GRAM;
    let hash = scanGrams ? gramHash(text, 0) : 0;
    for (let at = 0; at < text.length; at++) {
      for (const [length, set] of short) {
        if (at + length <= text.length && set.has(text.slice(at, at + length))) cover(at, at + length);
      }
      if (!scanGrams || at + GRAM > text.length) continue;
      if (at > 0) hash = rollHash(hash, text.charCodeAt(at - 1), text.charCodeAt(at + GRAM - 1));
      const anchors = this.grams.get(hash);
      if (anchors === undefined || this.allCovered(covered, at, at + GRAM)) continue;
      for (const anchor of anchors) {
        if (!sameGram(text, at, anchor)) continue;
        const { value, offset } = anchor;
        const start = at - offset;
        let from = at;
        while (
          from > 0 &&
          from > start &&
          !isCovered(from - 1) &&
          text[from - 1] === value[from - 1 - start]
        ) {
          from--;
        }
        let to = at + GRAM;
        const end = start + value.length;
        while (to < text.length && to < end && !isCovered(to) && text[to] === value[to - start]) to++;
        cover(from, to);
      }
    }
    return covered;
  }

  private allCovered(covered: Uint8Array | undefined, from: number, to: number): boolean {
    if (covered === undefined) return false;
    for (let at = from; at < to; at++) if (covered[at] !== 1) return false;
    return true;
  }
}
