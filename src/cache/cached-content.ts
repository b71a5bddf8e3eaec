import { isDigest, isSha256Digest, parseManifest, sha256Of } from '../registry/index.js';
import type { Descriptor, FetchedManifest, ReferrersList } from '../registry/types.js';

/**
 * How registry answers are stored, and the checks every stored value passes before it is used
 * again. Stored values are untrusted input: a shared store can be written by anyone who can reach
 * it, so a value is re-derived from bytes whose digest is recomputed (never taken from the entry),
 * and anything that does not check out is a miss that goes to the registry instead.
 */

/** A manifest is stored as its bytes and media type only; the parsed form is rebuilt from the bytes. */
export interface StoredManifest {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
}

export function storedManifest(fetched: FetchedManifest): StoredManifest {
  return { bytes: fetched.bytes, mediaType: fetched.mediaType };
}

/**
 * Accepts a stored manifest only if its bytes hash to `digest` (the digest in the key, i.e. the one
 * asked for) and fit the same size cap a registry answer has. SECURITY: this recomputation is what
 * keeps a poisoned cache from becoming a false verification; the parsed manifest is rebuilt from the
 * checked bytes, so a stored "parsed" form could not disagree with them.
 */
export function manifestDecoder(
  digest: string,
  maxBytes: number,
): (raw: unknown) => FetchedManifest | undefined {
  return (raw) => {
    if (!isRecord(raw) || !(raw.bytes instanceof Uint8Array) || typeof raw.mediaType !== 'string')
      return undefined;
    const bytes = raw.bytes;
    if (bytes.length > maxBytes || sha256Of(bytes) !== digest) return undefined;
    try {
      const manifest = parseManifest(bytes, raw.mediaType);
      return { digest, mediaType: manifest.mediaType, size: bytes.length, bytes, manifest };
    } catch {
      return undefined;
    }
  };
}

/** Accepts stored blob bytes only if they hash to `digest` and fit the caller's cap (else the registry answers). */
export function blobDecoder(digest: string, maxBytes: number): (raw: unknown) => Uint8Array | undefined {
  return (raw) => {
    if (!(raw instanceof Uint8Array) || raw.length > maxBytes) return undefined;
    return sha256Of(raw) === digest ? raw : undefined;
  };
}

/** A tag resolution is just a digest; only the shape can be checked (which is why tags stay process-local). */
export function digestDecoder(raw: unknown): string | undefined {
  return typeof raw === 'string' && isSha256Digest(raw) ? raw : undefined;
}

/**
 * Accepts a stored referrers listing of the right shape and length. Its descriptors are not trusted
 * beyond that: discovery checks every listed digest before using it, and everything it then fetches
 * is digest-checked and cryptographically verified, so a poisoned listing can hide signatures but
 * never create one.
 */
export function referrersDecoder(limit: number): (raw: unknown) => ReferrersList | undefined {
  return (raw) => {
    if (!isRecord(raw) || !Array.isArray(raw.descriptors) || typeof raw.truncated !== 'boolean')
      return undefined;
    if (raw.source !== 'api' && raw.source !== 'tag-fallback') return undefined;
    if (raw.descriptors.length > limit || !raw.descriptors.every(isDescriptor)) return undefined;
    const list: ReferrersList = {
      descriptors: raw.descriptors,
      source: raw.source,
      truncated: raw.truncated,
    };
    return raw.pageLimitReached === true ? { ...list, pageLimitReached: true } : list;
  };
}

function isDescriptor(value: unknown): value is Descriptor {
  return (
    isRecord(value) &&
    typeof value.mediaType === 'string' &&
    typeof value.digest === 'string' &&
    isDigest(value.digest) &&
    typeof value.size === 'number' &&
    Number.isSafeInteger(value.size) &&
    value.size >= 0
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
