import { createHash } from 'node:crypto';
import { RegistryError } from '../registry/index.js';
import type { RepositoryRef } from '../registry/types.js';
import type { AttestationDigestVerification } from '../attestations/verification/index.js';
import type { DigestVerification, Policy } from '../verification/types.js';
import type { CacheStore } from './cache-store.js';
import { canonicalJson, policyFingerprint } from './canonical-policy.js';
import { SingleFlight } from './single-flight.js';

/** What a verdict is about. Every field is part of the key. */
export interface VerificationKey {
  readonly repo: RepositoryRef;
  readonly digest: string;
  readonly policy: Policy;
  /**
   * The roots the policy accepts, each by name and content id (`github=sha256:…`): a verdict under
   * one root says nothing about another, nor about the same name after a rotation.
   */
  readonly trustRootId: string;
}

/** A verdict and where it came from. */
export interface CachedVerification {
  readonly verification: DigestVerification;
  /** True when the verdict was computed by an earlier request and read from the cache. */
  readonly cached: boolean;
  /** When the verdict was computed (for a cached one: in the earlier request). */
  readonly checkedAt: Date;
}

export interface VerificationCacheOptions {
  /** How long a VERIFIED, VERIFIED_VIA_INDEX or UNSIGNED verdict is reused, in ms (0: never). */
  readonly verdictTtlMs: number;
  /** How long a FAILED verdict is reused, in ms (0: never). */
  readonly failureTtlMs: number;
  readonly now?: () => number;
}

interface StoredVerdict {
  readonly verification: DigestVerification;
  readonly checkedAt: Date;
}

/**
 * Verdicts keyed by (registry, repository, digest, canonical policy, trust root). The namespace is
 * process-local (see `isShareable`): a verdict cannot be re-checked on read, so it is never taken
 * from a store that others can write to.
 *
 * Concurrent identical verifications are merged (single-flight), so a burst of requests for one
 * image costs one discovery and one verification.
 */
export class VerificationCache {
  private readonly flights = new SingleFlight<StoredVerdict & { readonly cached: boolean }>();
  private readonly attestationFlights = new SingleFlight<
    StoredAttestationVerdict & { readonly cached: boolean }
  >();
  private readonly now: () => number;

  constructor(
    private readonly store: CacheStore,
    private readonly options: VerificationCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The cached verdict for `key`, or the result of `verify()` (stored when it may be). A rejected
   * `verify` is never stored: it means the answer is unknown right now (a registry failure), and
   * the next request must ask again rather than be told something stale or wrong.
   */
  async verify(
    key: VerificationKey,
    signal: AbortSignal | undefined,
    verify: () => Promise<DigestVerification>,
  ): Promise<CachedVerification> {
    const parts = [
      key.repo.registry,
      key.repo.repository,
      key.digest,
      key.trustRootId,
      policyFingerprint(key.policy),
    ];
    const { value } = await this.flights.run(
      JSON.stringify(parts),
      signal,
      async () => {
        const cached = await this.store.get('verification', parts, verdictDecoder(key.digest));
        if (cached !== undefined) return { ...cached, cached: true };
        const verification = await verify();
        const verdict: StoredVerdict = { verification, checkedAt: new Date(this.now()) };
        await this.store.set(
          'verification',
          parts,
          verdict,
          this.ttlMsOf(verification, mentionsRegistryError(verification)),
        );
        // Callers that joined this flight get the same answer, computed just now for them too.
        return { ...verdict, cached: false };
      },
      (reason) =>
        new RegistryError('REGISTRY_ABORTED', `verification of ${key.digest} was cancelled`, {
          cause: reason,
        }),
    );
    return { verification: value.verification, cached: value.cached, checkedAt: value.checkedAt };
  }

  /**
   * {@link verify} for `cosign verify-attestation`: the attestations stored for `key.digest`,
   * verified as being about `subjectDigest` (the digest itself, or a platform digest an index's
   * statement lists) for one predicate type. Same store, same rules; the key says it is an
   * attestation verdict, so it can never be read as a signature verdict or the other way round.
   */
  async verifyAttestation(
    key: VerificationKey & {
      readonly subjectDigest: string;
      readonly predicateType: string;
      /** CEL conditions (texts, in order); a verdict under other conditions is another verdict. */
      readonly conditions?: readonly string[];
    },
    signal: AbortSignal | undefined,
    verify: () => Promise<AttestationDigestVerification>,
  ): Promise<CachedAttestationVerification> {
    const parts = [
      'attestation',
      key.repo.registry,
      key.repo.repository,
      key.digest,
      key.subjectDigest,
      key.predicateType,
      key.trustRootId,
      policyFingerprint(key.policy),
      // Appended only when present, so verdicts without conditions keep their existing keys.
      ...(key.conditions === undefined || key.conditions.length === 0
        ? []
        : [`conditions:${sha256Hex(canonicalJson(key.conditions))}`]),
    ];
    const { value } = await this.attestationFlights.run(
      JSON.stringify(parts),
      signal,
      async () => {
        const cached = await this.store.get(
          'verification',
          parts,
          attestationVerdictDecoder(key.subjectDigest, key.predicateType),
        );
        if (cached !== undefined) return { ...cached, cached: true };
        const verification = await verify();
        const verdict = { verification, checkedAt: new Date(this.now()) };
        // A verdict that rests on a read that failed or a condition that got no answer (deadline,
        // memory) may come out otherwise on the next try: never reused.
        const failedToRead = verification.attestations.some((a) =>
          a.errors.some(
            (issue) => issue.code === 'REGISTRY_ERROR' || issue.code === 'CONDITION_NOT_EVALUATED',
          ),
        );
        await this.store.set('verification', parts, verdict, this.ttlMsOf(verification, failedToRead));
        return { ...verdict, cached: false };
      },
      (reason) =>
        new RegistryError('REGISTRY_ABORTED', `attestation verification of ${key.digest} was cancelled`, {
          cause: reason,
        }),
    );
    return { verification: value.verification, cached: value.cached, checkedAt: value.checkedAt };
  }

  private ttlMsOf(
    verification: Pick<DigestVerification, 'status' | 'errors'>,
    entryRegistryError: boolean,
  ): number {
    // A registry error inside a verdict (a signature layer that could not be read, access denied)
    // may be gone on the next try: such a verdict is never reused.
    if (entryRegistryError || verification.errors.some((issue) => issue.code === 'REGISTRY_ERROR')) return 0;
    switch (verification.status) {
      case 'VERIFIED':
      case 'VERIFIED_VIA_INDEX':
      case 'UNSIGNED':
        return this.options.verdictTtlMs;
      case 'FAILED':
        return this.options.failureTtlMs;
      default:
        return unreachable(verification.status);
    }
  }
}

function mentionsRegistryError(verification: DigestVerification): boolean {
  return (
    verification.errors.some((issue) => issue.code === 'REGISTRY_ERROR') ||
    verification.signatures.some((signature) =>
      signature.errors.some((issue) => issue.code === 'REGISTRY_ERROR'),
    )
  );
}

interface StoredAttestationVerdict {
  readonly verification: AttestationDigestVerification;
  readonly checkedAt: Date;
}

/** An attestation verdict and where it came from (see {@link CachedVerification}). */
export interface CachedAttestationVerification {
  readonly verification: AttestationDigestVerification;
  readonly cached: boolean;
  readonly checkedAt: Date;
}

function attestationVerdictDecoder(
  digest: string,
  predicateType: string,
): (raw: unknown) => StoredAttestationVerdict | undefined {
  return (raw) => {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const candidate = raw as Partial<StoredAttestationVerdict>;
    if (!(candidate.checkedAt instanceof Date)) return undefined;
    const verdict = candidate.verification;
    if (verdict?.digest !== digest || verdict.predicateType !== predicateType) return undefined;
    return candidate as StoredAttestationVerdict;
  };
}

/** Verdicts are process-local (our own writes); the check is a guard against a format change, not an attack. */
function verdictDecoder(digest: string): (raw: unknown) => StoredVerdict | undefined {
  return (raw) => {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const candidate = raw as Partial<StoredVerdict>;
    if (!(candidate.checkedAt instanceof Date) || candidate.verification?.digest !== digest) return undefined;
    return candidate as StoredVerdict;
  };
}

function unreachable(value: never): never {
  throw new Error(`unexpected verification status ${String(value)}`);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
