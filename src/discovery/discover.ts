import type { RegistryClient, RepositoryRef } from '../registry/types.js';
import { discoverBundleReferrers } from './bundle-referrers.js';
import type { DiscoveryContext, DiscoveryLimits, Findings } from './discovery-context.js';
import { DiscoveryError } from './errors.js';
import type { PayloadMemo } from './payload-memo.js';
import { discoverLegacySignatures } from './legacy-signatures.js';
import type { DiscoveryResult } from './types.js';

export interface DiscoveryOptions {
  readonly signal?: AbortSignal;
  /**
   * Where signatures are stored when not beside the image: cosign's `COSIGN_REPOSITORY`. Both the
   * `.sig` tag and the referrers are looked up there, as cosign does. Default: the image's repository.
   */
  readonly signatureRepository?: RepositoryRef;
  /**
   * The bundle-referrer look-up of this digest, already started by {@link startBundleReferrerDiscovery}
   * (for attestations): reused instead of listing and fetching the referrers again.
   */
  readonly bundleReferrers?: Promise<Findings>;
  /** Parsed blobs kept across requests (see payload-memo.ts). */
  readonly memo?: PayloadMemo;
}

/**
 * Only sha256: it is what cosign signs and names tags after (`sha256-<hex>.sig`), and anything else
 * would be pasted into a tag name and URL, so the shape is checked before it goes anywhere.
 */
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Finds and parses every cosign signature of one manifest digest, in both formats at once: legacy
 * `sha256-<hex>.sig` tags and Sigstore bundle referrers. Nothing returned is verified yet.
 *
 * - Each signature that cannot be read becomes a `problem` (never thrown, never dropped), so
 *   verification can report it; a result with problems and no signatures must be FAILED, not UNSIGNED.
 * - A "not found" listing means "no signatures of that format".
 * - Throws (`RegistryError`) only when the answer is unknowable right now: a temporary registry failure
 *   or an abort. Retrying may succeed; reporting "unsigned" would be a lie. Throws `DiscoveryError`
 *   (`INVALID_DIGEST`) for a digest that is not `sha256:<64 hex>`.
 * - Caps (`limits`): at most `maxSignatures` layers / referrers per format and `maxPayloadBytes` per
 *   blob; past either, a `TOO_MANY_SIGNATURES` / `PAYLOAD_TOO_LARGE` problem and no unbounded work.
 */
export async function discoverSignatures(
  client: RegistryClient,
  repo: RepositoryRef,
  digest: string,
  limits: DiscoveryLimits,
  options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
  return startDiscovery(client, repo, digest, limits, options).result;
}

/** A discovery under way: the whole result, and each format's findings as soon as that format is done. */
export interface Discovery {
  /** What {@link discoverSignatures} resolves to (or rejects with). */
  readonly result: Promise<DiscoveryResult>;
  /**
   * Legacy `.sig` findings, then bundle-referrer findings: the order of `result.signatures`. A part
   * rejects when its format failed (or, like `result`, for an invalid digest or limit). Rejections
   * of `parts` and of `result` are already handled: a caller that looks at only one of them causes
   * no unhandled rejection.
   */
  readonly parts: readonly [Promise<Findings>, Promise<Findings>];
}

/**
 * {@link discoverSignatures}, also handing out each format's findings as soon as it has them, so that
 * work on one format (verifying its signatures) can proceed while the other is still fetching.
 */
export function startDiscovery(
  client: RegistryClient,
  repo: RepositoryRef,
  digest: string,
  limits: DiscoveryLimits,
  options: DiscoveryOptions = {},
): Discovery {
  let parts: [Promise<Findings>, Promise<Findings>];
  try {
    if (!SHA256_DIGEST.test(digest)) {
      throw new DiscoveryError(
        'INVALID_DIGEST',
        `not a sha256 digest: ${JSON.stringify(digest.slice(0, 80))}`,
      );
    }
    assertLimit('maxSignatures', limits.maxSignatures);
    assertLimit('maxPayloadBytes', limits.maxPayloadBytes);
    // When one format throws, the other is cancelled: its answer no longer matters, its requests do.
    const stop = new AbortController();
    const signal =
      options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
    const context: DiscoveryContext = {
      client,
      repository: options.signatureRepository ?? repo,
      subjectDigest: digest,
      limits,
      signal,
      memo: options.memo,
    };
    const cancelOnFailure = (part: Promise<Findings>) =>
      part.catch((error: unknown) => {
        stop.abort();
        throw error;
      });
    parts = [
      cancelOnFailure(discoverLegacySignatures(context)),
      cancelOnFailure(options.bundleReferrers ?? discoverBundleReferrers(context)),
    ];
  } catch (error) {
    parts = [Promise.reject(error), Promise.reject(error)];
  }
  for (const part of parts) void part.catch(() => undefined);
  // Attestations found among the referrers stay in `parts`; the result is about signatures only.
  const result = Promise.all(parts).then(([legacy, bundles]) => ({
    subjectDigest: digest,
    signatures: [...legacy.signatures, ...bundles.signatures],
    problems: [...legacy.problems, ...bundles.problems],
  }));
  // Callers may use only `parts` (verification does) or only `result` (a `signatures` field).
  void result.catch(() => undefined);
  return { result, parts };
}

/**
 * Only the bundle-referrer part of {@link startDiscovery}: for a request that asks about attestations
 * and not (yet) signatures, so the `.sig` tag is not fetched for nothing. Its findings hold both the
 * signature bundles and the attestation bundles; pass the promise as `bundleReferrers` when the
 * signatures are asked for later. Same contract and errors as {@link discoverSignatures}.
 */
export function startBundleReferrerDiscovery(
  client: RegistryClient,
  repo: RepositoryRef,
  digest: string,
  limits: DiscoveryLimits,
  options: Pick<DiscoveryOptions, 'signal' | 'signatureRepository' | 'memo'> = {},
): Promise<Findings> {
  try {
    if (!SHA256_DIGEST.test(digest)) {
      throw new DiscoveryError(
        'INVALID_DIGEST',
        `not a sha256 digest: ${JSON.stringify(digest.slice(0, 80))}`,
      );
    }
    assertLimit('maxSignatures', limits.maxSignatures);
    assertLimit('maxPayloadBytes', limits.maxPayloadBytes);
    const part = discoverBundleReferrers({
      client,
      repository: options.signatureRepository ?? repo,
      subjectDigest: digest,
      limits,
      signal: options.signal ?? new AbortController().signal,
      memo: options.memo,
    });
    void part.catch(() => undefined);
    return part;
  } catch (error) {
    const failed = Promise.reject(error as Error);
    void failed.catch(() => undefined);
    return failed;
  }
}

function assertLimit(name: string, value: number): void {
  // A zero, negative or fractional cap is a configuration bug; failing loudly beats a cap that never holds.
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
