import type { PayloadClaims } from './types.js';
import { goObject, goString, parseUntrustedJson, requireObject } from './untrusted-json.js';

/** Default cap when a caller gives none: cosign payloads are a few hundred bytes. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Reads a cosign simple-signing payload (the layer blob of a legacy signature):
 *
 * ```json
 * {"critical":{"identity":{"docker-reference":"…"},"image":{"docker-manifest-digest":"sha256:…"},
 *  "type":"cosign container image signature"},"optional":{…}}
 * ```
 *
 * The bytes are untrusted (nothing is verified yet); this only extracts what they claim. Keys match
 * case-insensitively like Go's `encoding/json` (see `untrusted-json.ts`); `null` and missing fields
 * read as absent, as Go leaves zero values; a field of the wrong type is refused, as Go refuses it.
 * Throws `DiscoveryError` (`MALFORMED_SIGNATURE`, `PAYLOAD_TOO_LARGE`).
 */
export function parseSimpleSigningPayload(
  bytes: Uint8Array,
  options: { readonly maxBytes?: number } = {},
): PayloadClaims {
  const root = requireObject(
    parseUntrustedJson(bytes, 'simple-signing payload', options.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES),
    'simple-signing payload',
  );
  const critical = goObject(root, 'critical', 'payload') ?? {};
  const identity = goObject(critical, 'identity', 'payload.critical') ?? {};
  const image = goObject(critical, 'image', 'payload.critical') ?? {};
  // `optional` is a Go map[string]interface{}: its own keys are exact, only the field name folds.
  const optional = goObject(root, 'optional', 'payload') ?? {};
  return {
    dockerManifestDigest: nonEmpty(goString(image, 'docker-manifest-digest', 'payload.critical.image')),
    dockerReference: nonEmpty(goString(identity, 'docker-reference', 'payload.critical.identity')),
    type: nonEmpty(goString(critical, 'type', 'payload.critical')),
    optional,
  };
}

/** Go cannot tell `""` from absent; neither do we, so verification sees one "missing" case. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
