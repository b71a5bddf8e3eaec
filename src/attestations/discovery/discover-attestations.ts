import { createHash } from 'node:crypto';
import {
  attestationBytesCap,
  type BundleSignature,
  memoizedSync,
  payloadMemoKey,
  type PayloadMemo,
  type DiscoveryContext,
  DiscoveryError,
  type DiscoveryLimits,
  type DiscoveryProblem,
  type Findings,
  problemFromFailure,
} from '../../discovery/index.js';
import type { FetchedManifest, RegistryClient, RepositoryRef } from '../../registry/types.js';
import { bundleAttestation } from './bundle-attestations.js';
import { discoverBuildKitAttestations } from './buildkit-attestations.js';
import { discoverLegacyAttestations } from './legacy-attestations.js';
import type { AttestationDiscoveryResult, DiscoveredAttestation } from './types.js';

export interface AttestationDiscoveryRequest {
  readonly client: RegistryClient;
  readonly repo: RepositoryRef;
  readonly digest: string;
  readonly limits: DiscoveryLimits;
  readonly signal?: AbortSignal;
  /**
   * The bundle-referrer findings of this digest's *signature* discovery (`startDiscovery(...).parts[1]`):
   * referrers are listed and fetched once, and each one sorted into signature or attestation there.
   */
  readonly referrers: Promise<Findings>;
  /** The index this digest was reached through, where BuildKit keeps its attestation manifests. */
  readonly index: FetchedManifest | undefined;
  /** Parsed blobs kept across requests (src/discovery/payload-memo.ts). */
  readonly memo?: PayloadMemo;
}

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Every attestation stored for one manifest digest, from all three places at once — cosign's legacy
 * `sha256-<hex>.att` tag, Sigstore bundle referrers, and BuildKit attestation manifests in the index
 * — parsed, deduplicated, unverified. The contract is signature discovery's (src/discovery/discover.ts):
 * each unreadable entry is a `problem`, never dropped; only an unknowable answer (a temporary registry
 * failure, an abort) rejects; every loop is capped by `limits`.
 */
export async function discoverAttestations(
  request: AttestationDiscoveryRequest,
): Promise<AttestationDiscoveryResult> {
  const { digest } = request;
  if (!SHA256_DIGEST.test(digest)) {
    throw new DiscoveryError('INVALID_DIGEST', `not a sha256 digest: ${JSON.stringify(digest.slice(0, 80))}`);
  }
  // When one place fails (the answer is then unknowable), the others' requests are cancelled at
  // once rather than left to run for an answer nobody will read.
  const stop = new AbortController();
  const context: DiscoveryContext = {
    client: request.client,
    repository: request.repo,
    subjectDigest: digest,
    limits: request.limits,
    signal: request.signal === undefined ? stop.signal : AbortSignal.any([request.signal, stop.signal]),
    memo: request.memo,
  };
  const cancelOthersOnFailure = <T>(part: Promise<T>): Promise<T> =>
    part.catch((error: unknown) => {
      stop.abort(error);
      throw error;
    });
  const [legacy, referrers, buildkit] = await Promise.all([
    cancelOthersOnFailure(discoverLegacyAttestations(context)),
    cancelOthersOnFailure(request.referrers),
    cancelOthersOnFailure(discoverBuildKitAttestations(context, request.index)),
  ]);
  const fromReferrers: DiscoveredAttestation[] = [];
  const referrerProblems: DiscoveryProblem[] = [...referrers.attestationProblems];
  for (const referrer of referrers.attestations) {
    try {
      fromReferrers.push(bundleAttestationOnce(context, referrer));
    } catch (error) {
      referrerProblems.push(
        problemFromFailure(error, referrer.manifestDigest, `bundle referrer ${referrer.manifestDigest}`),
      );
    }
  }
  return {
    subjectDigest: digest,
    attestations: deduplicate([...legacy.attestations, ...fromReferrers, ...buildkit.attestations]),
    problems: [...legacy.problems, ...referrerProblems],
    unsignedProblems: buildkit.problems,
  };
}

/** {@link bundleAttestation}, its statement parsed once per bundle blob (see payload-memo.ts). */
function bundleAttestationOnce(context: DiscoveryContext, referrer: BundleSignature): DiscoveredAttestation {
  const cap = attestationBytesCap(context.limits);
  const key = payloadMemoKey(
    'bundle-statement',
    context.repository,
    referrer.layerDigest,
    referrer.subjectDigest,
    cap,
  );
  let weight = 0;
  const { statement } = memoizedSync(
    context.memo,
    key,
    () => weight,
    () => {
      const read = bundleAttestation(referrer, cap).statement;
      weight = read?.bytes.length ?? 0;
      return { statement: read };
    },
  );
  return { kind: 'bundle-referrer', subjectDigest: referrer.subjectDigest, referrer, statement };
}

/**
 * One attestation stored twice (the same signed statement under the `.att` tag and as a referrer, a
 * layer blob shared by two BuildKit manifests) is listed once, first source first. "The same" is the
 * same statement bytes with the same signatures: a statement signed twice is two attestations.
 */
function deduplicate(found: readonly DiscoveredAttestation[]): DiscoveredAttestation[] {
  const seen = new Set<string>();
  return found.filter((attestation) => {
    const key = identityOf(attestation);
    if (key === undefined) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function identityOf(attestation: DiscoveredAttestation): string | undefined {
  const statement = attestation.statement;
  if (statement === undefined) return undefined;
  const hash = createHash('sha256').update(statement.bytes).digest('hex');
  switch (attestation.kind) {
    case 'legacy-tag':
      return `${hash} ${attestation.envelope.signatures.map((s) => s.sig).join(',')}`;
    case 'bundle-referrer':
      return `${hash} ${bundleSignatures(attestation.referrer.bundle)}`;
    case 'buildkit':
      return `${hash} unsigned`;
  }
}

function bundleSignatures(bundle: unknown): string {
  const envelope = (bundle as { dsseEnvelope?: { signatures?: unknown } }).dsseEnvelope;
  const list = Array.isArray(envelope?.signatures) ? (envelope.signatures as unknown[]) : [];
  return list.map((s) => String((s as { sig?: unknown } | null)?.sig)).join(',');
}
