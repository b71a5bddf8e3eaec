import { RegistryError } from '../registry/index.js';
import type { FetchedManifest, RegistryClient, RepositoryRef } from '../registry/types.js';

/**
 * The opt-in, bounded search for a signed image index that lists an UNSIGNED platform digest, when
 * none was seen before: list at most `maxTags` tags of the repository, fetch each tag's manifest (at
 * most `maxTags` fetches), and verify the first index that lists the digest. Its cost is therefore
 * bounded by the configuration, never by the repository: one tag-list request (a few pages at most)
 * plus `maxTags` manifests, plus the signature look-up of an index that lists the digest.
 *
 * Advisory only, like the hint it feeds: it never throws. Registry trouble, a cancelled request or a
 * hostile listing all end the scan with "nothing found", which the caller reports as no hint; the
 * verdict itself never depends on the scan.
 */
export interface SignedIndexScan {
  readonly registry: RegistryClient;
  readonly repo: RepositoryRef;
  /** The UNSIGNED platform manifest to find an index for. */
  readonly digest: string;
  readonly maxTags: number;
  readonly signal: AbortSignal | undefined;
  /** Told about every index fetched (digest-checked), whether or not it lists the digest. */
  readonly remember: (index: FetchedManifest) => void;
  /** Whether `indexDigest` verifies under the caller's policy. */
  readonly verifies: (indexDigest: string) => Promise<boolean>;
}

export interface FoundSignedIndex {
  readonly indexDigest: string;
  readonly tag: string;
}

/**
 * Tags that name cosign's signature, attestation and SBOM artifacts (`sha256-<hex>.sig`, `.att`,
 * `.sbom`) or the referrers fallback index (`sha256-<hex>`): never an image's index, so fetching
 * them would spend the bound on nothing. (A referrers fallback *is* an index, and it lists artifacts
 * that refer to a digest, not images: it must not be mistaken for a publisher's index either.)
 */
const ARTIFACT_TAG = /^sha256-[0-9a-f]{64}(?:\.[a-z]{1,16})?$/;

/**
 * Failures that concern one tag's manifest only (deleted since the listing, a Helm chart or other
 * artifact we cannot parse, an oversized or lying answer): the scan goes on with the next tag.
 * Anything else (the registry down, rate limiting, denial, timeouts, cancellation) ends the scan:
 * asking again for each remaining tag would only multiply requests to a registry in trouble.
 */
const PER_TAG_FAILURES: ReadonlySet<string> = new Set([
  'MANIFEST_UNKNOWN',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_MANIFEST',
  'MANIFEST_TOO_LARGE',
  'DIGEST_MISMATCH',
  'INVALID_REQUEST',
]);

export async function findSignedIndexByTags(scan: SignedIndexScan): Promise<FoundSignedIndex | undefined> {
  if (scan.maxTags <= 0) return undefined;
  const { registry, repo, signal } = scan;
  try {
    const { tags } = await registry.listTags(repo, { limit: scan.maxTags, signal });
    let fetches = 0;
    for (const tag of tags) {
      if (ARTIFACT_TAG.test(tag)) continue;
      if (fetches >= scan.maxTags || signal?.aborted === true) return undefined;
      fetches++;
      let fetched: FetchedManifest;
      try {
        fetched = await registry.fetchManifest(repo, tag, { signal });
      } catch (error) {
        if (error instanceof RegistryError && PER_TAG_FAILURES.has(error.code)) continue;
        return undefined;
      }
      if (fetched.manifest.kind !== 'index') continue;
      scan.remember(fetched);
      if (!fetched.manifest.manifests.some((entry) => entry.digest === scan.digest)) continue;
      // Membership was checked from the index's own (digest-checked) bytes; trust comes only from
      // verifying that index's signatures under the same policy.
      if (await scan.verifies(fetched.digest)) return { indexDigest: fetched.digest, tag };
    }
    return undefined;
  } catch {
    // The listing failed, or verifying a candidate index did: no hint, never an error.
    return undefined;
  }
}
