import { setImmediate as afterPendingIo } from 'node:timers/promises';
import {
  type PayloadMemo,
  startBundleReferrerDiscovery,
  startDiscovery,
  type Discovery,
  type DiscoveryLimits,
  type DiscoveryResult,
  type Findings,
} from '../discovery/index.js';
import type { VerificationCache } from '../cache/index.js';
import { ConcurrencyGate, currentRequestBudget } from '../registry/index.js';
import type { FetchedManifest, RegistryClient, RepositoryRef } from '../registry/types.js';
import { DEFAULT_HINT_SCAN_MAX_TAGS } from '../config/index.js';
import { ImprimaturError } from '../errors/index.js';
import { traceVerification } from '../telemetry/index.js';
import {
  compilePolicy,
  PolicyError,
  summarizeDigest,
  verifySignatures,
  trustRootsForPolicy,
  trustRootsKey,
  type NamedTrustRoot,
  type TrustRootSnapshot,
} from '../verification/index.js';
import type { DigestVerification, Policy, VerificationErrorCode } from '../verification/types.js';
import type { IndexMembership } from './index-membership.js';
import { findSignedIndexByTags } from './signed-index-scan.js';

export interface VerificationServiceOptions {
  readonly registry: RegistryClient;
  /** The trust roots in force when the request began; a policy picks among them (`trustRoot`). */
  readonly trustRoots: TrustRootSnapshot;
  readonly limits: DiscoveryLimits;
  /** Process-wide record of which index lists which manifest, for hints. */
  readonly membership: IndexMembership;
  /**
   * Process-wide verdict cache (keyed by digest, canonical policy and trust root id). Without it,
   * verdicts live only as long as this request.
   */
  readonly cache?: VerificationCache;
  /**
   * Most tags listed, and most tag manifests fetched, by the opt-in scan for a signed index
   * ({@link VerifyOptions.scanTags}). Default 50 (`IMPRIMATUR_HINT_SCAN_MAX_TAGS`); 0: never scan.
   */
  readonly hintScanMaxTags?: number;
  readonly signal?: AbortSignal;
  /** Parsed blobs kept across requests (src/discovery/payload-memo.ts); absent: parsed per request. */
  readonly memo?: PayloadMemo;
}

/** Per call choices of {@link VerificationService.verify}. */
export interface VerifyOptions {
  /**
   * When the digest is UNSIGNED and no signed index listing it is known, look through up to
   * `hintScanMaxTags` of the repository's tags for one (up to N+1 registry requests). It only ever
   * adds a hint; the status stays what the digest's own signatures say. Default false.
   */
  readonly scanTags?: boolean;
}

/**
 * Signature look-ups and verifications of one request under way at once; the rest wait their turn.
 * An index of 3000 entries asked for every entry's verification would otherwise set 3000 discoveries
 * going in one event-loop turn — each a handful of promises, signals and cache look-ups before its
 * first registry request reaches the transport's own bounds — and the process would be busy with
 * that for seconds, answering nobody else. Enough to keep the request's registry slots
 * (`IMPRIMATUR_REGISTRY_CONCURRENCY_PER_REQUEST`, each look-up has two or three requests in flight)
 * busy.
 */
export const VERIFICATIONS_IN_FLIGHT_PER_REQUEST = 16;

/** A digest's own verdict and how fresh it is. */
type OwnVerification = DigestVerification & { readonly cached: boolean; readonly checkedAt: Date };

/** A verification as the edges report it: the digest's own outcome, inheritance, and a hint. */
export interface VerificationOutcome extends DigestVerification {
  /**
   * For an UNSIGNED manifest that a signed index is known to list: which index to verify instead.
   * Advisory only; it never changes `status`.
   */
  readonly hint: string | undefined;
  /** True when the verdict was computed by an earlier request and taken from the cache. */
  readonly cached: boolean;
  /** When the verdict was computed (for a cached one, by the earlier request). */
  readonly checkedAt: Date;
}

const digestKey = (repo: RepositoryRef, digest: string): string =>
  JSON.stringify([repo.registry, repo.repository, digest]);

/**
 * Signatures and verification, one instance per incoming request (like `ImageService`): discovery of a
 * digest happens at most once per request however many fields and policies ask for it, and each
 * (digest, policy) pair is verified at most once.
 */
export class VerificationService {
  /** Discovery at most once per digest per request, shared by `signatures` and every verification. */
  private readonly discoveries = new Map<string, Discovery>();
  private readonly verifications = new Map<string, Promise<OwnVerification>>();
  /** Bundle-referrer look-ups started for attestations before any signature discovery of the digest. */
  private readonly referrerParts = new Map<string, Promise<Findings>>();
  /**
   * Taken by the public entry points only (never by what they call), so a holder never waits for a
   * slot held by another one waiting for it.
   */
  private readonly gate = new ConcurrencyGate(VERIFICATIONS_IN_FLIGHT_PER_REQUEST);

  constructor(private readonly options: VerificationServiceOptions) {}

  /** Every signature stored for `digest`, parsed but unverified. */
  async signaturesOf(repo: RepositoryRef, digest: string): Promise<DiscoveryResult> {
    return this.gate.run(
      this.options.signal,
      `signatures of ${digest}`,
      () => this.discovery(repo, digest).result,
    );
  }

  /**
   * The bundle-referrer findings of `digest` (signatures *and* the attestations sorted out beside
   * them), from this request's one discovery: attestation discovery reads referrers from here.
   */
  referrerFindings(repo: RepositoryRef, digest: string): Promise<Findings> {
    const key = digestKey(repo, digest);
    const started = this.discoveries.get(key);
    if (started !== undefined) return started.parts[1];
    // Only the referrers: an attestation query has no use for the `.sig` tag. A signature discovery
    // of the same digest later in this request picks this look-up up instead of repeating it.
    let part = this.referrerParts.get(key);
    if (part === undefined) {
      part = startBundleReferrerDiscovery(this.options.registry, repo, digest, this.options.limits, {
        signal: this.options.signal,
        memo: this.options.memo,
      });
      this.referrerParts.set(key, part);
    }
    return part;
  }

  private discovery(repo: RepositoryRef, digest: string): Discovery {
    const key = digestKey(repo, digest);
    let discovery = this.discoveries.get(key);
    if (discovery === undefined) {
      discovery = startDiscovery(this.options.registry, repo, digest, this.options.limits, {
        signal: this.options.signal,
        bundleReferrers: this.referrerParts.get(key),
        memo: this.options.memo,
      });
      this.discoveries.set(key, discovery);
    }
    return discovery;
  }

  /**
   * Discovers and verifies `digest` under `policy`: the same verdict as `verifyDigest` over the whole
   * discovery, but each format's signatures are verified as soon as that format is found. Legacy
   * `.sig` signatures are usually complete a request or two before bundle referrers, and verifying
   * them (CPU only, ~1–2 ms each) then fills time otherwise spent waiting for the registry. While the
   * other format is still fetching, a format's turn comes after the I/O already waiting has been
   * handled, so the other format's next request goes out first instead of queueing behind the
   * cryptography; the last format in is verified at once.
   */
  private async verifyAsFound(
    repo: RepositoryRef,
    digest: string,
    policy: Policy,
  ): Promise<DigestVerification> {
    const compiled = compilePolicy(policy);
    const roots = this.rootsFor(policy);
    // The verdict is summed up over exactly the parts' own findings, and only once every part is
    // in: a format that failed rejects this whole verification (Promise.all), however far the other
    // format got.
    const { parts: discovered } = this.discovery(repo, digest);
    let fetching = discovered.length;
    const parts = await Promise.all(
      discovered.map(async (part) => {
        let found: Findings;
        try {
          found = await part;
        } finally {
          fetching -= 1;
        }
        if (found.signatures.length === 0) return { found, verified: [] };
        // The turn is for the other format's requests; once every format is in, it would only delay.
        if (fetching > 0) await afterPendingIo();
        return {
          found,
          verified: verifySignatures(found.signatures, digest, compiled, roots),
        };
      }),
    );
    return summarizeDigest(
      digest,
      parts.flatMap((p) => p.verified),
      parts.flatMap((p) => p.found.problems),
    );
  }

  /**
   * Verifies `digest` on its own, as `cosign verify repo@digest` would. When it is UNSIGNED and a
   * signed index in the same repository is known to list it (or, with `scanTags`, is found among the
   * repository's tags), adds a hint naming that index — after verifying that index under the same
   * policy, so the hint never points at an unverifiable index.
   */
  async verify(
    repo: RepositoryRef,
    digest: string,
    policy: Policy,
    options: VerifyOptions = {},
  ): Promise<VerificationOutcome> {
    const own = await this.verifyOwn(repo, digest, policy);
    if (own.status !== 'UNSIGNED') return { ...own, hint: undefined };
    return { ...own, hint: await this.hintFor(repo, digest, policy, options) };
  }

  /**
   * Verifies a manifest reached through `index` (already fetched and digest-checked). If its own
   * signatures do not verify but the index's do, it is VERIFIED_VIA_INDEX: the index's signed digest
   * covers the index bytes, and those bytes name this manifest's digest, so the trust is sound.
   * Membership is checked here from the index bytes, never taken from the caller.
   */
  async verifyViaIndex(
    repo: RepositoryRef,
    digest: string,
    policy: Policy,
    index: FetchedManifest,
    options: VerifyOptions = {},
  ): Promise<VerificationOutcome> {
    const own = await this.verifyOwn(repo, digest, policy);
    // The index it was reached through does not cover it; only a scan (when asked for) may name another.
    const alone = async (): Promise<VerificationOutcome> => ({
      ...own,
      hint:
        own.status === 'UNSIGNED' && options.scanTags === true
          ? await this.scannedHint(repo, digest, policy)
          : undefined,
    });
    if (own.verified || index.manifest.kind !== 'index') return { ...own, hint: undefined };
    if (!index.manifest.manifests.some((entry) => entry.digest === digest)) return alone();
    const inherited = await this.verifyOwn(repo, index.digest, policy);
    if (!inherited.verified) return alone();
    return {
      digest,
      verified: true,
      status: 'VERIFIED_VIA_INDEX',
      errors: [],
      // The signatures that establish trust are the index's; the manifest's own (failed or absent)
      // outcomes stay visible through `signatures` of the platform manifest itself.
      signatures: inherited.signatures,
      inheritedFrom: index.digest,
      hint: undefined,
      // As fresh as the older of the two verdicts it rests on.
      cached: own.cached || inherited.cached,
      checkedAt: own.checkedAt < inherited.checkedAt ? own.checkedAt : inherited.checkedAt,
    };
  }

  /**
   * Verifies the manifest an image reference named (already fetched). Registry trouble while looking
   * for signatures is reported as a FAILED verification carrying the registry's code, never thrown:
   * a fleet query must still answer for the other images, and "could not check" is never "unsigned".
   * An invalid policy is the caller's mistake and is thrown (INVALID_POLICY).
   */
  async verifyManifest(
    repo: RepositoryRef,
    manifest: FetchedManifest,
    policy: Policy,
    options: VerifyOptions = {},
  ): Promise<VerificationOutcome> {
    this.rememberIndex(repo, manifest);
    return this.gate
      .run(this.options.signal, `verification of ${manifest.digest}`, () =>
        this.verify(repo, manifest.digest, policy, options),
      )
      .catch((error: unknown) => failed(manifest.digest, error));
  }

  /** {@link verifyViaIndex} with the same failure handling as {@link verifyManifest}. */
  async verifyIndexEntry(
    repo: RepositoryRef,
    digest: string,
    policy: Policy,
    index: FetchedManifest,
    options: VerifyOptions = {},
  ): Promise<VerificationOutcome> {
    return this.gate
      .run(this.options.signal, `verification of ${digest}`, () =>
        this.verifyViaIndex(repo, digest, policy, index, options),
      )
      .catch((error: unknown) => failed(digest, error));
  }

  /** Records that `index` lists its entries, so later look-ups of a member can hint at it. */
  rememberIndex(repo: RepositoryRef, index: FetchedManifest): void {
    if (index.manifest.kind !== 'index') return;
    this.options.membership.record(
      { registry: repo.registry, repository: repo.repository, indexDigest: index.digest },
      index.manifest.manifests.map((entry) => entry.digest),
    );
  }

  /** The hint for an UNSIGNED `digest`: a known signed index first, then (if asked) a tag scan. */
  private async hintFor(
    repo: RepositoryRef,
    digest: string,
    policy: Policy,
    options: VerifyOptions,
  ): Promise<string | undefined> {
    const listing = this.options.membership.lookup(repo.registry, repo.repository, digest);
    if (listing !== undefined) {
      const index = await this.verifyOwn(repo, listing.indexDigest, policy).catch(() => undefined);
      if (index?.verified === true) return indexHint(repo, digest, listing.indexDigest, undefined);
    }
    return options.scanTags === true ? this.scannedHint(repo, digest, policy) : undefined;
  }

  /** The opt-in scan (see signed-index-scan.ts); every index it reads is remembered for later hints. */
  private async scannedHint(
    repo: RepositoryRef,
    digest: string,
    policy: Policy,
  ): Promise<string | undefined> {
    const found = await findSignedIndexByTags({
      registry: this.options.registry,
      repo,
      digest,
      maxTags: this.options.hintScanMaxTags ?? DEFAULT_HINT_SCAN_MAX_TAGS,
      signal: this.options.signal,
      remember: (index) => this.rememberIndex(repo, index),
      verifies: async (indexDigest) => (await this.verifyOwn(repo, indexDigest, policy)).verified,
    });
    return found === undefined ? undefined : indexHint(repo, digest, found.indexDigest, found.tag);
  }

  private rootsFor(policy: Policy): NamedTrustRoot[] {
    return trustRootsForPolicy(this.options.trustRoots, policy);
  }

  private verifyOwn(repo: RepositoryRef, digest: string, policy: Policy): Promise<OwnVerification> {
    // The policy is part of the key: a result is never reused for another policy.
    const key = JSON.stringify([repo.registry, repo.repository, digest, policy]);
    let pending = this.verifications.get(key);
    if (pending === undefined) {
      // One `verify` span and one count per (digest, policy) actually verified, discovery included.
      const verify = () => {
        // Not in the verdict cache, and past the request's registry budget: its first registry request
        // would be refused anyway; refusing here spares setting the discovery up, which is most of
        // what refusing thousands of entries of a hostile index costs. (Cached verdicts stay free.)
        const budget = currentRequestBudget();
        if (budget?.exhausted === true) return Promise.reject(budget.refusal());
        return traceVerification({ ...repo, digest }, () => this.verifyAsFound(repo, digest, policy));
      };
      const cache = this.options.cache;
      pending =
        cache === undefined
          ? verify().then((verdict) => ({ ...verdict, cached: false, checkedAt: new Date() }))
          : cache
              .verify(
                { repo, digest, policy, trustRootId: trustRootsKey(this.rootsFor(policy)) },
                this.options.signal,
                verify,
              )
              .then(({ verification, cached, checkedAt }) => ({ ...verification, cached, checkedAt }));
      this.verifications.set(key, pending);
    }
    return pending;
  }
}

/** The hint's wording, shared by a known index and one found by the tag scan (which names its tag). */
function indexHint(
  repo: RepositoryRef,
  digest: string,
  indexDigest: string,
  tag: string | undefined,
): string {
  const tagged = tag === undefined ? '' : ` (tag ${tag})`;
  return (
    `${digest} has no signatures of its own, but it is listed by the image index ${indexDigest}${tagged}, ` +
    `which is signed and verifies under this policy. Publishers usually sign only the index; verify ` +
    `${repo.registry}/${repo.repository}@${indexDigest} instead.`
  );
}

/** A verification that could not be carried out: FAILED with the underlying code, or rethrown. */
function failed(digest: string, error: unknown): VerificationOutcome {
  // Policy mistakes and unexpected bugs surface as errors; only coded runtime failures (registry,
  // discovery) become a FAILED answer.
  if (error instanceof PolicyError || !(error instanceof ImprimaturError)) throw error;
  return {
    digest,
    verified: false,
    status: 'FAILED',
    errors: [{ code: error.code as VerificationErrorCode, message: error.message }],
    signatures: [],
    inheritedFrom: undefined,
    hint: undefined,
    cached: false,
    checkedAt: new Date(),
  };
}
