import { isSha256Digest, type Descriptor, type FetchedManifest } from '../registry/index.js';
import { mapBounded } from './bounded-concurrency.js';
import { readLegacyLayerAnnotations } from './cosign-annotations.js';
import {
  type DiscoveryContext,
  FETCH_CONCURRENCY,
  fetchPayload,
  type Findings,
  NOTHING_FOUND,
} from './discovery-context.js';
import { legacySignatureTag, SIMPLE_SIGNING_MEDIA_TYPE } from './media-types.js';
import { isNotFound, problemFromFailure } from './registry-failures.js';
import { parseSimpleSigningPayload } from './simple-signing.js';
import type { DiscoveryProblem, LegacySignature } from './types.js';
import { quote } from './untrusted-json.js';

/**
 * cosign's original format: an image tagged `sha256-<hex>.sig` whose every layer is one signature (a
 * simple-signing payload blob, with the signature, certificate, chain and Rekor bundle in the layer's
 * annotations). A missing tag means "no legacy signatures".
 */
export async function discoverLegacySignatures(context: DiscoveryContext): Promise<Findings> {
  const tag = legacySignatureTag(context.subjectDigest);
  let fetched: FetchedManifest;
  try {
    fetched = await context.client.fetchManifest(context.repository, tag, { signal: context.signal });
  } catch (error) {
    if (isNotFound(error)) return NOTHING_FOUND;
    return only(problemFromFailure(error, tag, `signature manifest ${tag}`, context.signal));
  }
  const { manifest } = fetched;
  if (manifest.kind !== 'image') {
    return only({
      code: 'MALFORMED_SIGNATURE',
      message: `signature tag ${tag} holds an index (${manifest.mediaType}), not a signature image`,
      source: fetched.digest,
    });
  }
  const { maxSignatures } = context.limits;
  if (manifest.layers.length > maxSignatures) {
    // Refuse the whole manifest without fetching a single layer, as cosign does (CVE-2023-46737,
    // `maxLayers`): the cap exists so a hostile registry cannot make us do unbounded work, and reading
    // "the first N" would let whoever writes this tag choose which signatures we see. The problem
    // makes the verification fail, visibly, rather than silently checking a subset.
    return only({
      code: 'TOO_MANY_SIGNATURES',
      message: `signature manifest ${tag} has ${manifest.layers.length} layers, more than the ${maxSignatures} allowed`,
      source: fetched.digest,
    });
  }
  const outcomes = await mapBounded(manifest.layers, FETCH_CONCURRENCY, (layer) =>
    readLegacyLayer(context, fetched.digest, layer),
  );
  const signatures: LegacySignature[] = [];
  const problems: DiscoveryProblem[] = [];
  for (const outcome of outcomes) {
    if ('problem' in outcome) problems.push(outcome.problem);
    else signatures.push(outcome.signature);
  }
  return { ...NOTHING_FOUND, signatures, problems };
}

async function readLegacyLayer(
  context: DiscoveryContext,
  manifestDigest: string,
  layer: Descriptor,
): Promise<{ readonly signature: LegacySignature } | { readonly problem: DiscoveryProblem }> {
  const what = `signature layer ${quote(layer.digest)}`;
  try {
    if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) {
      return {
        problem: {
          code: 'MALFORMED_SIGNATURE',
          message: `${what} has media type ${quote(layer.mediaType)}, not ${SIMPLE_SIGNING_MEDIA_TYPE}`,
          source: layer.digest,
        },
      };
    }
    if (!isSha256Digest(layer.digest)) {
      // cosign writes sha256 only, and the digest goes into a URL: anything else is not a signature.
      return {
        problem: {
          code: 'MALFORMED_SIGNATURE',
          message: `${what} is not a sha256 digest`,
          source: undefined,
        },
      };
    }
    const annotations = layer.annotations ?? {};
    // Annotations first: a layer that cannot be a signature is not worth a request.
    const read = readLegacyLayerAnnotations(annotations);
    const payload = await fetchPayload(context, layer);
    if ('problem' in payload) return payload;
    const claims = parseSimpleSigningPayload(payload.bytes, { maxBytes: context.limits.maxPayloadBytes });
    return {
      signature: {
        kind: 'legacy-tag',
        subjectDigest: context.subjectDigest,
        manifestDigest,
        layerDigest: layer.digest,
        payload: payload.bytes,
        signature: read.signature,
        certificatePem: read.certificatePem,
        chainPem: read.chainPem,
        rekorBundle: read.rekorBundle,
        rfc3161Timestamp: read.rfc3161Timestamp,
        claims,
        annotations,
      },
    };
  } catch (error) {
    return { problem: problemFromFailure(error, layer.digest, what, context.signal) };
  }
}

function only(problem: DiscoveryProblem): Findings {
  return { ...NOTHING_FOUND, problems: [problem] };
}
