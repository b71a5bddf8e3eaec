import {
  goArray,
  goString,
  isJsonObject,
  malformed,
  parseUntrustedJson,
  requireObject,
} from '../../discovery/index.js';
import type { DsseEnvelope } from './types.js';

/** Signatures read from one envelope; cosign writes one. */
const MAX_ENVELOPE_SIGNATURES = 16;

/**
 * Reads a DSSE envelope `{"payloadType", "payload" (base64), "signatures": [{"keyid", "sig"}]}` as
 * cosign's `.att` layers hold it. Untrusted: parsed under the byte cap; the payload's base64 must be
 * exact (a lenient decoder would let two different stored strings stand for one signed payload).
 * Throws `DiscoveryError`.
 */
export function parseDsseEnvelope(bytes: Uint8Array, maxBytes: number): DsseEnvelope {
  const root = requireObject(parseUntrustedJson(bytes, 'DSSE envelope', maxBytes), 'DSSE envelope');
  const payloadType = goString(root, 'payloadType', 'envelope');
  const payload = goString(root, 'payload', 'envelope');
  if (payloadType === undefined || payload === undefined) {
    throw malformed('DSSE envelope needs string payloadType and payload');
  }
  const decoded = Buffer.from(payload, 'base64');
  if (decoded.toString('base64') !== payload)
    throw malformed('DSSE envelope payload is not canonical base64');
  const listed = goArray(root, 'signatures', 'envelope') ?? [];
  if (listed.length === 0 || listed.length > MAX_ENVELOPE_SIGNATURES) {
    throw malformed(`DSSE envelope has ${listed.length} signatures`);
  }
  const signatures = listed.map((entry, n) => {
    if (!isJsonObject(entry)) throw malformed(`envelope.signatures[${n}] must be an object`);
    const sig = goString(entry, 'sig', `envelope.signatures[${n}]`);
    if (sig === undefined || sig === '') throw malformed(`envelope.signatures[${n}] has no sig`);
    return { keyid: goString(entry, 'keyid', `envelope.signatures[${n}]`) ?? '', sig };
  });
  return { payloadType, payload: new Uint8Array(decoded), signatures };
}
