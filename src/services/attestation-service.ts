import {
  discoverAttestations,
  type AttestationDiscoveryResult,
  type DiscoveredAttestation,
} from '../attestations/discovery/index.js';
import { compileConditions, type CompiledCondition } from '../attestations/conditions/index.js';
import {
  resolvePredicateType,
  verifyAttestations,
  type AttestationDigestVerification,
} from '../attestations/verification/index.js';
import type { VerificationCache } from '../cache/index.js';
import type { DiscoveryLimits, PayloadMemo } from '../discovery/index.js';
import { ImprimaturError } from '../errors/index.js';
import { ConcurrencyGate } from '../registry/index.js';
import type { FetchedManifest, RegistryClient, RepositoryRef } from '../registry/types.js';
import {
  compilePolicy,
  PolicyError,
  trustRootsForPolicy,
  trustRootsKey,
  type TrustRootSnapshot,
} from '../verification/index.js';
import type { Policy, VerificationErrorCode } from '../verification/types.js';
import { VERIFICATIONS_IN_FLIGHT_PER_REQUEST, type VerificationService } from './verification-service.js';

export interface AttestationServiceOptions {
  readonly registry: RegistryClient;
  /** The roots in force when the request began; a policy picks among them (`trustRoot`). */
  readonly trustRoots: TrustRootSnapshot;
  readonly limits: DiscoveryLimits;
  /** This request's signature service: bundle referrers are listed and fetched once, for both. */
  readonly signatures: VerificationService;
  readonly signal?: AbortSignal;
  /** Process-wide verdict cache (the signatures' own, under attestation keys); else per request. */
  readonly cache?: VerificationCache;
  /** Parsed blobs kept across requests (src/discovery/payload-memo.ts); absent: parsed per request. */
  readonly memo?: PayloadMemo;
}

/** A digest's attestation verdict as the edges report it. */
export type AttestationVerificationOutcome = AttestationDigestVerification & {
  /** True when the verdict was computed by an earlier request and taken from the cache. */
  readonly cached: boolean;
  /** When the verdict was computed (for a cached one, by the earlier request). */
  readonly checkedAt: Date;
};

/**
 * Attestations and their verification, one instance per incoming request (like VerificationService):
 * each digest's attestations are discovered at most once however many fields ask, and each (digest,
 * predicate type, policy) verified at most once.
 */
export class AttestationService {
  private readonly discoveries = new Map<string, Promise<AttestationDiscoveryResult>>();
  private readonly verdicts = new Map<string, Promise<AttestationVerificationOutcome>>();
  /**
   * Attestation look-ups and verifications of this request under way at once, for the same reason
   * and with the same number as signatures' (an index of 3000 entries asked for every entry's
   * attestations must become a queue, not 3000 discoveries set going in one turn). Taken by the
   * public entry points only, never by what they call, so a holder never waits for a slot held by
   * another one waiting for it. A gate of its own: the signature service's slots are not taken here,
   * so neither service can wait on the other's.
   */
  private readonly gate = new ConcurrencyGate(VERIFICATIONS_IN_FLIGHT_PER_REQUEST);

  constructor(private readonly options: AttestationServiceOptions) {}

  /**
   * Every attestation stored for `digest` (legacy `.att`, bundle referrers, and — when it was reached
   * through `index` — BuildKit's attestation manifests there), unverified.
   */
  attestationsOf(
    repo: RepositoryRef,
    digest: string,
    index: FetchedManifest | undefined,
  ): Promise<AttestationDiscoveryResult> {
    return this.gate.run(this.options.signal, `attestations of ${digest}`, () =>
      this.discover(repo, digest, index),
    );
  }

  /** {@link attestationsOf} without a slot, for what already holds one: at most once per key. */
  private discover(
    repo: RepositoryRef,
    digest: string,
    index: FetchedManifest | undefined,
  ): Promise<AttestationDiscoveryResult> {
    const key = JSON.stringify([repo.registry, repo.repository, digest, index?.digest ?? null]);
    let found = this.discoveries.get(key);
    if (found === undefined) {
      found = discoverAttestations({
        client: this.options.registry,
        repo,
        digest,
        limits: this.options.limits,
        signal: this.options.signal,
        referrers: this.options.signatures.referrerFindings(repo, digest),
        index,
        memo: this.options.memo,
      });
      // Fields that never await it (a query for `verification` only) must not leave a rejection unhandled.
      void found.catch(() => undefined);
      this.discoveries.set(key, found);
    }
    return found;
  }

  /** The attestations of `found` of one predicate type (short name or URI), or all. */
  select(
    found: AttestationDiscoveryResult,
    predicateType: string | undefined,
  ): readonly DiscoveredAttestation[] {
    if (predicateType === undefined) return found.attestations;
    const wanted = predicateTypeOf(predicateType);
    return found.attestations.filter((a) => a.statement?.predicateType === wanted);
  }

  /**
   * `cosign verify-attestation --type predicateType` for `digest`. Reached through `index` (an image
   * index listing `digest`, fetched and digest-checked), a digest whose own attestations do not
   * verify is VERIFIED_VIA_INDEX when the index's do: the index's statement names the index digest,
   * which covers the index bytes, which name this digest. Registry trouble is a FAILED answer with
   * the registry's code; an invalid policy, predicate type or condition is thrown (INVALID_POLICY).
   * `conditions` are CEL expressions over the verified statement (src/attestations/conditions).
   */
  async verify(
    repo: RepositoryRef,
    digest: string,
    policy: Policy,
    predicateType: string,
    index: FetchedManifest | undefined,
    conditions: readonly string[] = [],
  ): Promise<AttestationVerificationOutcome> {
    const wanted = predicateTypeOf(predicateType);
    compilePolicy(policy); // INVALID_POLICY before any registry request
    const rules = { texts: conditions, compiled: compileConditions(conditions) };
    try {
      return await this.gate.run(this.options.signal, `attestation verification of ${digest}`, () =>
        this.verifyInTurn(repo, digest, policy, wanted, index, rules),
      );
    } catch (error) {
      return failed(digest, wanted, error);
    }
  }

  /** {@link verify}'s work, holding a slot. */
  private async verifyInTurn(
    repo: RepositoryRef,
    digest: string,
    policy: Policy,
    wanted: string,
    index: FetchedManifest | undefined,
    rules: ConditionSet,
  ): Promise<AttestationVerificationOutcome> {
    const own = await this.verifyOwn(repo, digest, digest, policy, wanted, index, rules);
    if (own.verified || index?.manifest.kind !== 'index') return own;
    if (!index.manifest.manifests.some((entry) => entry.digest === digest)) {
      return own;
    }
    // An attestation stored with the index whose subjects list this digest is about this digest
    // itself: it verifies it directly.
    const direct = await this.verifyOwn(repo, index.digest, digest, policy, wanted, undefined, rules);
    if (direct.verified) return direct;
    const inherited = await this.verifyOwn(
      repo,
      index.digest,
      index.digest,
      policy,
      wanted,
      undefined,
      rules,
    );
    if (!inherited.verified) return own;
    return {
      ...inherited,
      digest,
      status: 'VERIFIED_VIA_INDEX',
      inheritedFrom: index.digest,
      // As fresh as the older of the two verdicts it rests on.
      cached: own.cached || inherited.cached,
      checkedAt: own.checkedAt < inherited.checkedAt ? own.checkedAt : inherited.checkedAt,
    };
  }

  /** The attestations stored for `storedFor`, verified as being about `subjectDigest`. */
  private verifyOwn(
    repo: RepositoryRef,
    storedFor: string,
    subjectDigest: string,
    policy: Policy,
    predicateType: string,
    index: FetchedManifest | undefined,
    conditions: ConditionSet,
  ): Promise<AttestationVerificationOutcome> {
    const key = JSON.stringify([
      repo.registry,
      repo.repository,
      storedFor,
      subjectDigest,
      predicateType,
      policy,
      conditions.texts,
    ]);
    let pending = this.verdicts.get(key);
    if (pending === undefined) {
      const roots = trustRootsForPolicy(this.options.trustRoots, policy);
      const verify = () =>
        this.discover(repo, storedFor, index).then((found) =>
          verifyAttestations(
            { ...found, subjectDigest },
            predicateType,
            compilePolicy(policy),
            roots,
            conditions.compiled,
            this.options.signal,
          ),
        );
      const cache = this.options.cache;
      // The verdict does not depend on `index` (BuildKit statements are never verified), so the
      // process-wide cache key does not name it.
      pending =
        cache === undefined
          ? verify().then((verdict) => ({ ...verdict, cached: false, checkedAt: new Date() }))
          : cache
              .verifyAttestation(
                {
                  repo,
                  digest: storedFor,
                  subjectDigest,
                  predicateType,
                  policy,
                  conditions: conditions.texts,
                  trustRootId: trustRootsKey(roots),
                },
                this.options.signal,
                verify,
              )
              .then(({ verification, cached, checkedAt }) => ({ ...verification, cached, checkedAt }));
      this.verdicts.set(key, pending);
    }
    return pending;
  }
}

/** A policy's CEL conditions: their texts (for keys) and their compiled form (for evaluation). */
interface ConditionSet {
  readonly texts: readonly string[];
  readonly compiled: readonly CompiledCondition[];
}

function predicateTypeOf(nameOrUri: string): string {
  try {
    return resolvePredicateType(nameOrUri);
  } catch (error) {
    throw new PolicyError(error instanceof Error ? error.message : String(error));
  }
}

/** Registry or discovery trouble: FAILED with its code (never UNSIGNED); anything else is rethrown. */
function failed(digest: string, predicateType: string, error: unknown): AttestationVerificationOutcome {
  if (error instanceof PolicyError || !(error instanceof ImprimaturError)) throw error;
  return {
    digest,
    predicateType,
    verified: false,
    status: 'FAILED',
    errors: [{ code: error.code as VerificationErrorCode, message: error.message }],
    attestations: [],
    inheritedFrom: undefined,
    cached: false,
    checkedAt: new Date(),
  };
}
