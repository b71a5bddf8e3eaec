import { malformed } from './errors.js';
import { parseInTotoStatement } from './in-toto.js';
import { IN_TOTO_PAYLOAD_TYPE } from './media-types.js';
import type { PayloadClaims } from './types.js';
import { describe, isJsonObject, parseUntrustedJson, requireObject } from './untrusted-json.js';

/** What discovery reads out of a Sigstore bundle blob, before any cryptography. */
export interface BundleContents {
  /** The parsed JSON, handed to verification as is: @sigstore/bundle validates it there. */
  readonly bundle: unknown;
  readonly payloadType: string | undefined;
  readonly claims: PayloadClaims;
}

const NO_CLAIMS: PayloadClaims = {
  dockerManifestDigest: undefined,
  dockerReference: undefined,
  type: undefined,
  optional: {},
};

/**
 * Reads a Sigstore bundle (protobuf JSON) just far enough to say what it claims.
 *
 * The claims must come from exactly the bytes verification will check the signature over, so this
 * reads the bundle the way `@sigstore/protobuf-specs`' `Bundle.fromJSON` (what `@sigstore/bundle` and
 * `@sigstore/verify` use) reads it: camelCase keys only, `messageSignature` winning over
 * `dsseEnvelope` when both are set, and the DSSE payload decoded with Node's base64 decoder. A
 * message-signature bundle signs a digest, not a statement: it yields no claims, and verification
 * decides what that means. Throws `DiscoveryError`.
 */
export function readSigstoreBundle(
  bytes: Uint8Array,
  options: { readonly subjectDigest: string; readonly maxBytes: number },
): BundleContents {
  const bundle = requireObject(
    parseUntrustedJson(bytes, 'Sigstore bundle', options.maxBytes),
    'Sigstore bundle',
  );
  if (isSet(bundle.messageSignature)) {
    return { bundle, payloadType: undefined, claims: NO_CLAIMS };
  }
  const envelope = bundle.dsseEnvelope;
  if (!isJsonObject(envelope)) {
    throw malformed(
      `Sigstore bundle has neither messageSignature nor a dsseEnvelope object (got ${describe(envelope)})`,
    );
  }
  const { payloadType, payload } = envelope;
  if (typeof payloadType !== 'string' || typeof payload !== 'string') {
    throw malformed('Sigstore bundle dsseEnvelope needs string payloadType and payload');
  }
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    // Not a statement, so no claims to read; verification will refuse it for lack of a digest claim.
    return { bundle, payloadType, claims: NO_CLAIMS };
  }
  const statement = new Uint8Array(Buffer.from(payload, 'base64'));
  const claims = parseInTotoStatement(statement, {
    subjectDigest: options.subjectDigest,
    maxBytes: options.maxBytes,
  });
  return { bundle, payloadType, claims };
}

/** protobuf-specs' own notion of "present": anything but null and undefined. */
function isSet(value: unknown): boolean {
  return value !== null && value !== undefined;
}
