import { isSha256Digest, MAX_REFERRERS_PAGES, type Descriptor } from '../registry/index.js';
import { mapBounded } from './bounded-concurrency.js';
import {
  attestationBytesCap,
  type DiscoveryContext,
  FETCH_CONCURRENCY,
  fetchPayload,
  type Findings,
  NOTHING_FOUND,
} from './discovery-context.js';
import { OCI_EMPTY_MEDIA_TYPE, SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX } from './media-types.js';
import { isNotFound, problemFromFailure } from './registry-failures.js';
import { roleByAnnotation, roleOfBundle, type BundleRole } from './bundle-role.js';
import { memoized, payloadMemoKey } from './payload-memo.js';
import { readSigstoreBundle } from './sigstore-bundle.js';
import type { BundleSignature, DiscoveryProblem } from './types.js';
import { quote } from './untrusted-json.js';

type ReferrerOutcome =
  | { readonly role: BundleRole; readonly signature: BundleSignature }
  | { readonly role: BundleRole; readonly problem: DiscoveryProblem }
  | { readonly notABundle: true };

/**
 * cosign v3's format: a Sigstore bundle stored as an OCI artifact whose `subject` is the image, found
 * through the referrers API or its `sha256-<hex>` tag fallback (the client chooses). See cosign's
 * `specs/BUNDLE_SPEC.md`: one manifest per bundle, `artifactType` the bundle media type, exactly one
 * layer holding the bundle JSON.
 */
export async function discoverBundleReferrers(context: DiscoveryContext): Promise<Findings> {
  const { maxSignatures } = context.limits;
  let listed: readonly Descriptor[];
  let truncated: boolean;
  let pageLimitReached: boolean;
  try {
    // Deliberately unfiltered: see `mayBeBundle` for why the listing's artifactType cannot be relied on.
    // So the cap counts every referrer (SBOMs too): more than `maxSignatures` of anything is refused.
    const list = await context.client.listReferrers(context.repository, context.subjectDigest, {
      limit: maxSignatures,
      signal: context.signal,
    });
    listed = list.descriptors;
    truncated = list.truncated;
    pageLimitReached = list.pageLimitReached === true;
  } catch (error) {
    if (isNotFound(error)) return NOTHING_FOUND;
    const what = `referrers of ${context.subjectDigest}`;
    return both(problemFromFailure(error, context.subjectDigest, what, context.signal));
  }
  if (truncated || listed.length > maxSignatures) {
    // Same rule as for legacy layers (and cosign's CVE-2024-29902/29903 fixes): past the cap we read
    // none rather than a subset the registry chose, and say so.
    return both({
      code: 'TOO_MANY_SIGNATURES',
      // Say what happened: a registry that pages on and on (even with empty pages) has not shown us
      // more than the cap, it has just not finished listing.
      message: pageLimitReached
        ? `the registry's referrers listing of ${context.subjectDigest} did not end within ${MAX_REFERRERS_PAGES} pages (${listed.length} referrers listed so far); stopped reading it`
        : `${context.subjectDigest} has more than ${maxSignatures} bundle referrers`,
      source: context.subjectDigest,
    });
  }
  // The listing is the registry's word (and the tag fallback is just an index anyone with push rights
  // writes), so it only tells us where to look: type, subject and content are checked on the manifest.
  // Referrers of other types (SBOMs, notation signatures) are not ours to report; one listed twice
  // is one signature.
  const seen = new Set<string>();
  const candidates: Descriptor[] = [];
  const problems: DiscoveryProblem[] = [];
  for (const d of listed) {
    if (!mayBeBundle(d) || seen.has(d.digest)) continue;
    seen.add(d.digest);
    // Checked here, not left to the request: the digest becomes part of a URL, and a listing entry we
    // cannot even fetch is still a signature slot we must report rather than skip.
    if (isSha256Digest(d.digest)) candidates.push(d);
    else problems.push(invalidListing(d.digest));
  }
  const outcomes = await mapBounded(candidates, FETCH_CONCURRENCY, (d) => readReferrer(context, d));
  const signatures: BundleSignature[] = [];
  const attestations: BundleSignature[] = [];
  const attestationProblems: DiscoveryProblem[] = [];
  for (const outcome of outcomes) {
    if ('notABundle' in outcome) continue;
    const attestation = outcome.role === 'attestation';
    if ('problem' in outcome) (attestation ? attestationProblems : problems).push(outcome.problem);
    else (attestation ? attestations : signatures).push(outcome.signature);
  }
  return { signatures, problems, attestations, attestationProblems };
}

/** A listing that failed or was refused: neither signatures nor attestations can be known. */
function both(problem: DiscoveryProblem): Findings {
  return { ...NOTHING_FOUND, problems: [problem], attestationProblems: [problem] };
}

function invalidListing(digest: string): DiscoveryProblem {
  return {
    code: 'MALFORMED_SIGNATURE',
    message: `the referrers list names ${quote(digest)}, which is not a sha256 digest`,
    source: undefined,
  };
}

/**
 * Whether a listed referrer could be a bundle, judged by the listing alone. The referrers API
 * computes `artifactType` from the manifest, but a `sha256-<hex>` fallback index is written by the
 * client that pushed, and go-containerregistry (so cosign) records the *config* media type there:
 * cosign's own bundles are listed as `application/vnd.oci.empty.v1+json`. Filtering on the bundle
 * type, here or in the registry client, would make every cosign bundle on a registry without the API
 * invisible, and a signed image would read as unsigned. So untyped and empty-typed entries are
 * fetched and judged by their manifest; entries typed as anything else are skipped.
 */
function mayBeBundle(listed: Descriptor): boolean {
  return (
    listed.artifactType === undefined ||
    listed.artifactType === OCI_EMPTY_MEDIA_TYPE ||
    listedAsBundle(listed)
  );
}

function listedAsBundle(listed: Descriptor): boolean {
  return listed.artifactType?.startsWith(SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX) === true;
}

async function readReferrer(context: DiscoveryContext, listed: Descriptor): Promise<ReferrerOutcome> {
  const what = `bundle referrer ${listed.digest}`;
  // Until the manifest is read, only the listing can say what the referrer claims to be.
  let claimedRole = roleByAnnotation(listed.annotations);
  const problem = (
    code: DiscoveryProblem['code'],
    message: string,
    source = listed.digest,
  ): ReferrerOutcome => ({
    role: claimedRole,
    problem: { code, message: `${what}: ${message}`, source },
  });
  try {
    const fetched = await context.client.fetchManifest(context.repository, listed.digest, {
      signal: context.signal,
    });
    const { manifest } = fetched;
    if (manifest.kind === 'image') claimedRole = roleByAnnotation(manifest.annotations);
    if (manifest.kind !== 'image')
      return problem('MALFORMED_SIGNATURE', 'is an index, not an artifact manifest');
    // OCI: without `artifactType`, an artifact's type is its config media type.
    const artifactType = manifest.artifactType ?? manifest.config.mediaType;
    if (!artifactType.startsWith(SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX)) {
      // Listed without a (trustworthy) type and turned out to be something else: not a signature.
      if (!listedAsBundle(listed)) return { notABundle: true };
      return problem(
        'MALFORMED_SIGNATURE',
        `was listed as a bundle but has artifactType ${quote(artifactType)}`,
      );
    }
    // A referrer is only about the image its `subject` names. The listing may be wrong (a stale or
    // forged fallback index); a bundle for another digest is never a signature of this one.
    const subject = manifest.subject?.digest;
    if (subject !== context.subjectDigest) {
      const got = subject === undefined ? 'has no subject' : `has subject ${quote(subject)}`;
      return problem('DIGEST_MISMATCH', `${got}, not ${context.subjectDigest}`);
    }
    const [layer, ...extra] = manifest.layers;
    if (layer === undefined || extra.length > 0) {
      return problem(
        'MALFORMED_SIGNATURE',
        `has ${manifest.layers.length} layers; a bundle artifact has exactly one`,
      );
    }
    if (!layer.mediaType.startsWith(SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX)) {
      return problem(
        'MALFORMED_SIGNATURE',
        `layer media type ${quote(layer.mediaType)} is not a Sigstore bundle`,
      );
    }
    // A referrer that says it holds an attestation (an SBOM can be megabytes) gets the attestation
    // cap; only a hint, but a wrong one costs memory within that cap, never a verdict: the statement
    // inside still decides what the bundle is.
    const cap =
      claimedRole === 'attestation'
        ? { maxBytes: attestationBytesCap(context.limits), what: 'attestation bundle' }
        : { maxBytes: context.limits.maxPayloadBytes, what: 'signature blob' };
    const read = await memoized(
      context.memo,
      payloadMemoKey(
        'sigstore-bundle',
        context.repository,
        layer.digest,
        layer.size,
        context.subjectDigest,
        cap.maxBytes,
      ),
      () => layer.size,
      async () => {
        const payload = await fetchPayload(context, layer, cap);
        if ('problem' in payload) return payload;
        return {
          contents: readSigstoreBundle(payload.bytes, {
            subjectDigest: context.subjectDigest,
            maxBytes: cap.maxBytes,
          }),
        };
      },
    );
    if ('problem' in read) return { role: claimedRole, problem: read.problem };
    const { contents } = read;
    return {
      // The signed statement, not the annotation beside it, says what the bundle is.
      role: roleOfBundle(contents.payloadType, contents.claims),
      signature: {
        kind: 'bundle-referrer',
        subjectDigest: context.subjectDigest,
        manifestDigest: fetched.digest,
        layerDigest: layer.digest,
        bundleMediaType: layer.mediaType,
        bundle: contents.bundle,
        payloadType: contents.payloadType,
        claims: contents.claims,
        annotations: manifest.annotations ?? {},
      },
    };
  } catch (error) {
    return { role: claimedRole, problem: problemFromFailure(error, listed.digest, what, context.signal) };
  }
}
