import {
  attestationBytesCap,
  type DiscoveryContext,
  type DiscoveryProblem,
  FETCH_CONCURRENCY,
  fetchPayload,
  mapBounded,
  memoized,
  payloadMemoKey,
  problemFromFailure,
  quote,
} from '../../discovery/index.js';
import { isSha256Digest, type Descriptor, type FetchedManifest } from '../../registry/index.js';
import {
  ATTESTATION_MANIFEST_REFERENCE_TYPE,
  IN_TOTO_LAYER_MEDIA_TYPE,
  REFERENCE_DIGEST_ANNOTATION,
  REFERENCE_TYPE_ANNOTATION,
} from './media-types.js';
import { parseStatement } from './statement.js';
import type { AttestationFindings, BuildKitAttestation } from './types.js';

/**
 * BuildKit's attestations (moby/buildkit `docs/attestations/attestation-storage.md`): an image index
 * entry with platform `unknown/unknown` and annotations `vnd.docker.reference.type:
 * attestation-manifest` and `vnd.docker.reference.digest: <platform manifest digest>`, pointing at a
 * manifest whose `application/vnd.in-toto+json` layers are bare in-toto statements (SLSA provenance,
 * SPDX). Nothing signs them: they are found and shown, and verification never counts them.
 *
 * `index` is the (already fetched, digest-checked) index through which `context.subjectDigest` was
 * reached; without one there is nowhere to look. Bounded: at most `maxSignatures` attestation
 * manifests and as many statement layers in each, `maxAttestationBytes` per statement.
 */
export async function discoverBuildKitAttestations(
  context: DiscoveryContext,
  index: FetchedManifest | undefined,
): Promise<AttestationFindings> {
  if (index?.manifest.kind !== 'index') return { attestations: [], problems: [] };
  const entries = index.manifest.manifests.filter(
    (entry) =>
      entry.annotations?.[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_MANIFEST_REFERENCE_TYPE &&
      entry.annotations[REFERENCE_DIGEST_ANNOTATION] === context.subjectDigest,
  );
  const { maxSignatures } = context.limits;
  if (entries.length > maxSignatures) {
    return only({
      code: 'TOO_MANY_SIGNATURES',
      message: `index ${index.digest} lists ${entries.length} attestation manifests for ${context.subjectDigest}, more than the ${maxSignatures} allowed`,
      source: index.digest,
    });
  }
  const found = await mapBounded(entries, FETCH_CONCURRENCY, (entry) => readManifest(context, entry));
  return {
    attestations: found.flatMap((f) => f.attestations),
    problems: found.flatMap((f) => f.problems),
  };
}

async function readManifest(context: DiscoveryContext, entry: Descriptor): Promise<AttestationFindings> {
  const what = `attestation manifest ${quote(entry.digest)}`;
  try {
    if (!isSha256Digest(entry.digest)) {
      return only({
        code: 'MALFORMED_SIGNATURE',
        message: `${what} is not a sha256 digest`,
        source: undefined,
      });
    }
    const fetched = await context.client.fetchManifest(context.repository, entry.digest, {
      signal: context.signal,
    });
    const { manifest } = fetched;
    if (manifest.kind !== 'image') {
      return only({ code: 'MALFORMED_SIGNATURE', message: `${what} is an index`, source: entry.digest });
    }
    // Other layer types (none today) are not statements we can read; skipping them hides nothing signed.
    const layers = manifest.layers.filter((l) => l.mediaType === IN_TOTO_LAYER_MEDIA_TYPE);
    if (layers.length > context.limits.maxSignatures) {
      return only({
        code: 'TOO_MANY_SIGNATURES',
        message: `${what} has ${layers.length} statements, more than the ${context.limits.maxSignatures} allowed`,
        source: fetched.digest,
      });
    }
    const outcomes = await mapBounded(layers, FETCH_CONCURRENCY, (layer) =>
      readStatementLayer(context, fetched.digest, layer),
    );
    return {
      attestations: outcomes.flatMap((o) => ('attestation' in o ? [o.attestation] : [])),
      problems: outcomes.flatMap((o) => ('problem' in o ? [o.problem] : [])),
    };
  } catch (error) {
    return only(problemFromFailure(error, entry.digest, what, context.signal));
  }
}

async function readStatementLayer(
  context: DiscoveryContext,
  manifestDigest: string,
  layer: Descriptor,
): Promise<{ readonly attestation: BuildKitAttestation } | { readonly problem: DiscoveryProblem }> {
  const what = `statement layer ${quote(layer.digest)}`;
  try {
    if (!isSha256Digest(layer.digest)) {
      return {
        problem: {
          code: 'MALFORMED_SIGNATURE',
          message: `${what} is not a sha256 digest`,
          source: undefined,
        },
      };
    }
    const maxBytes = attestationBytesCap(context.limits);
    const read = await memoized(
      context.memo,
      payloadMemoKey('statement', context.repository, layer.digest, layer.size, maxBytes),
      () => layer.size,
      async () => {
        const payload = await fetchPayload(context, layer, { maxBytes, what: 'attestation blob' });
        return 'problem' in payload ? payload : { statement: parseStatement(payload.bytes, maxBytes) };
      },
    );
    if ('problem' in read) return read;
    return {
      attestation: {
        kind: 'buildkit',
        subjectDigest: context.subjectDigest,
        manifestDigest,
        layerDigest: layer.digest,
        statement: read.statement,
        annotations: layer.annotations ?? {},
      },
    };
  } catch (error) {
    return { problem: problemFromFailure(error, layer.digest, what, context.signal) };
  }
}

function only(problem: DiscoveryProblem): AttestationFindings {
  return { attestations: [], problems: [problem] };
}
