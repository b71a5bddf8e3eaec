import {
  type BundleSignature,
  IN_TOTO_PAYLOAD_TYPE,
  isJsonObject,
  malformed,
} from '../../discovery/index.js';
import { parseStatement } from './statement.js';
import type { BundleAttestation } from './types.js';

/**
 * A bundle referrer that signature discovery sorted out as an attestation, with its statement read
 * from the DSSE payload — decoded the way @sigstore/bundle will decode it for verification, so what
 * is shown is what gets checked. Throws `DiscoveryError`.
 */
export function bundleAttestation(referrer: BundleSignature, maxBytes: number): BundleAttestation {
  const envelope = isJsonObject(referrer.bundle) ? referrer.bundle.dsseEnvelope : undefined;
  if (!isJsonObject(envelope) || typeof envelope.payload !== 'string') {
    throw malformed('bundle has no DSSE envelope payload');
  }
  const statement =
    referrer.payloadType === IN_TOTO_PAYLOAD_TYPE
      ? parseStatement(new Uint8Array(Buffer.from(envelope.payload, 'base64')), maxBytes)
      : undefined;
  return { kind: 'bundle-referrer', subjectDigest: referrer.subjectDigest, referrer, statement };
}
