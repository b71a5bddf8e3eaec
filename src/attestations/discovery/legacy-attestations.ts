import {
  ANNOTATION,
  attestationBytesCap,
  type DiscoveryContext,
  type DiscoveryProblem,
  FETCH_CONCURRENCY,
  fetchPayload,
  IN_TOTO_PAYLOAD_TYPE,
  isNotFound,
  mapBounded,
  memoized,
  payloadMemoKey,
  parseRekorBundleAnnotation,
  parseRfc3161TimestampAnnotation,
  problemFromFailure,
  quote,
} from '../../discovery/index.js';
import { isSha256Digest, type Descriptor, type FetchedManifest } from '../../registry/index.js';
import { parseDsseEnvelope } from './dsse-envelope.js';
import { DSSE_ENVELOPE_MEDIA_TYPE, legacyAttestationTag } from './media-types.js';
import { parseStatement } from './statement.js';
import type { AttestationFindings, LegacyAttestation } from './types.js';

const NONE: AttestationFindings = { attestations: [], problems: [] };

/**
 * cosign's legacy attestations (`cosign attest` before v3, and v3 with `--new-bundle-format=false`):
 * an image tagged `sha256-<hex>.att`, one layer per attestation, each a DSSE envelope whose payload is
 * an in-toto statement; certificate, chain, Rekor bundle (an `intoto` entry) and RFC 3161 timestamp in
 * the layer annotations, as for `.sig` layers, plus a `predicateType` hint. The signature itself is in
 * the envelope (cosign leaves the signature annotation empty). A missing tag means none; the layer
 * cap and per-blob cap are the signatures' own, for the same reasons (CVE-2023-46737).
 */
export async function discoverLegacyAttestations(context: DiscoveryContext): Promise<AttestationFindings> {
  const tag = legacyAttestationTag(context.subjectDigest);
  let fetched: FetchedManifest;
  try {
    fetched = await context.client.fetchManifest(context.repository, tag, { signal: context.signal });
  } catch (error) {
    if (isNotFound(error)) return NONE;
    return only(problemFromFailure(error, tag, `attestation manifest ${tag}`, context.signal));
  }
  const { manifest } = fetched;
  if (manifest.kind !== 'image') {
    return only({
      code: 'MALFORMED_SIGNATURE',
      message: `attestation tag ${tag} holds an index (${manifest.mediaType}), not an attestation image`,
      source: fetched.digest,
    });
  }
  const { maxSignatures } = context.limits;
  if (manifest.layers.length > maxSignatures) {
    return only({
      code: 'TOO_MANY_SIGNATURES',
      message: `attestation manifest ${tag} has ${manifest.layers.length} layers, more than the ${maxSignatures} allowed`,
      source: fetched.digest,
    });
  }
  const outcomes = await mapBounded(manifest.layers, FETCH_CONCURRENCY, (layer) =>
    readLayer(context, fetched.digest, layer),
  );
  const attestations: LegacyAttestation[] = [];
  const problems: DiscoveryProblem[] = [];
  for (const outcome of outcomes) {
    if ('problem' in outcome) problems.push(outcome.problem);
    else attestations.push(outcome.attestation);
  }
  return { attestations, problems };
}

async function readLayer(
  context: DiscoveryContext,
  manifestDigest: string,
  layer: Descriptor,
): Promise<{ readonly attestation: LegacyAttestation } | { readonly problem: DiscoveryProblem }> {
  const what = `attestation layer ${quote(layer.digest)}`;
  const malformed = (message: string, source: string | undefined = layer.digest) => ({
    problem: { code: 'MALFORMED_SIGNATURE' as const, message: `${what} ${message}`, source },
  });
  try {
    if (layer.mediaType !== DSSE_ENVELOPE_MEDIA_TYPE) {
      return malformed(`has media type ${quote(layer.mediaType)}, not ${DSSE_ENVELOPE_MEDIA_TYPE}`);
    }
    if (!isSha256Digest(layer.digest)) return malformed('is not a sha256 digest', undefined);
    const annotations = layer.annotations ?? {};
    const text = (key: string) => (annotations[key] === '' ? undefined : annotations[key]);
    const bundle = text(ANNOTATION.bundle);
    const timestamp = text(ANNOTATION.rfc3161Timestamp);
    const rekorBundle = bundle === undefined ? undefined : parseRekorBundleAnnotation(bundle);
    const rfc3161Timestamp = timestamp === undefined ? undefined : parseRfc3161TimestampAnnotation(timestamp);
    const maxBytes = attestationBytesCap(context.limits);
    const read = await memoized(
      context.memo,
      payloadMemoKey('dsse-statement', context.repository, layer.digest, layer.size, maxBytes),
      () => layer.size,
      async () => {
        const payload = await fetchPayload(context, layer, { maxBytes, what: 'attestation blob' });
        if ('problem' in payload) return payload;
        const envelope = parseDsseEnvelope(payload.bytes, maxBytes);
        // Another payload type is kept, not dropped: verification reports cosign's message for it.
        const statement =
          envelope.payloadType === IN_TOTO_PAYLOAD_TYPE
            ? parseStatement(envelope.payload, maxBytes)
            : undefined;
        return { envelope, statement };
      },
    );
    if ('problem' in read) return read;
    const { envelope, statement } = read;
    return {
      attestation: {
        kind: 'legacy-tag',
        subjectDigest: context.subjectDigest,
        manifestDigest,
        layerDigest: layer.digest,
        envelope,
        statement,
        certificatePem: text(ANNOTATION.certificate),
        chainPem: text(ANNOTATION.chain),
        rekorBundle,
        rfc3161Timestamp,
        annotations,
      },
    };
  } catch (error) {
    return { problem: problemFromFailure(error, layer.digest, what, context.signal) };
  }
}

function only(problem: DiscoveryProblem): AttestationFindings {
  return { attestations: [], problems: [problem] };
}
