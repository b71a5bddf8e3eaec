import { malformed } from './errors.js';
import { ANNOTATION } from './media-types.js';
import type { RekorBundleAnnotation } from './types.js';
import {
  goField,
  goInteger,
  goObject,
  goString,
  parseUntrustedJson,
  requireObject,
} from './untrusted-json.js';

/**
 * Annotations live inside a manifest, which the registry client already caps (4 MiB), so these JSON
 * values cannot be huge; this tighter cap bounds the work for one layer all the same.
 */
const MAX_ANNOTATION_JSON_BYTES = 256 * 1024;

/** What the annotations of one legacy signature layer say, read but not verified. */
export interface LegacyLayerAnnotations {
  readonly signature: string;
  readonly certificatePem: string | undefined;
  readonly chainPem: string | undefined;
  readonly rekorBundle: RekorBundleAnnotation | undefined;
  readonly rfc3161Timestamp: Uint8Array | undefined;
}

/**
 * Reads the cosign annotations of one `.sig` layer. A missing signature is malformed (cosign refuses
 * it too); empty optional annotations count as absent, as cosign treats `""`. Throws `DiscoveryError`.
 */
export function readLegacyLayerAnnotations(
  annotations: Readonly<Record<string, string>>,
): LegacyLayerAnnotations {
  const signature = annotationText(annotations, ANNOTATION.signature);
  if (signature === undefined) throw malformed(`layer has no "${ANNOTATION.signature}" annotation`);
  if (!isStdBase64(signature)) throw malformed(`"${ANNOTATION.signature}" is not base64`);
  const bundle = annotationText(annotations, ANNOTATION.bundle);
  const timestamp = annotationText(annotations, ANNOTATION.rfc3161Timestamp);
  return {
    signature,
    certificatePem: annotationText(annotations, ANNOTATION.certificate),
    chainPem: annotationText(annotations, ANNOTATION.chain),
    rekorBundle: bundle === undefined ? undefined : parseRekorBundleAnnotation(bundle),
    rfc3161Timestamp: timestamp === undefined ? undefined : parseRfc3161TimestampAnnotation(timestamp),
  };
}

/**
 * `dev.sigstore.cosign/bundle`: `{"SignedEntryTimestamp":"<b64>","Payload":{"body":"<b64>",
 * "integratedTime":<int>,"logIndex":<int>,"logID":"<hex>"}}` (cosign `pkg/cosign/bundle.RekorBundle`,
 * decoded by Go's `encoding/json`, hence case-insensitive keys). Every field is required: a SET over a
 * zero-valued field would never verify, so a missing one is malformed now rather than confusing later.
 */
export function parseRekorBundleAnnotation(text: string): RekorBundleAnnotation {
  const where = `"${ANNOTATION.bundle}"`;
  const root = requireObject(
    parseUntrustedJson(new TextEncoder().encode(text), where, MAX_ANNOTATION_JSON_BYTES),
    where,
  );
  const signedEntryTimestamp = goString(root, 'SignedEntryTimestamp', where);
  if (
    signedEntryTimestamp === undefined ||
    !isStdBase64(signedEntryTimestamp) ||
    signedEntryTimestamp === ''
  ) {
    throw malformed(`${where} has no base64 SignedEntryTimestamp`);
  }
  const payload = goObject(root, 'Payload', where);
  if (payload === undefined) throw malformed(`${where} has no Payload`);
  // `body` is an interface{} in Go, but cosign only ever uses it as a base64 string.
  const body = goField(payload, 'body', `${where}.Payload`);
  if (typeof body !== 'string' || body === '' || !isStdBase64(body)) {
    throw malformed(`${where}.Payload.body must be a base64 string`);
  }
  const logId = goString(payload, 'logID', `${where}.Payload`);
  if (logId === undefined || !/^[0-9a-f]{64}$/.test(logId)) {
    throw malformed(`${where}.Payload.logID must be 64 lowercase hex characters`);
  }
  const integratedTime = goInteger(payload, 'integratedTime', `${where}.Payload`);
  const logIndex = goInteger(payload, 'logIndex', `${where}.Payload`);
  if (integratedTime < 0 || logIndex < 0) throw malformed(`${where}.Payload has a negative time or index`);
  return { signedEntryTimestamp, body, integratedTime, logIndex, logId };
}

/** `dev.sigstore.cosign/rfc3161timestamp`: `{"SignedRFC3161Timestamp":"<b64 DER>"}` → the DER bytes. */
export function parseRfc3161TimestampAnnotation(text: string): Uint8Array {
  const where = `"${ANNOTATION.rfc3161Timestamp}"`;
  const root = requireObject(
    parseUntrustedJson(new TextEncoder().encode(text), where, MAX_ANNOTATION_JSON_BYTES),
    where,
  );
  const encoded = goString(root, 'SignedRFC3161Timestamp', where);
  if (encoded === undefined || encoded === '' || !isStdBase64(encoded)) {
    throw malformed(`${where} has no base64 SignedRFC3161Timestamp`);
  }
  return new Uint8Array(Buffer.from(encoded, 'base64'));
}

/**
 * Standard, padded base64, as Go's `base64.StdEncoding` (used for `[]byte` JSON fields and by cosign
 * for signatures) requires. Node's decoder silently skips junk, so the shape is checked first.
 */
export function isStdBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

/**
 * One annotation, `""` read as absent (cosign's `== ""` checks). The type is re-checked although the
 * manifest parser promises strings: these values come from the registry, and a number here must be
 * a malformed signature, not a crash.
 */
function annotationText(annotations: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = annotations[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw malformed(`annotation "${key}" is not a string`);
  return value;
}
